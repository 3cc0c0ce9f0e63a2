/**
 * Node side of the test kit: start the local App Services server (in memory, port 0, with an admin
 * token) and the Vite server of the test page, and read the server's request counters.
 * @packageDocumentation
 */
import { randomUUID } from "node:crypto";
import { EJSON } from "bson";
import type { StartServerOptions } from "realm-tabs-server";

/** Request counters of the local server (`GET /admin/v1/counters`). */
export interface ServerCounters {
  logins: number;
  refreshes: number;
  functionCalls: number;
  openStreams: number;
  routes: Record<string, number>;
  /** Requests per route kind whose client closed the connection before the answer. */
  abandoned: Record<string, number>;
}

/** A running local server. */
export interface TestServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The app id it serves. */
  appId: string;
  /** Its admin token. */
  adminToken: string;
  /** Reads the request counters. */
  counters(): Promise<ServerCounters>;
  /** Zeroes the request counters. */
  resetCounters(): Promise<void>;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  /** The app id the server answers for; default `realm-tabs-test`. */
  appId?: string;
  /**
   * Folder of App Services-style functions (one `NAME.js` per function, see the server's
   * functions.md), relative to the current directory or absolute; default none, so every function
   * call answers `FunctionNotFound`.
   */
  functionsDir?: string;
  /** A server config object or the path of a JSON config file (see docs/server.md). */
  config?: string | Record<string, unknown>;
  /** Access token lifetime in seconds (e.g. 2 to test refreshes); default the config's, else 1800. */
  accessTokenTtlSeconds?: number;
  /** Refresh token (session) lifetime in seconds; default the config's, else 5184000 (60 days). */
  refreshTokenTtlSeconds?: number;
  /** An exported App Services app directory to run, with its rules (instead of `functionsDir`). */
  appDir?: string;
  /** Without an app: every logged-in user may read and change all data (else users reach none). */
  allowAllData?: boolean;
  /** Receives the server's start warnings; default: printed to stderr. */
  onWarning?: (line: string) => void;
}

/**
 * Loads the optional peer `realm-tabs-server` on first use, so a suite that only opens tabs against
 * a server of its own does not need it installed.
 * @throws Error naming the package to install when it is missing
 */
async function importServer(): Promise<typeof import("realm-tabs-server")> {
  try {
    return await import("realm-tabs-server");
  } catch (err) {
    throw new Error(
      `startTestServer needs the optional peer dependency realm-tabs-server (npm pkg set allowScripts.better-sqlite3=true --json && npm install -D realm-tabs-server): ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/**
 * Loads the optional peer `vite` on first use.
 * @throws Error naming the package to install when it is missing
 */
async function importVite(): Promise<typeof import("vite")> {
  try {
    return await import("vite");
  } catch (err) {
    throw new Error(`startTestPageServer needs the optional peer dependency vite (npm install -D vite): ${(err as Error).message}`, {
      cause: err,
    });
  }
}

async function admin(url: string, token: string, path: string, method = "GET"): Promise<unknown> {
  const response = await fetch(`${url}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${text}`);
  return EJSON.parse(text, { relaxed: true });
}

/**
 * Starts the local server on 127.0.0.1, a free port, in memory, with a fresh admin token.
 * @throws Error naming `realm-tabs-server` when that optional peer dependency is not installed
 * @throws ServerError (`InvalidConfig`) from realm-tabs-server when `config` is invalid
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  // An app directory names its own app id unless one is given.
  const appId = options.appId ?? (options.appDir ? undefined : "realm-tabs-test");
  const adminToken = randomUUID();
  const { startServer } = await importServer();
  const server = await startServer({
    port: 0,
    host: "127.0.0.1",
    logger: false,
    ...(appId ? { appId } : {}),
    inMemory: true,
    ...(options.appDir ? { appDir: options.appDir } : options.functionsDir ? { functionsDir: options.functionsDir } : {}),
    ...(options.allowAllData ? { allowAllData: true } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    adminToken,
    ...(options.config ? { config: options.config as StartServerOptions["config"] } : {}),
    ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
    ...(options.refreshTokenTtlSeconds ? { refreshTokenTtlSeconds: options.refreshTokenTtlSeconds } : {}),
  });
  return {
    url: server.url,
    appId: server.config.appId,
    adminToken,
    counters: async () => (await admin(server.url, adminToken, "/counters")) as ServerCounters,
    resetCounters: async () => {
      await admin(server.url, adminToken, "/counters/reset", "POST");
    },
    close: () => server.close(),
  };
}

/** A running Vite dev server of your app. */
export interface TestPageServer {
  url: string;
  close(): Promise<void>;
}

/** Options of {@link startTestPageServer}. */
export interface TestPageServerOptions {
  /**
   * The Vite config file; default Vite's own lookup (`vite.config.{js,mjs,ts,cjs,mts,cts}` in
   * `root`); `false` for none.
   */
  configFile?: string | false;
  /**
   * The folder Vite serves (and searches for its config file); default the config file's `root`,
   * else the current directory, as with the `vite` command.
   */
  root?: string;
}

/**
 * Starts a Vite dev server of your app on 127.0.0.1, a free port: by default the one the `vite`
 * command would start in the current directory, or the config and root you name. File watching and
 * HMR are off, so pages never reload during a test.
 * @throws Error naming `vite` when that optional peer dependency is not installed
 * @throws Error if Vite reports no local URL
 */
export async function startTestPageServer(options: TestPageServerOptions = {}): Promise<TestPageServer> {
  const { createServer } = await importVite();
  const server = await createServer({
    ...(options.root !== undefined ? { root: options.root } : {}),
    ...(options.configFile !== undefined ? { configFile: options.configFile } : {}),
    logLevel: "warn",
    // no file watching and no HMR: an edit elsewhere in the tree must not reload a page mid-test
    server: { host: "127.0.0.1", port: 0, strictPort: false, hmr: false, watch: null },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) {
    await server.close();
    throw new Error("the Vite server reported no local URL");
  }
  return { url, close: () => server.close() };
}
