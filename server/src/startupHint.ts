/**
 * What the `realm-tabs-server` command prints when it cannot start because better-sqlite3's native
 * module is missing or unusable: one paragraph saying how to build it, instead of a stack trace.
 * @packageDocumentation
 */

/** The file name better-sqlite3 loads its compiled SQLite engine from. */
const BINDING = "better_sqlite3.node";

/** The message of `err` and of every error in its `cause` chain (at most a few levels). */
function messages(err: unknown): string[] {
  const out: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    out.push(current instanceof Error ? current.message : typeof current === "string" ? current : JSON.stringify(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return out;
}

/**
 * The explanation to print when `err` says better-sqlite3's native module could not be loaded (not
 * built because npm skipped its install script, a failed build, or a build for another Node.js
 * version or platform); undefined for any other error.
 */
export function nativeBindingHint(err: unknown): string | undefined {
  const cause = messages(err).find((m) => m.includes(BINDING));
  if (cause === undefined) return undefined;
  const firstLine = (cause.split("\n")[0] ?? cause).replace(/\s*Tried:\s*$/, "");
  return (
    `realm-tabs-server cannot start: better-sqlite3, the SQLite engine it keeps its data in, has no ` +
    `usable native module (${BINDING}) for Node.js ${process.version} on ${process.platform}-${process.arch}. ` +
    `npm builds that module with better-sqlite3's install script, which did not run (depending on its version and ` +
    `settings, npm skips the install scripts of dependencies you have not allowed, and every one with ` +
    `--ignore-scripts), failed, or ran under another Node.js version. Allow it and build it: in your project ` +
    `\`npm pkg set allowScripts.better-sqlite3=true --json && npm rebuild better-sqlite3\`; for a global install ` +
    `\`npm install -g realm-tabs-server --allow-scripts=better-sqlite3\`; with npx ` +
    `\`npx --allow-scripts=better-sqlite3 realm-tabs-server …\`. Where no prebuilt binary can be downloaded, ` +
    `the build compiles SQLite and needs python3, make and a C++ compiler. (better-sqlite3 said: ${firstLine})`
  );
}
