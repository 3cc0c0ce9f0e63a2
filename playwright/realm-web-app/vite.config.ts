/**
 * Vite setup of the realm-web page (playwright/realm-web-app/): the page imports "realm-web", and
 * this config points that name at realm-tabs' sources, which is all an application changes when it
 * switches. Otherwise as the repository's vite.config.ts: the same pre-bundled dependencies with
 * discovery off, no HMR, a private optimizer cache removed on close.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const DEPS = ["comlink", "bson", "broadcast-channel", "eventsource-parser"];

export default defineConfig(() => {
  const cacheDir = join(tmpdir(), `realm-tabs-vite-realm-web-app-${process.pid}-${Date.now().toString(36)}`);
  return {
    appType: "mpa",
    worker: { format: "es" },
    cacheDir,
    resolve: { alias: { "realm-web": fileURLToPath(new URL("../../src/index.ts", import.meta.url)) } },
    optimizeDeps: { include: DEPS, noDiscovery: true },
    server: { host: "127.0.0.1", strictPort: false, hmr: false },
    plugins: [
      {
        name: "realm-tabs:drop-private-dep-cache",
        apply: "serve",
        configureServer(server) {
          server.httpServer?.once("close", () => rmSync(cacheDir, { recursive: true, force: true }));
        },
      },
    ],
  };
});
