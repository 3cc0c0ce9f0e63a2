// Builds the SharedWorker's modules that load on first use (worker/features/lazy.ts) for the
// published package: each one prebuilt, minified and self-contained in dist/worker/lazy/<name>.js,
// and dist/worker/features/lazy.js rewritten to load it with
// `import(new URL("../lazy/<name>.js?no-inline", import.meta.url).href)`. A bundler copies a file
// named by `new URL(…, import.meta.url)` as it is (`?no-inline` keeps Vite from inlining a small one
// as a data: URL), and leaves an `import()` of a computed URL alone (the two ignore comments say so
// to Vite and webpack), so the module stays out of the worker bundle even where the worker is built
// as one script (Vite's default). Used by build-lib.mjs.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The modules of worker/features/ that worker/features/lazy.ts loads, by file name. */
export const LAZY_WORKER_MODULES = ["watches", "accounts", "storeFallback"];

/** The import expression the build puts in place of `import("./<name>.js")`. */
export function lazyImport(name) {
  return `import(/* @vite-ignore */ /* webpackIgnore: true */ new URL("../lazy/${name}.js?no-inline", import.meta.url).href)`;
}

/**
 * Writes dist/worker/lazy/<name>.js for each module and rewrites dist/worker/features/lazy.js.
 * @param {string} dist - the package's dist folder (absolute), after tsc wrote dist/worker
 */
export async function buildLazyWorkerModules(dist) {
  const loaders = `${dist}/worker/features/lazy.js`;
  let code = readFileSync(loaders, "utf8");
  for (const name of LAZY_WORKER_MODULES) {
    await build({
      entryPoints: [`worker/features/${name}.ts`],
      outfile: `${dist}/worker/lazy/${name}.js`,
      absWorkingDir: root,
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      minify: true,
      legalComments: "none",
      logLevel: "warning",
    });
    const plain = `import("./${name}.js")`;
    if (code.split(plain).length !== 2) throw new Error(`build: ${plain} is not in dist/worker/features/lazy.js exactly once`);
    code = code.replace(plain, lazyImport(name));
  }
  writeFileSync(loaders, code);
}
