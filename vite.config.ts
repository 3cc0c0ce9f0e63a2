/**
 * Vite setup of the repository: serves the Playwright test pages (playwright/app/) and builds the
 * test page. The SharedWorker is bundled from `new URL("../worker/entry.ts", import.meta.url)` in
 * src/connection.ts; `worker.format: "es"` matches its `type: "module"`.
 *
 * Dependency optimization is deterministic: every bare import of the pages, the worker and the
 * realm-web page is pre-bundled when the server starts (`include`), and discovery at runtime is off
 * (`noDiscovery`), so the optimizer never re-runs while a page loads, which is what answers an
 * already-loaded page with "504 Outdated Optimize Dep". Each dev server also gets its own cache
 * directory (removed when it closes): servers started at the same time by other test runs on this
 * machine never rewrite the files it serves.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig, type Plugin } from "vite";

/** Every bare import the served pages and the worker load (check with the grep in docs/sdk-surface.md). */
const DEPS = ["comlink", "bson", "broadcast-channel", "eventsource-parser", "realm-web"];

/** Removes the dev server's private optimizer cache when it closes. */
function dropCacheOnClose(dir: string): Plugin {
  return {
    name: "realm-tabs:drop-private-dep-cache",
    apply: "serve",
    configureServer(server) {
      server.httpServer?.once("close", () => rmSync(dir, { recursive: true, force: true }));
    },
  };
}

export default defineConfig(({ command }) => {
  const cacheDir = command === "serve" ? join(tmpdir(), `realm-tabs-vite-${process.pid}-${Date.now().toString(36)}`) : undefined;
  return {
    appType: "mpa",
    worker: { format: "es" },
    ...(cacheDir ? { cacheDir } : {}),
    optimizeDeps: { include: DEPS, noDiscovery: true },
    // No HMR: a file saved while tests run (several engineers share the tree) must not reload the
    // test pages mid-test.
    server: { host: "127.0.0.1", strictPort: false, hmr: false },
    plugins: cacheDir ? [dropCacheOnClose(cacheDir)] : [],
    build: {
      outDir: "dist/test-page",
      emptyOutDir: true,
      rollupOptions: { input: "playwright/app/index.html" },
    },
  };
});
