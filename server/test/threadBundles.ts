/**
 * Vitest global setup: bundles the server's thread entries (the query threads' `evalWorker`, the
 * function runner's `workerMain`) from the TypeScript sources, once per run, and points the server
 * at them (`REALM_TABS_SERVER_THREADS_DIR`, read by server/src/threadEntry.ts). Without it, every
 * thread the tests start (a few hundred per run) registers tsx and compiles its sources again: about
 * three times as long as loading one bundle. The bundles are made when the run starts, so a
 * `vitest --watch` run keeps the thread code it started with.
 * @packageDocumentation
 */
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { THREADS_DIR_ENV } from "../src/threadEntry.js";

const server = fileURLToPath(new URL("..", import.meta.url));
const repo = join(server, "..");

/** The entries, by the name the server imports them under. */
const ENTRIES = { evalWorker: join(server, "src/data/evalWorker.ts"), workerMain: join(server, "src/functions/workerMain.ts") };

/** Packages with native code: loaded from node_modules at run time, not bundled. */
const NATIVE = ["better-sqlite3", "@node-rs/argon2"];

let dir: string | undefined;

/** Bundles the entries into a fresh directory under node_modules/.cache (so bare imports resolve). */
export async function setup(): Promise<void> {
  // Vitest runs a root global setup once for the root and once per project that extends it
  if (process.env[THREADS_DIR_ENV]) return;
  const cache = join(repo, "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(join(cache, "realm-tabs-server-threads-"));
  await build({
    entryPoints: ENTRIES,
    outdir: dir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: NATIVE,
    // the CommonJS packages bundled into an ES module call `require`
    banner: { js: 'import { createRequire as __threadRequire } from "node:module"; const require = __threadRequire(import.meta.url);' },
    logLevel: "warning",
  });
  process.env[THREADS_DIR_ENV] = dir;
}

/** Removes the bundles (only the setup that made them has `dir`). */
export function teardown(): void {
  if (dir === undefined) return;
  rmSync(dir, { recursive: true, force: true });
  delete process.env[THREADS_DIR_ENV];
  dir = undefined;
}
