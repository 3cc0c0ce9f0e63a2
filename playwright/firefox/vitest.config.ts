/**
 * Vitest as the runner of the Firefox scenarios (`npm run test:firefox`): one file, run alone, in
 * one forked process that launches Firefox once. Vitest is the repository's runner for everything
 * that is not Playwright; Playwright itself cannot drive Firefox ESR (see docs/browsers.md).
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL("../../", import.meta.url)),
  test: {
    include: ["playwright/firefox/*.e2e.ts"],
    environment: "node",
    pool: "forks",
    fileParallelism: false,
    // launching Firefox and building the test pages take most of a minute on a loaded machine
    hookTimeout: 120_000,
    testTimeout: 90_000,
  },
});
