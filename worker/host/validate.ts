/**
 * Validation of everything a tab sends: a bad argument is a typed `invalid-argument` error for that
 * call only, never a crash of the runtime or of another tab's call.
 * @packageDocumentation
 */
import { EJSON } from "bson";
import { z } from "zod/mini"; // the mini build: a quarter of the size in the worker bundle
import { nonEmptyString, watchSelector } from "../../src/protocol/args.js";
import { RealmTabsError } from "../../src/protocol/errors.js";
import { PROTOCOL_VERSION } from "../../src/protocol/events.js";
import type { ConnectRequest, CredentialsWire, WatchRequest } from "../../src/protocol/rpc.js";
import { PROVIDER_TYPES } from "../../src/protocol/snapshots.js";

const providerSchema = z.enum(PROVIDER_TYPES);

const connectSchema = z.object({
  protocol: z.number(),
  buildId: z.string(),
  tabId: z.string().check(z.minLength(1), z.maxLength(200)),
  config: z.object({
    id: z.string().check(z.minLength(1)),
    baseUrl: z.string().check(z.regex(/^https?:\/\/[^\s]+$/, "must be an http(s) URL")),
    skipLocationRequest: z.boolean(),
    app: z.optional(z.object({ name: z.string(), version: z.optional(z.string()) })),
    exposeRefreshToken: z.boolean(),
  }),
});

const credentialsSchema = z.object({ providerType: providerSchema, payloadEJSON: z.string(), reuse: z.boolean() });

function check<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? `${what}.${issue.path.join(".")}` : what;
    throw new RealmTabsError("invalid-argument", `Invalid ${where}: ${issue?.message ?? "bad value"}`, { retryable: false });
  }
  return r.data;
}

/**
 * Validates a connect request.
 * @throws {RealmTabsError} `protocol-mismatch` for another protocol version, `invalid-argument` otherwise
 */
export function parseConnect(value: unknown): ConnectRequest {
  const protocol = (value as { protocol?: unknown } | null)?.protocol;
  if (typeof protocol === "number" && protocol !== PROTOCOL_VERSION) {
    throw new RealmTabsError("protocol-mismatch", `The tab speaks protocol ${protocol}, the runtime ${PROTOCOL_VERSION}: reload the page`);
  }
  return check(connectSchema, value, "connect request");
}

/** Validates credentials. @throws {RealmTabsError} `invalid-argument` */
export function parseCredentials(value: unknown): CredentialsWire {
  return check(credentialsSchema, value, "credentials");
}

/** Validates a non-empty string argument (the rule the tab applies too). @throws {RealmTabsError} `invalid-argument` */
export const parseString: (value: unknown, what: string) => string = nonEmptyString;

/** Validates an optional string argument. @throws {RealmTabsError} `invalid-argument` */
export function parseOptionalString(value: unknown, what: string): string | undefined {
  return value === undefined ? undefined : parseString(value, what);
}

/**
 * Validates function arguments: canonical EJSON of an array (checked where it is used), or an
 * array of plain structured-clone data, encoded here as canonical EJSON.
 * @throws {RealmTabsError} `invalid-argument` for anything else, or an array that cannot be encoded
 */
export function parseArgs(value: unknown): string {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) throw new RealmTabsError("invalid-argument", "function arguments must be an array", { retryable: false });
  try {
    return EJSON.stringify(value, { relaxed: false });
  } catch (cause) {
    throw new RealmTabsError("invalid-argument", `function arguments cannot be encoded as EJSON: ${String(cause)}`, {
      cause,
      retryable: false,
    });
  }
}

function parseEJSONText(value: unknown, what: string, want: "array" | "object"): string {
  const text = parseString(value, what);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new RealmTabsError("invalid-argument", `${what} is not valid EJSON`, { retryable: false });
  }
  const ok = want === "array" ? Array.isArray(v) : typeof v === "object" && v !== null && !Array.isArray(v);
  if (!ok)
    throw new RealmTabsError("invalid-argument", `${what} must encode ${want === "array" ? "an array" : "a document"}`, {
      retryable: false,
    });
  return text;
}

/** Validates a watch request. @throws {RealmTabsError} `invalid-argument` */
export function parseWatchRequest(value: unknown): WatchRequest {
  const v = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  watchSelector(v.idsEJSON, v.filterEJSON);
  return {
    service: parseString(v.service, "service"),
    database: parseString(v.database, "database"),
    collection: parseString(v.collection, "collection"),
    ...(v.idsEJSON === undefined ? {} : { idsEJSON: parseEJSONText(v.idsEJSON, "ids", "array") }),
    ...(v.filterEJSON === undefined ? {} : { filterEJSON: parseEJSONText(v.filterEJSON, "filter", "object") }),
  };
}

/** Validates a `MessagePort`-like sink. @throws {RealmTabsError} `invalid-argument` */
export function parsePort(value: unknown): MessagePort {
  const p = value as { postMessage?: unknown; close?: unknown } | null;
  if (typeof p !== "object" || p === null || typeof p.postMessage !== "function" || typeof p.close !== "function") {
    throw new RealmTabsError("invalid-argument", "port must be a MessagePort (transferred with Comlink.transfer)", { retryable: false });
  }
  return value as MessagePort;
}
