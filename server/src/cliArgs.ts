/**
 * The `realm-tabs-server` command line's arguments: {@link parseCli} turns them into the options of
 * `startServer`, and {@link USAGE} is the text the CLI prints under an error in them.
 * @packageDocumentation
 */
import { parseArgs } from "node:util";
import { assertAdminToken } from "./admin/token.js";
import type { StartServerOptions } from "./index.js";

/** The usage text the CLI prints (on stderr, under the error) when its arguments are wrong. */
export const USAGE = `usage: realm-tabs-server [--port N] [--host H] [--app-id ID] [--data DIR | --in-memory]
  [--app DIR [--environment NAME] [--secrets FILE] | --functions DIR | --allow-all-data]
  [--config FILE] [--admin-token T] [--access-token-ttl S] [--refresh-token-ttl S]
  [--public-url URL] [--allow-any-origin] [--dev-oauth] [--verbose]`;

/**
 * Parses the command line into server options.
 * @param argv - the arguments after the script's path (`process.argv.slice(2)`)
 * @throws Error for unknown flags, a bad number, an admin token shorter than 8 characters or a
 *   `--public-url` that is not an http(s) URL; its message names the argument (the CLI prints
 *   {@link USAGE} under it)
 */
export function parseCli(argv: string[]): StartServerOptions {
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
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
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
