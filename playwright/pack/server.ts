/**
 * The installed `realm-tabs-server` of the pack suite: its native SQLite binding, its CLI started
 * with `npx` in the folder it was installed into, and the client API calls a new user would try.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { assert } from "./checks.js";
import { installedVersion, killGroup } from "./npm.js";

const BINDING = "node_modules/better-sqlite3/build/Release/better_sqlite3.node";

/** The path of better-sqlite3's compiled module under `dir`. */
export function bindingPath(dir: string): string {
  return join(dir, BINDING);
}

/**
 * Copies the native module built for `from` (a folder whose better-sqlite3 is built) into `to`, whose
 * better-sqlite3 was installed with `--ignore-scripts`: same better-sqlite3 version (checked) and the
 * same Node.js, so the same binary that `npm install` would compile there.
 * @throws Error if the versions differ or `from` has no built module
 */
export function copyBinding(from: string, to: string): void {
  const source = installedVersion(from, "better-sqlite3");
  const target = installedVersion(to, "better-sqlite3");
  assert(
    source !== undefined && source === target,
    `better-sqlite3 ${target ?? "(missing)"} installed, but the binding to reuse is from ${source ?? "(missing)"}: run with PACK_BUILD_SQLITE=1 to build it`,
  );
  assert(existsSync(bindingPath(from)), `no built better-sqlite3 module at ${bindingPath(from)}`);
  mkdirSync(dirname(bindingPath(to)), { recursive: true });
  copyFileSync(bindingPath(from), bindingPath(to));
}

/** Moves better-sqlite3's build folder in `dir` aside (if any); the returned function puts it back. */
export function hideBinding(dir: string): () => void {
  const build = join(dir, "node_modules/better-sqlite3/build");
  if (!existsSync(build)) return () => {};
  renameSync(build, `${build}.hidden`);
  return () => renameSync(`${build}.hidden`, build);
}

/** A running `npx realm-tabs-server`. */
export interface CliServer {
  url: string;
  /** Stops it (SIGTERM to its process group) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `npx realm-tabs-server ARGS` in `cwd` and resolves once it prints `listening on URL`.
 * @throws Error if it exits first or prints nothing within 60 s
 */
export function startCli(cwd: string, args: string[]): Promise<CliServer> {
  console.log(`$ npx realm-tabs-server ${args.join(" ")}   (in ${cwd})`);
  const child = spawn("npx", ["realm-tabs-server", ...args], { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    killGroup(child.pid, "SIGTERM");
    const deadline = new Promise<"late">((resolve) => setTimeout(() => resolve("late"), 10_000).unref());
    if ((await Promise.race([exited, deadline])) === "late") killGroup(child.pid, "SIGKILL");
  };
  let output = "";
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    process.stderr.write(chunk);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`npx realm-tabs-server printed no "listening on" line within 60 s: ${output}`));
    }, 60_000);
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
      const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, stop });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npx realm-tabs-server exited (${code}) before listening: ${output}`));
    });
  });
}

async function json(response: Response, what: string): Promise<unknown> {
  const text = await response.text();
  assert(response.ok, `${what}: ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}

/**
 * What a realm-web user does first, over plain HTTP: location, an anonymous login and the function
 * `sum(1, 2)`. Returns a one-line account of the answers.
 * @throws Error naming the first answer that is not what App Services would send
 */
export async function clientRoundTrip(url: string, appId: string): Promise<string> {
  const signal = (): AbortSignal => AbortSignal.timeout(10_000);
  const base = `${url}/api/client/v2.0/app/${appId}`;
  const location = (await json(await fetch(`${base}/location`, { signal: signal() }), "location")) as { hostname?: string };
  assert(location.hostname === url, `location answered hostname ${String(location.hostname)}, expected ${url}`);
  const login = (await json(
    await fetch(`${base}/auth/providers/anon-user/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ options: { device: {} } }),
      signal: signal(),
    }),
    "anonymous login",
  )) as { access_token?: string; user_id?: string };
  assert(
    typeof login.access_token === "string" && typeof login.user_id === "string",
    `login answered no access_token/user_id: ${JSON.stringify(login)}`,
  );
  const sum = await json(
    await fetch(`${base}/functions/call`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${login.access_token}` },
      body: JSON.stringify({ name: "sum", arguments: [{ $numberInt: "1" }, { $numberInt: "2" }] }),
      signal: signal(),
    }),
    "functions/call sum(1, 2)",
  );
  assert(JSON.stringify(sum) === '{"$numberInt":"3"}', `sum(1, 2) answered ${JSON.stringify(sum)}`);
  return `location ${location.hostname}, anonymous user ${login.user_id}, sum(1, 2) = ${JSON.stringify(sum)}`;
}

/** The server's login count (admin API). */
export async function loginCount(url: string, adminToken: string): Promise<number> {
  const counters = (await json(
    await fetch(`${url}/admin/v1/counters`, { headers: { authorization: `Bearer ${adminToken}` }, signal: AbortSignal.timeout(10_000) }),
    "admin counters",
  )) as { logins: number };
  return counters.logins;
}
