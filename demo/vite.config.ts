/**
 * Vite setup of the demo (root demo/). The page reads the server URL and app id from the `define`d
 * globals below, which `npm start` sets through REALM_TABS_SERVER_URL / REALM_TABS_APP_ID; in the
 * dev server (and test builds) a `?server=<url>&app=<id>` query overrides them (the Playwright
 * fixtures use that); production builds ignore it (demo/src/config.ts).
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const repo = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root,
  appType: "mpa",
  worker: { format: "es" },
  define: {
    __REALM_TABS_SERVER__: JSON.stringify(process.env.REALM_TABS_SERVER_URL ?? "http://127.0.0.1:8787"),
    __REALM_TABS_APP_ID__: JSON.stringify(process.env.REALM_TABS_APP_ID ?? "realm-tabs-demo"),
  },
  // The scanner does not follow `new URL(…)` into the SharedWorker: list its deps up front.
  optimizeDeps: {
    entries: ["index.html"],
    include: ["comlink", "bson", "broadcast-channel"],
  },
  server: { host: "127.0.0.1", port: 5173, strictPort: false, fs: { allow: [repo] } },
  build: { outDir: `${repo}dist/demo`, emptyOutDir: true },
});
