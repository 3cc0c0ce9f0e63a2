/**
 * The test pages of playwright/app/ (the test page, the redirect page of redirect logins, the
 * realm-web page of the migration tests), built by Vite with the repository's config and served as
 * static files on 127.0.0.1. A built page loads in a few requests where the dev server answers two
 * hundred module requests per tab and worker (measured: five tabs and a login, 3.2 s against 4.9 s
 * on this 2-core machine), and every suite here opens hundreds of tabs. The dev server stays covered
 * by the demo, the realm-web app and the packed consumer app (playwright/pack/).
 * @packageDocumentation
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PreviewServer } from "vite";
import type { TestPageServer } from "../src/testing/server.js";

const repo = fileURLToPath(new URL("..", import.meta.url));

/** Where a build puts the SharedWorker's script (the name is fixed, without a hash). */
export const BUILT_WORKER_PATH = "/assets/entry.js";

/** The pages built, by their path under the repository. */
const PAGES = {
  index: "playwright/app/index.html",
  redirect: "playwright/app/auth-redirect.html",
  realmWeb: "playwright/app/realm-web.html",
};

/**
 * Builds the test pages into a fresh directory and serves it (Vite's preview server, port 0).
 * `close()` stops the server and removes the build.
 * @throws whatever the build throws (a compile error in the pages, the library or the worker)
 */
export async function startBuiltTestPages(): Promise<TestPageServer> {
  const { build, preview } = await import("vite");
  const artifacts = join(repo, "playwright", "artifacts");
  mkdirSync(artifacts, { recursive: true });
  const outDir = mkdtempSync(join(artifacts, "test-pages-"));
  // Vite's build and preview set NODE_ENV to production in this process when it is unset, and the
  // servers started later here refuse their development stand-ins under production (and the demo's
  // dev server would drop its dev-only setup): build for production, then put NODE_ENV back
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  let server: PreviewServer | undefined;
  try {
    await build({
      root: repo,
      configFile: join(repo, "vite.config.ts"),
      logLevel: "warn",
      build: {
        outDir,
        emptyOutDir: true,
        // readable stack traces in failures; the size of the pages is measured elsewhere (bench/size)
        minify: false,
        rollupOptions: { input: Object.fromEntries(Object.entries(PAGES).map(([name, path]) => [name, join(repo, path)])) },
      },
      worker: { rollupOptions: { output: { entryFileNames: "assets/[name].js" } } },
    });
    server = await preview({
      root: repo,
      configFile: false,
      appType: "mpa",
      logLevel: "warn",
      build: { outDir },
      preview: { host: "127.0.0.1", port: 0, strictPort: false },
    });
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error("the preview server reported no local URL");
    const running = server;
    return {
      url,
      close: async () => {
        await running.close();
        rmSync(outDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.close();
    rmSync(outDir, { recursive: true, force: true });
    throw error;
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}
