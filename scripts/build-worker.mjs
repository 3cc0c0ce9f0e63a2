// Builds the SharedWorker's scripts for the published package, after tsc wrote dist/worker:
// - its modules loaded on first use (worker/features/lazy.ts), each prebuilt and self-contained in
//   dist/worker/lazy/<name>.js, and dist/worker/features/lazy.js rewritten to load it with
//   `import(new URL("../lazy/<name>.js?no-inline", import.meta.url).href)`. A bundler copies a file
//   named by `new URL(…, import.meta.url)` as it is (`?no-inline` keeps Vite from inlining a small one
//   as a data: URL), and leaves an `import()` of a computed URL alone (the two ignore comments say so
//   to Vite and webpack), so the module stays out of the worker bundle even where the worker is built
//   as one script (Vite's default);
// - the worker itself, dist/worker/entry.js, as one self-contained module with its source map beside
//   it (entry.js.map, naming the files tsc wrote in dist/worker and dist/src). The app's bundler
//   bundles it again and keeps it about as small; terser compresses it better than the minifiers
//   bundlers use by default (333 B gzip less than Vite 8's own when this came in, measured by
//   bench/size/check.ts).
// Each file is bundled by esbuild and minified by terser (scripts/minify.mjs).
// Used by build-lib.mjs.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { minifyBundle } from "./minify.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The modules of worker/features/ that worker/features/lazy.ts loads, by file name. */
export const LAZY_WORKER_MODULES = ["watches", "accounts", "storeFallback"];

/** The import expression the build puts in place of `import("./<name>.js")`, from dist/worker/features/. */
export function lazyImport(name) {
  return `import(/* @vite-ignore */ /* webpackIgnore: true */ new URL("../lazy/${name}.js?no-inline", import.meta.url).href)`;
}

/**
 * Bundles `entry` with esbuild and minifies it with terser.
 * @param {string} entry - the entry module (relative to the repository)
 * @param {string} outfile - where the result goes (absolute); with `map`, its map goes to `outfile.map`
 * @param {{ map?: boolean, rewrite?: (code: string) => string }} [options] - `rewrite` edits the bundle before minifying
 * @returns {Promise<string>} the minified code
 */
async function bundleAndMinify(entry, outfile, options = {}) {
  const bundled = await build({
    entryPoints: [entry],
    outfile,
    absWorkingDir: root,
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    legalComments: "inline",
    sourcemap: options.map ? "external" : false,
    sourcesContent: true,
    logLevel: "warning",
  });
  const js = bundled.outputFiles.find((f) => f.path.endsWith(".js"));
  const map = bundled.outputFiles.find((f) => f.path.endsWith(".js.map"));
  if (!js) throw new Error(`build: esbuild wrote no script for ${entry}`);
  let code = js.text.replace(/\n\/\/# sourceMappingURL=\S*\n?$/, "\n");
  if (options.rewrite) code = options.rewrite(code);
  const file = outfile.slice(outfile.lastIndexOf("/") + 1);
  const minified = await minifyBundle(code, options.map && map ? { map: { content: map.text, file } } : {});
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(outfile, minified.code);
  if (minified.map) writeFileSync(`${outfile}.map`, packageSourcesByPath(minified.map));
  return minified.code;
}

/**
 * Keeps in a map the text of the sources outside the package only (comlink's, idb's): the others
 * are files tsc wrote into dist/, which ship beside the map, so a reader of the map (devtools,
 * Vite's dev server) reads them there.
 * @param {string} json - a source map whose sources are relative to dist/worker/ (where `../../` leaves the package)
 * @returns {string} the map
 */
function packageSourcesByPath(json) {
  const map = JSON.parse(json);
  map.sourcesContent = map.sources.map((source, i) => (source.startsWith("../../") ? (map.sourcesContent?.[i] ?? null) : null));
  return JSON.stringify(map);
}

/**
 * Writes dist/worker/lazy/<name>.js for each module and rewrites dist/worker/features/lazy.js.
 * @param {string} dist - the package's dist folder (absolute), after tsc wrote dist/worker
 */
export async function buildLazyWorkerModules(dist) {
  const loaders = `${dist}/worker/features/lazy.js`;
  let code = readFileSync(loaders, "utf8");
  for (const name of LAZY_WORKER_MODULES) {
    await bundleAndMinify(`worker/features/${name}.ts`, `${dist}/worker/lazy/${name}.js`);
    const plain = `import("./${name}.js")`;
    if (code.split(plain).length !== 2) throw new Error(`build: ${plain} is not in dist/worker/features/lazy.js exactly once`);
    code = code.replace(plain, lazyImport(name));
  }
  writeFileSync(loaders, code);
}

/**
 * Replaces dist/worker/entry.js (tsc's) with the whole worker in one module, and writes its map.
 * Run after {@link buildLazyWorkerModules}: the lazy modules' URLs move from `../lazy/` (relative to
 * dist/worker/features/) to `./lazy/` (relative to dist/worker/).
 * @param {string} dist - the package's dist folder (absolute)
 */
export async function buildWorkerEntry(dist) {
  const code = await bundleAndMinify(`${dist}/worker/entry.js`, `${dist}/worker/entry.js`, {
    map: true,
    rewrite(bundled) {
      const from = 'new URL("../lazy/';
      if (bundled.split(from).length !== LAZY_WORKER_MODULES.length + 1) {
        throw new Error(`build: the worker bundle does not load each of ${LAZY_WORKER_MODULES.join(", ")} once`);
      }
      return bundled.replaceAll(from, 'new URL("./lazy/');
    },
  });
  for (const name of LAZY_WORKER_MODULES) {
    const url = new RegExp(
      `import\\(\\s*/\\* @vite-ignore \\*/\\s*/\\* webpackIgnore: true \\*/\\s*new URL\\("\\./lazy/${name}\\.js\\?no-inline",`,
    );
    if (!url.test(code)) throw new Error(`build: the worker bundle lost the import of ./lazy/${name}.js or its ignore comments`);
  }
}
