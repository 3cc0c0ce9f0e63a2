/**
 * `require` for functions: Node's built-in modules that App Services lists as supported in
 * functions (fully or partly; here each is the whole Node module), the app's function dependencies
 * (dependencies.ts), and a clear error for everything else.
 * @packageDocumentation
 */
import { createRequire, isBuiltin } from "node:module";
import { dependencyRequire, packageName, type FunctionDependencies } from "./dependencies.js";

/** The built-in modules functions may `require` (App Services' "JavaScript Support" page). */
export const SUPPORTED_BUILTINS: ReadonlySet<string> = new Set([
  "assert",
  "buffer",
  "crypto",
  "dgram",
  "dns",
  "events",
  "fs",
  "http",
  "https",
  "net",
  "os",
  "path",
  "process",
  "punycode",
  "querystring",
  "stream",
  "string_decoder",
  "timers",
  "tls",
  "tty",
  "url",
  "util",
  "zlib",
]);

/** Built-in modules App Services does not support in functions. */
const UNSUPPORTED_BUILTINS: ReadonlySet<string> = new Set(["child_process", "cluster", "domain", "readline", "v8", "vm"]);

const nodeRequire = createRequire(import.meta.url);

/**
 * What a module name means to functions.
 * @param name - the name as required (`"crypto"` or `"node:crypto"`)
 * @returns `builtin` (available), `unsupported` (a built-in App Services refuses) or `package` (an npm dependency)
 */
export function moduleKind(name: string): "builtin" | "unsupported" | "package" {
  const bare = name.startsWith("node:") ? name.slice(5) : name;
  const root = bare.split("/")[0] ?? bare;
  // `fs/promises` is a built-in module, `path/../x` is not (it would reach the server's own packages)
  if (SUPPORTED_BUILTINS.has(root) && isBuiltin(bare)) return "builtin";
  if (UNSUPPORTED_BUILTINS.has(root) || name.startsWith("node:")) return "unsupported";
  return "package";
}

/**
 * The `require` global of functions.
 * @param dependencies - the app's function dependencies (none when undefined)
 * @returns `require(name)`: a supported built-in module, or a package of the app's dependencies
 * @throws Error `Cannot find module '<name>': …` from the returned function, naming why
 */
export function createFunctionRequire(dependencies: FunctionDependencies | undefined): (name: unknown) => unknown {
  const loadPackage = dependencies === undefined ? undefined : dependencyRequire(dependencies);
  return (name) => {
    if (typeof name !== "string") throw new TypeError("require() takes a module name");
    const kind = moduleKind(name);
    if (kind === "builtin") return nodeRequire(name) as unknown;
    if (kind === "unsupported") throw new Error(`Cannot find module '${name}': Atlas Functions do not support this built-in module`);
    if (packageName(name) === undefined)
      throw new Error(`Cannot find module '${name}': functions can require a package by its name, not a path`);
    if (loadPackage === undefined) {
      throw new Error(`Cannot find module '${name}': the app has no functions/package.json; only Node's built-in modules can be required`);
    }
    return loadPackage(name);
  };
}

/**
 * The modules a source requires by a literal name, that functions cannot load here.
 * @param source - a function's source
 * @param packages - the packages the app's `functions/package.json` lists (one it lists but has not
 *   installed is reported once, for the manifest)
 * @returns the names, once each, in order of appearance
 */
export function unavailableRequires(source: string, packages: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const match of source.matchAll(/\brequire\s*\(\s*(["'`])([^"'`]+)\1\s*\)/g)) {
    const name = match[2];
    if (name === undefined) continue;
    const kind = moduleKind(name);
    const pkg = kind === "package" ? packageName(name) : undefined;
    if (kind === "unsupported" || (kind === "package" && (pkg === undefined || !packages.has(pkg)))) out.add(name);
  }
  return [...out];
}
