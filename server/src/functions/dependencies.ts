/**
 * Function dependencies: the npm packages an app's `functions/package.json` lists, as `npm install`
 * put them in `functions/node_modules`. App Services installed them when the app was pushed; this
 * server loads a listed package only when `functions/node_modules` holds it (a folder or a link, as
 * `npm install` of a `file:` dependency leaves it), never a copy found in a folder above the app.
 * What a package requires in turn is resolved by Node as usual.
 * @packageDocumentation
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

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
 * @returns its package name (`lodash`, `@scope/pkg`), or undefined for a name that is not a package
 *   module (a path, or one with empty, `.` or `..` segments or a backslash)
 */
export function packageName(name: string): string | undefined {
  const parts = name.split("/");
  if (name.includes("\\") || parts.some((part) => part === "" || part === "." || part === "..")) return undefined;
  if (name.startsWith("@")) return parts.length >= 2 ? parts.slice(0, 2).join("/") : undefined;
  return parts[0];
}

/**
 * Reads the dependencies `package.json` lists.
 * @param packageJson - the file's parsed content
 * @returns the package names, sorted
 * @throws TypeError when the manifest, or its `dependencies` or `optionalDependencies`, is not an object
 */
export function listedDependencies(packageJson: unknown): string[] {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    value !== null && typeof value === "object" && !Array.isArray(value);
  if (!isObject(packageJson)) throw new TypeError("it is not a JSON object");
  const names = new Set<string>();
  for (const field of ["dependencies", "optionalDependencies"]) {
    const listed = packageJson[field];
    if (listed === undefined) continue;
    if (!isObject(listed)) throw new TypeError(`${field} is not an object of package names and versions`);
    for (const name of Object.keys(listed)) names.add(name);
  }
  return [...names].sort();
}

/** True when `functions/node_modules` holds the package (a link counts if it leads somewhere). */
function installed(deps: FunctionDependencies, pkg: string): boolean {
  return existsSync(join(deps.dir, "node_modules", pkg));
}

/**
 * The listed dependencies that `functions/node_modules` does not hold (for the start's warnings).
 * @param deps - the app's dependencies
 * @returns the missing package names
 */
export function missingDependencies(deps: FunctionDependencies): string[] {
  return deps.names.filter((name) => !installed(deps, name));
}

/**
 * A `require` for the app's packages: a listed package (or a file of it) from `functions/node_modules`.
 * Node finds a package in the nearest `node_modules` first, so once `functions/node_modules` holds
 * it, that copy is the one loaded. A load that the time limit cut short leaves no half-run module
 * behind: the next `require` loads it afresh.
 * @param deps - the app's dependencies
 * @returns a function that loads a package module
 * @throws Error `Cannot find module '<name>': …` from the returned function, saying whether the
 * name is not a package's, the package is not listed in `functions/package.json`, or not installed
 */
export function dependencyRequire(deps: FunctionDependencies): (name: string) => unknown {
  const load = createRequire(join(deps.dir, "package.json"));
  const listed = new Set(deps.names);
  // the module cache's keys before a load that has not returned yet
  let unfinished: Set<string> | undefined;
  return (name) => {
    const pkg = packageName(name);
    if (pkg === undefined) throw new Error(`Cannot find module '${name}': functions can require a package by its name, not a path`);
    if (!listed.has(pkg)) {
      throw new Error(`Cannot find module '${name}': functions/package.json does not list ${pkg} in its dependencies`);
    }
    if (!installed(deps, pkg)) {
      throw new Error(`Cannot find module '${name}': ${pkg} is not installed in functions/node_modules (run npm install in functions/)`);
    }
    if (unfinished !== undefined) {
      // a time limit ended the last load where no cleanup runs: drop what it left in the cache
      for (const key of Object.keys(load.cache)) if (!unfinished.has(key)) Reflect.deleteProperty(load.cache, key);
    }
    unfinished = new Set(Object.keys(load.cache));
    try {
      return load(name) as unknown;
    } finally {
      unfinished = undefined;
    }
  };
}
