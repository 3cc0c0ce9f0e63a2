// The minifier of every script the package ships prebuilt (the SharedWorker and its modules loaded on
// first use, scripts/build-worker.mjs; the <script> build, scripts/build-iife.mjs): terser, which
// compresses these bundles better than esbuild's minifier or the ones bundlers use by default
// (measured with bench/size/check.ts when it was introduced: 333 B gzip less for the worker after Vite
// bundles it again).
import { minify } from "terser";

/** Comments kept: licences, and the ones that tell bundlers to leave an `import()` alone. */
export const KEPT_COMMENTS = /@license|@preserve|^!|@vite-ignore|webpackIgnore/;

/**
 * Minifies one bundle.
 * @param {string} code - the bundle (an ES module, or with `script`, a classic script)
 * @param {{ script?: boolean, keepNames?: boolean, map?: { content: string, file: string } }} [options]
 *   `keepNames` keeps class and function names (as esbuild's `keepNames` does); `map` is the bundle's
 *   source map and the output's file name, for a map of the result
 * @returns {Promise<{ code: string, map: string | undefined }>} the code and, with `map`, its map (sources included)
 */
export async function minifyBundle(code, options = {}) {
  const { map } = options;
  const result = await minify(code, {
    module: !options.script,
    compress: { passes: 3 },
    mangle: true,
    keep_classnames: options.keepNames ?? false,
    keep_fnames: options.keepNames ?? false,
    format: { comments: KEPT_COMMENTS },
    sourceMap: map ? { content: map.content, filename: map.file, url: `${map.file}.map`, includeSources: true } : false,
  });
  if (result.code === undefined) throw new Error("build: terser gave no code");
  return { code: result.code, map: typeof result.map === "string" ? result.map : undefined };
}
