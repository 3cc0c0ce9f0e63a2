/**
 * The code a `Worker` thread of the server evaluates to load its entry module (the query threads'
 * `data/evalWorker`, the function runner's `functions/workerMain`).
 *
 * From the compiled package (`.js`), the thread imports the compiled entry next to the caller.
 * From the TypeScript sources (the repository's tests), it imports the entry from the directory
 * named by `REALM_TABS_SERVER_THREADS_DIR` when set (the tests bundle each entry there once, in
 * Vitest's global setup: a thread then starts in a third of the time), else it registers tsx and
 * imports the `.ts` entry.
 * @packageDocumentation
 */
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The environment variable naming the directory of bundled thread entries (tests only). */
export const THREADS_DIR_ENV = "REALM_TABS_SERVER_THREADS_DIR";

/**
 * The bootstrap code of a thread, for `new Worker(code, { eval: true })`.
 * @param callerUrl - `import.meta.url` of the module that starts the thread (the entry sits beside it)
 * @param entry - the entry module's name without extension, e.g. `"evalWorker"`
 */
export function threadBootstrap(callerUrl: string, entry: string): string {
  const here = fileURLToPath(callerUrl);
  if (extname(here) !== ".ts") return `import(${JSON.stringify(pathToFileURL(join(dirname(here), `${entry}.js`)).href)});`;
  const bundled = process.env[THREADS_DIR_ENV];
  if (bundled) return `import(${JSON.stringify(pathToFileURL(join(bundled, `${entry}.mjs`)).href)});`;
  const source = pathToFileURL(join(dirname(here), `${entry}.ts`)).href;
  const tsxDir = dirname(createRequire(callerUrl).resolve("tsx/package.json"));
  const tsx = pathToFileURL(join(tsxDir, "dist/esm/api/index.mjs")).href;
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); });`;
}
