/**
 * Node side of the test kit: start the local App Services server (in memory, port 0, with an admin
 * token) and the Vite server of the test page, and read the server's request counters.
 * @packageDocumentation
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EJSON } from "bson";
import type { StartServerOptions } from "realm-tabs-server";

/** Request counters of the local server (`GET /admin/v1/counters`). */
export interface ServerCounters {
  logins: number;
  refreshes: number;
  functionCalls: number;
  openStreams: number;
  routes: Record<string, number>;
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
  appId?: string;
  /** Folder of App Services-style functions. */
  functionsDir?: string;
  /** A server config object or the path of a JSON config file (see docs/server.md). */
  config?: string | Record<string, unknown>;
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  /** An exported App Services app directory to run, with its rules (instead of `functionsDir`). */
  appDir?: string;
  /** Without an app: every logged-in user may read and change all data (else users reach none). */
  allowAllData?: boolean;
  /** Receives the server's start warnings; default: printed to stderr. */
  onWarning?: (line: string) => void;
}

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Loads the optional peer `realm-tabs-server` on first use, so a suite that only opens tabs against
 * a server of its own does not need it installed.
 * @throws Error naming the package to install when it is missing
 */
async function importServer(): Promise<typeof import("realm-tabs-server")> {
  try {
    return await import("realm-tabs-server");
  } catch (err) {
    throw new Error(`startTestServer needs the optional peer dependency realm-tabs-server (npm install -D realm-tabs-server): ${(err as Error).message}`);
  }
}

async function admin(url: string, token: string, path: string, method = "GET"): Promise<unknown> {
  const response = await fetch(`${url}/admin/v1${path}`, { method, headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${text}`);
  return EJSON.parse(text, { relaxed: true });
}

/** The functions folder: the given one, else this repository's test functions when they exist. */
function functionsOption(dir: string | undefined): { functionsDir?: string } {
  if (dir) return { functionsDir: dir };
  const ours = `${repoRoot}playwright/functions`;
  return existsSync(ours) ? { functionsDir: ours } : {};
}

/** Starts the local server on 127.0.0.1, a free port, in memory, with a fresh admin token. */
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
    ...(options.appDir ? { appDir: options.appDir } : functionsOption(options.functionsDir)),
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

/** A running Vite dev server of the test page. */
export interface TestPageServer {
  url: string;
  close(): Promise<void>;
}

/** Options of {@link startTestPageServer}. */
export interface TestPageServerOptions {
  /** The Vite config file; default the repository's vite.config.ts (root: the repository). */
  configFile?: string;
  /** The root Vite serves; default the config's own root, or the repository for the default config. */
  root?: string;
}

/**
 * Starts a Vite dev server on 127.0.0.1, a free port: by default the repository's vite.config.ts
 * (the test page), or any app's config (e.g. `demo/vite.config.ts`). File watching and HMR are off,
 * so pages never reload during a test.
 * @throws Error if Vite reports no local URL
 */
export async function startTestPageServer(options: TestPageServerOptions = {}): Promise<TestPageServer> {
  const { createServer } = await import("vite");
  const configFile = options.configFile ?? `${repoRoot}vite.config.ts`;
  const root = options.root ?? (options.configFile ? undefined : repoRoot);
  const server = await createServer({
    ...(root ? { root } : {}),
    configFile,
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
