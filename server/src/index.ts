/**
 * The programmatic entry point: `startServer(options)` starts the App Services-compatible server.
 * @packageDocumentation
 * @module realm-tabs-server
 */
import { assertAdminToken } from "./admin/token.js";
import { createApp } from "./app.js";
import { setUpServer } from "./app/setup.js";
import type { DbLocation } from "./db.js";
import { readSourceRecord, writeSourceRecord } from "./data/sourceRecord.js";
import type { ConfigFileInput, ServerConfig } from "./config.js";

export { ServerError } from "./contracts.js";
export type { ServerConfig, ConfigFile, ConfigFileInput } from "./config.js";

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** App id; overrides the config file's; default `realm-tabs-demo`. */
  appId?: string;
  /** Directory for `realm-tabs.sqlite`. Required unless `inMemory`. */
  dataDir?: string;
  /** Keep everything in memory (lost on close). */
  inMemory?: boolean;
  /** Folder of App Services-style function sources. */
  functionsDir?: string;
  /** A config object or the path of a JSON config file (see docs/server.md). */
  config?: ConfigFileInput | string;
  /** Enables the admin API with this bearer token. */
  adminToken?: string;
  /** Access token lifetime in seconds; overrides the config file's; default 1800 (30 min, as Atlas). */
  accessTokenTtlSeconds?: number;
  /** Refresh token (session) lifetime in seconds; overrides the config file's; default 5184000 (60 days). */
  refreshTokenTtlSeconds?: number;
  /** Log requests to stderr (pino JSON). */
  logger?: boolean;
  /**
   * An exported App Services app directory to run: its auth providers, custom user data, functions,
   * data sources with their rules, values and environment (see docs/server.md). Cannot be combined
   * with `functionsDir` or `allowAllData`.
   */
  appDir?: string;
  /** The app's environment (`development`, …), instead of the one its root_config.json names. */
  environment?: string;
  /** Secret values by name, or the path of a JSON file of them (for values and custom JWT keys of an app). */
  secrets?: Record<string, string> | string;
  /**
   * Without an app: let every logged-in user read and change all data (today's open behaviour, for
   * quick starts; a warning is printed). Without an app and without this, users reach no data.
   */
  allowAllData?: boolean;
  /** Receives each warning of the start (open data, parts of the app that do not run); default: printed to stderr. */
  onWarning?: (line: string) => void;
  /** Receives a line for each failure of a trigger of the app (its function threw); default: printed to stderr. */
  onTriggerError?: (line: string) => void;
  /** Browser origins allowed to call (CORS), e.g. `["https://app.example.com"]`; default: loopback origins only. */
  allowedOrigins?: string[];
  /** Let any browser origin call (CORS). Off by default. */
  allowAnyOrigin?: boolean;
  /** The URL clients reach the server at, answered by `/location`; default: the listening address. */
  publicUrl?: string;
  /**
   * Development only: OAuth 2.0 redirect logins go through the stand-in authorization page this
   * server serves (as `"devOAuth": true` in the config file; either one enables it). Refused when
   * `NODE_ENV=production`.
   */
  devOAuth?: boolean;
}

/** A running server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The port it listens on (the one picked when `port` was 0). */
  port: number;
  /** The resolved config: the file's or object's values with the options' overrides and the defaults. */
  config: ServerConfig;
  /** The warnings of the start, as printed. */
  warnings: readonly string[];
  /** Stops accepting requests, closes streams, the function runner and the database. */
  close(): Promise<void>;
}

/**
 * Starts the server.
 * @throws ServerError `InvalidConfig` for a bad config, app directory, rules or secrets, or options
 * that cannot be combined (an admin token shorter than 8 characters included); ServerError
 * `DataDirectoryChanged` when another server started on the data directory while this one started
 * (see data/sourceRecord.ts); Error if neither `dataDir` nor `inMemory` is given, or if the port is
 * taken; SqliteError for a data directory whose database SQLite cannot read.
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const location: DbLocation | undefined =
    options.inMemory === true ? { inMemory: true } : options.dataDir === undefined ? undefined : { dataDir: options.dataDir };
  const recorded = location === undefined ? undefined : readSourceRecord(location);
  const setup = setUpServer(options, recorded);
  const { config, access, functions, triggers, endpoints, dataApi, appMetadata, environment, warnings } = setup;
  assertAdminToken(config.adminToken);
  if (location === undefined) throw new Error("startServer needs `dataDir` or `inMemory: true`");
  const warn = options.onWarning ?? ((line: string) => process.stderr.write(`realm-tabs-server: ${line}\n`));
  for (const line of warnings) warn(line);
  const handle = await createApp({
    config,
    location,
    primaryService: setup.primaryService,
    functionsDir: options.functionsDir,
    functions,
    environment,
    access,
    logger: options.logger ?? false,
    triggers,
    endpoints,
    dataApi,
    hosting: setup.hosting,
    graphql: setup.graphql,
    appMetadata,
    onTriggerError: options.onTriggerError,
  });
  const host = options.host ?? "127.0.0.1";
  try {
    await handle.app.listen({ port: options.port ?? 0, host });
    // only a start that succeeds records its choice (before any request is read)
    if ("dataDir" in location) writeSourceRecord(handle.db, recorded, setup.primaryService, config.mongoServiceNames);
  } catch (err) {
    await handle.close();
    throw err;
  }
  const address = handle.app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : (options.port ?? 0);
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return { url: `http://${urlHost}:${port}`, port, config, warnings, close: () => handle.close() };
}
