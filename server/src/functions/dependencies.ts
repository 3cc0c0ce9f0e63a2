/**
 * Function dependencies: the npm packages an app's `functions/package.json` lists, as `npm install`
 * put them in `functions/node_modules`. App Services installed them when the app was pushed; this
 * server loads what the app's own folder holds, and nothing from outside it.
 * @packageDocumentation
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, sep } from "node:path";

/** Where an app's function dependencies are, and which packages `functions/package.json` lists. */
export interface FunctionDependencies {
  /** The absolute path of the app's `functions/` folder (it holds `package.json` and `node_modules/`). */
  dir: string;
  /** The package names of `dependencies` (and `optionalDependencies`). */
  names: string[];
}

/**
 * The package a module name belongs to.
 * @param name - a module name as required (`lodash/fp`, `@scope/pkg/sub`)
 * @returns its package name (`lodash`, `@scope/pkg`)
 */
export function packageName(name: string): string {
  const parts = name.split("/");
  return (name.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

/**
 * Reads the dependencies `package.json` lists.
 * @param packageJson - the file's parsed content
 * @returns the package names, sorted
 */
export function listedDependencies(packageJson: unknown): string[] {
  if (packageJson === null || typeof packageJson !== "object") return [];
  const names = new Set<string>();
  for (const field of ["dependencies", "optionalDependencies"]) {
    const listed = (packageJson as Record<string, unknown>)[field];
    if (listed !== null && typeof listed === "object") for (const name of Object.keys(listed)) names.add(name);
  }
  return [...names].sort();
}

function resolver(deps: FunctionDependencies): (name: string) => string | undefined {
  const require = createRequire(join(deps.dir, "package.json"));
  const inside = join(deps.dir, "node_modules") + sep;
  return (name) => {
    let resolved: string;
    try {
      resolved = require.resolve(name);
    } catch {
      return undefined;
    }
    // Node's lookup goes on to the folders above the app: what it finds there is not the app's
    return resolved.startsWith(inside) ? resolved : undefined;
  };
}

/**
 * The listed dependencies that `functions/node_modules` does not hold (for the start's warnings).
 * @param deps - the app's dependencies
 * @returns the missing package names
 */
export function missingDependencies(deps: FunctionDependencies): string[] {
  const resolve = resolver(deps);
  return deps.names.filter((name) => resolve(name) === undefined && !existsSync(join(deps.dir, "node_modules", name, "package.json")));
}

/**
 * A `require` for the app's packages: a listed package (or a file of it) from `functions/node_modules`.
 * @param deps - the app's dependencies
 * @returns a function that loads a package module
 * @throws Error `Cannot find module '<name>': …` from the returned function, saying whether the
 * package is not listed in `functions/package.json` or not installed
 */
export function dependencyRequire(deps: FunctionDependencies): (name: string) => unknown {
  const resolve = resolver(deps);
  const load = createRequire(join(deps.dir, "package.json"));
  const listed = new Set(deps.names);
  return (name) => {
    const pkg = packageName(name);
    if (!listed.has(pkg)) {
      throw new Error(`Cannot find module '${name}': functions/package.json does not list ${pkg} in its dependencies`);
    }
    const resolved = resolve(name);
    if (resolved === undefined) {
      throw new Error(`Cannot find module '${name}': ${pkg} is not installed in functions/node_modules (run npm install in functions/)`);
    }
    return load(resolved) as unknown;
  };
}
