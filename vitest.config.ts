import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{src,worker,server,test,demo,scripts,bench}/**/*.test.ts"],
    exclude: ["node_modules/**", "**/dist/**", "playwright/**"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
