/**
 * The test pages of playwright/app/ (the test page, the redirect page of redirect logins, the
 * realm-web page of the migration tests), built by Vite with the repository's config and served as
 * static files on 127.0.0.1. A built page loads in a few requests where the dev server answers two
 * hundred module requests per tab and worker (measured: five tabs and a login, 3.2 s against 4.9 s
 * on this 2-core machine), and every suite here opens hundreds of tabs. The dev server stays covered
 * by the demo, the realm-web app and the packed consumer app (playwright/pack/). Playwright builds
 * the pages once per run (playwright/globalSetup.ts); the Firefox suite builds its own.
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

/** Names the directory of a build made once for the whole run (Playwright's global setup). */
export const TEST_PAGES_DIR_ENV = "REALM_TABS_TEST_PAGES_DIR";

/**
 * Builds the test pages into a fresh directory under playwright/artifacts/ and returns its path.
 * @throws whatever the build throws (a compile error in the pages, the library or the worker)
 */
export async function buildTestPages(): Promise<string> {
  const { build } = await import("vite");
  const artifacts = join(repo, "playwright", "artifacts");
  mkdirSync(artifacts, { recursive: true });
  const outDir = mkdtempSync(join(artifacts, "test-pages-"));
  // Vite's build (and preview, below) set NODE_ENV to production in this process when it is unset,
  // and the servers started later here refuse their development stand-ins under production (and
  // the demo's dev server would drop its dev-only setup): build for production, then put it back
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
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
    return outDir;
  } catch (error) {
    rmSync(outDir, { recursive: true, force: true });
    throw error;
  } finally {
    restoreNodeEnv(nodeEnv);
  }
}

/**
 * Serves the test pages (Vite's preview server, 127.0.0.1, port 0): the run's build when Playwright's
 * global setup made one ({@link TEST_PAGES_DIR_ENV}), else a build of its own, which `close()`
 * removes with the server.
 * @throws whatever the build throws (a compile error in the pages, the library or the worker)
 */
export async function startBuiltTestPages(): Promise<TestPageServer> {
  const { preview } = await import("vite");
  const shared = process.env[TEST_PAGES_DIR_ENV];
  const outDir = shared || (await buildTestPages());
  const drop = () => {
    if (!shared) rmSync(outDir, { recursive: true, force: true });
  };
  const nodeEnv = process.env.NODE_ENV;
  let server: PreviewServer | undefined;
  try {
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
        drop();
      },
    };
  } catch (error) {
    await server?.close();
    drop();
    throw error;
  } finally {
    restoreNodeEnv(nodeEnv);
  }
}

function restoreNodeEnv(value: string | undefined): void {
  if (value === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = value;
}
