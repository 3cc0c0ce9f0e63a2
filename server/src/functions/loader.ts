/**
 * Loads App Services-style function sources from a folder: `NAME.js`, or `NAME/source.js` as in an
 * exported App Services app. Each source assigns its function to `exports`
 * (`exports = function (a, b) { … }`); CommonJS `module.exports = …` works too.
 * @packageDocumentation
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import vm from "node:vm";

/** A loaded function: a compiled script, or the reason it cannot run. */
export type LoadedFunction = (
  | { name: string; file: string; source: string; script: vm.Script; error?: undefined }
  | { name: string; file: string; source: string; script?: undefined; error: string }
) & { runAsSystem?: boolean; runAsUserId?: string | undefined; runAsScript?: vm.Script | undefined };

/** A function's source and settings, as an exported app defines them. */
export interface FunctionSpec {
  /** The name (`utils/add` for `functions/utils/add.js`). */
  name: string;
  /** Its file, for stack traces. */
  file: string;
  source: string;
  /** Runs as the system user: data access rules do not apply to it. */
  runAsSystem?: boolean;
  /** Runs as this application user (`run_as_user_id`); `runAsSystem` wins. */
  runAsUserId?: string | undefined;
  /** Runs as the user this function source returns (`run_as_user_id_script_source`). */
  runAsUserScript?: string | undefined;
  /** Set when the function cannot run here; calls fail with this message. */
  error?: string;
}

/** The global through which a call passes its `context` and arguments into the script. */
export const CALL_SLOT = "__realmTabsCall";

const NAME = /^[A-Za-z_$][\w$-]*$/;

/**
 * Wraps a source so that running the script calls its exported function with the current call's
 * `context` and arguments and evaluates to its result.
 * @param source - the file's text
 */
export function wrapSource(source: string): string {
  return (
    `(function (context, __args) { var exports = undefined; var module = { exports: {} };\n${source}\n;` +
    `var __fn = typeof exports === "function" ? exports : module.exports;` +
    `if (typeof __fn !== "function") throw new TypeError("the source does not assign a function to exports");` +
    `return __fn.apply(undefined, __args); })(globalThis.${CALL_SLOT}.context, globalThis.${CALL_SLOT}.args)`
  );
}

/**
 * Compiles one source; a syntax error is kept as the function's `error`, never thrown.
 * @param name - function name
 * @param file - path (for stack traces)
 * @param source - the file's text
 */
export function compileFunction(name: string, file: string, source: string): LoadedFunction {
  try {
    return { name, file, source, script: new vm.Script(wrapSource(source), { filename: file, lineOffset: -1 }) };
  } catch (err) {
    return { name, file, source, error: `${name}: cannot compile ${file}: ${(err as Error).message}` };
  }
}

/**
 * Compiles functions given with their settings (an exported app's functions).
 * @param specs - sources and settings
 * @returns the functions by name
 */
export function compileSpecs(specs: FunctionSpec[]): Map<string, LoadedFunction> {
  const out = new Map<string, LoadedFunction>();
  for (const spec of specs) {
    let compiled: LoadedFunction =
      spec.error === undefined
        ? compileFunction(spec.name, spec.file, spec.source)
        : { name: spec.name, file: spec.file, source: spec.source, error: spec.error };
    let runAsScript: vm.Script | undefined;
    if (spec.runAsUserScript !== undefined && spec.runAsSystem !== true) {
      const script = compileFunction(spec.name, `${spec.file} (run_as_user_id_script_source)`, spec.runAsUserScript);
      if (script.script === undefined) compiled = { name: spec.name, file: spec.file, source: spec.source, error: script.error };
      runAsScript = script.script;
    }
    const runAsUserId = spec.runAsSystem === true ? undefined : spec.runAsUserId;
    out.set(spec.name, { ...compiled, runAsSystem: spec.runAsSystem === true, runAsUserId, runAsScript });
  }
  return out;
}

async function sourceFileOf(dir: string, entry: string): Promise<{ name: string; file: string } | null> {
  const path = join(dir, entry);
  const info = await stat(path);
  if (info.isFile() && entry.endsWith(".js")) return { name: entry.slice(0, -3), file: path };
  if (info.isDirectory()) {
    const source = join(path, "source.js");
    const found = await stat(source).then(
      (s) => s.isFile(),
      () => false,
    );
    if (found) return { name: entry, file: source };
  }
  return null;
}

/**
 * Loads every function of a folder. A missing folder gives no functions; a file that does not
 * compile is loaded as an error (reported when the function is called).
 * @param dir - the functions folder, or undefined
 * @throws Error if `dir` exists but is not readable
 */
export async function loadFunctions(dir: string | undefined): Promise<Map<string, LoadedFunction>> {
  const out = new Map<string, LoadedFunction>();
  if (!dir) return out;
  const entries = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return [] as string[];
    throw err;
  });
  for (const entry of entries.sort()) {
    const found = await sourceFileOf(dir, entry);
    if (!found || !NAME.test(found.name)) continue;
    out.set(found.name, compileFunction(found.name, found.file, await readFile(found.file, "utf8")));
  }
  return out;
}
