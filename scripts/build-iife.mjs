// Builds the `<script>` build of realm-tabs for pages without a bundler: `realm-tabs.iife.js`, the
// library as the global `Realm` (entry src/compat/script.ts), and `realm-tabs.worker.js`, its
// SharedWorker as one self-contained module, to be served side by side. In the script build the
// worker URL cannot come from `import.meta.url`, so connection.ts's `new URL("../worker/entry.ts",
// import.meta.url)` is replaced with `scriptWorkerUrl()` (src/compat/scriptWorker.ts), which resolves
// it from the script element. Used by build-lib.mjs (into dist/) and by the Playwright test.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { minifyBundle } from "./minify.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The file names of the script build. */
export const SCRIPT_FILE = "realm-tabs.iife.js";
export const WORKER_FILE = "realm-tabs.worker.js";

const WORKER_URL_EXPRESSION = 'new URL("../worker/entry.ts", import.meta.url)';

/** Points connection.ts's worker at the script build's worker file. */
const scriptWorkerUrlPlugin = {
  name: "realm-tabs-script-worker-url",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]src[\\/]connection\.ts$/ }, async (args) => {
      const code = await readFile(args.path, "utf8");
      if (!code.includes(WORKER_URL_EXPRESSION)) {
        return { errors: [{ text: `${WORKER_URL_EXPRESSION} is not in src/connection.ts; the script build could not start its worker` }] };
      }
      const contents = `import { scriptWorkerUrl as __scriptWorkerUrl } from "./compat/scriptWorker.ts";\n${code.replace(
        WORKER_URL_EXPRESSION,
        "__scriptWorkerUrl()",
      )}`;
      return { contents, loader: "ts" };
    });
  },
};

const common = {
  bundle: true,
  platform: "browser",
  target: "es2022",
  legalComments: "inline",
  logLevel: "warning",
  absWorkingDir: root,
  write: false,
};

/** Bundles with esbuild, minifies with terser (class and function names kept), writes `outfile`. */
async function bundle(options) {
  const { outputFiles } = await build({ ...common, ...options });
  const js = outputFiles?.[0];
  if (!js) throw new Error(`build: esbuild wrote nothing for ${options.outfile}`);
  const { code } = await minifyBundle(js.text, { script: options.format === "iife", keepNames: true });
  await mkdir(dirname(options.outfile), { recursive: true });
  await writeFile(options.outfile, code);
}

/**
 * Writes realm-tabs.iife.js and realm-tabs.worker.js into `outDir`.
 * @param {string} outDir - an absolute folder
 * @returns {Promise<{script: string, worker: string}>} the two files' paths
 */
export async function buildScriptBundle(outDir) {
  const script = `${outDir}/${SCRIPT_FILE}`;
  const worker = `${outDir}/${WORKER_FILE}`;
  await bundle({
    entryPoints: ["src/compat/script.ts"],
    outfile: script,
    format: "iife",
    globalName: "Realm",
    plugins: [scriptWorkerUrlPlugin],
  });
  // The page starts it with { type: "module" }; one file, no imports.
  await bundle({ entryPoints: ["worker/entry.ts"], outfile: worker, format: "esm" });
  return { script, worker };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ?? `${root}dist`;
  const { script, worker } = await buildScriptBundle(outDir);
  console.log(`build: ${script} and ${worker} written`);
}
