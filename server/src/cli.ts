#!/usr/bin/env node
/**
 * The `realm-tabs-server` command line. Prints exactly one line, `listening on http://HOST:PORT`,
 * once it accepts requests; stops cleanly on SIGTERM/SIGINT.
 * @packageDocumentation
 */
import { parseArgs } from "node:util";
import { assertAdminToken } from "./admin/token.js";
import { startServer, type RunningServer, type StartServerOptions } from "./index.js";
import { nativeBindingHint } from "./startupHint.js";

const USAGE = `usage: realm-tabs-server [--port N] [--host H] [--app-id ID] [--data DIR | --in-memory]
  [--app DIR [--environment NAME] [--secrets FILE] | --functions DIR | --allow-all-data]
  [--config FILE] [--admin-token T] [--access-token-ttl S] [--refresh-token-ttl S]
  [--public-url URL] [--allow-any-origin] [--dev-oauth] [--verbose]`;

/**
 * Parses the command line into server options.
 * @throws Error (with the usage text) for unknown flags, bad numbers or an admin token shorter than 8 characters.
 */
function parseCli(argv: string[]): StartServerOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "app-id": { type: "string" },
      data: { type: "string" },
      functions: { type: "string" },
      config: { type: "string" },
      "admin-token": { type: "string" },
      "access-token-ttl": { type: "string" },
      "refresh-token-ttl": { type: "string" },
      "in-memory": { type: "boolean" },
      app: { type: "string" },
      environment: { type: "string" },
      secrets: { type: "string" },
      "allow-all-data": { type: "boolean" },
      "allow-any-origin": { type: "boolean" },
      "public-url": { type: "string" },
      "dev-oauth": { type: "boolean" },
      verbose: { type: "boolean" },
    },
  });
  const int = (name: string, raw: string | undefined, min: number): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}\n${USAGE}`);
    return n;
  };
  const inMemory = values["in-memory"] === true || values.data === undefined;
  const options: StartServerOptions = { inMemory, logger: values.verbose === true };
  const set = <K extends keyof StartServerOptions>(key: K, value: StartServerOptions[K] | undefined): void => {
    if (value !== undefined) options[key] = value;
  };
  set("port", int("port", values.port, 0));
  set("host", values.host);
  set("appId", values["app-id"]);
  if (!inMemory) set("dataDir", values.data);
  set("functionsDir", values.functions);
  set("config", values.config);
  try {
    assertAdminToken(values["admin-token"]);
  } catch (err) {
    throw new Error(`--admin-token: ${(err as Error).message}`, { cause: err });
  }
  set("adminToken", values["admin-token"]);
  set("accessTokenTtlSeconds", int("access-token-ttl", values["access-token-ttl"], 1));
  set("refreshTokenTtlSeconds", int("refresh-token-ttl", values["refresh-token-ttl"], 1));
  set("appDir", values.app);
  set("environment", values.environment);
  set("secrets", values.secrets);
  if (values["allow-all-data"] === true) options.allowAllData = true;
  if (values["allow-any-origin"] === true) options.allowAnyOrigin = true;
  if (values["dev-oauth"] === true) options.devOAuth = true;
  set("publicUrl", publicUrl(values["public-url"]));
  return options;
}

/**
 * Checks `--public-url`.
 * @throws Error unless it is an absolute http(s) URL.
 */
function publicUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^https?:\/\/[^/\s]+/.test(raw) || !URL.canParse(raw)) throw new Error(`--public-url must be an http(s) URL, got '${raw}'`);
  return raw;
}

async function main(): Promise<void> {
  let options: StartServerOptions;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const started: { server?: RunningServer } = {};
  let pending: string | undefined;
  let stopping = false;
  const stop = (signal: string): void => {
    // a signal during startup stops the server as soon as it has started
    const server = started.server;
    if (server === undefined) {
      pending ??= signal;
      return;
    }
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => {
      process.stderr.write(`forced exit: close did not finish within 10 s after ${signal}\n`);
      process.exit(1);
    }, 10_000);
    deadline.unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  // installed before the listening line, so a supervisor that signals right after it gets a clean exit
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  const server = await startServer(options);
  started.server = server;
  if (pending !== undefined) {
    stop(pending);
    return;
  }
  process.stdout.write(`listening on ${server.url}\n`);
}

main().catch((err: unknown) => {
  const hint = nativeBindingHint(err);
  if (hint !== undefined) process.stderr.write(`${hint}\n`);
  else process.stderr.write(`realm-tabs-server failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
