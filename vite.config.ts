/**
 * Vite setup of the repository: serves the Playwright test page (playwright/app/) and builds it.
 * The SharedWorker is bundled from `new URL("../worker/entry.ts", import.meta.url)` in
 * src/connection.ts; `worker.format: "es"` matches its `type: "module"`.
 */
import { defineConfig } from "vite";

export default defineConfig({
  appType: "mpa",
  worker: { format: "es" },
  // The dependency scanner does not follow `new URL(…)` into the worker: list the worker's deps so
  // they are optimized up front instead of triggering a reload (or a 504) at first use.
  optimizeDeps: {
    entries: ["playwright/app/index.html", "playwright/app/realm-web.html"],
    include: ["comlink", "idb", "bson", "broadcast-channel", "jose", "zod/mini", "eventsource-parser", "realm-web"],
  },
  // No HMR: a file saved while tests run (several engineers share the tree) must not reload the
  // test pages mid-test.
  server: { host: "127.0.0.1", strictPort: false, hmr: false },
  build: {
    outDir: "dist/test-page",
    emptyOutDir: true,
    rollupOptions: { input: "playwright/app/index.html" },
  },
});
