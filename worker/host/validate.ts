/**
 * Validation of everything a tab sends: a bad argument is a typed `invalid-argument` error for that
 * call only, never a crash of the runtime or of another tab's call.
 * @packageDocumentation
 */
import { writeCanonical } from "../io/ejson.js";
import { ShapeError, boolean, number, object, oneOf, optional, string, type Check } from "../io/shape.js";
import { nonEmptyString } from "../../src/protocol/args.js";
import { RealmTabsError } from "../../src/protocol/errors.js";
import { PROTOCOL_VERSION } from "../../src/protocol/events.js";
import type { ConnectRequest, CredentialsWire } from "../../src/protocol/rpc.js";
import { PROVIDER_TYPES } from "../../src/protocol/snapshots.js";

const connectShape = object({
  protocol: number,
  buildId: string(),
  tabId: string({ min: 1, max: 200 }),
  config: object({
    id: string({ min: 1 }),
    baseUrl: string({ pattern: /^https?:\/\/[^\s]+$/, patternMessage: "must be an http(s) URL" }),
    skipLocationRequest: boolean,
    app: optional(object({ name: string(), version: optional(string()) })),
    exposeRefreshToken: boolean,
    callTimeoutMs: optional(number),
  }),
});

const credentialsShape = object({ providerType: oneOf(PROVIDER_TYPES), payloadEJSON: string(), reuse: boolean });

function check<T>(shape: Check<T>, value: unknown, what: string): T {
  try {
    return shape(value);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new RealmTabsError("invalid-argument", `Invalid ${what}${error.path}: ${error.message}`, { retryable: false });
  }
}

/**
 * Validates a connect request (its optional push port included).
 * @throws {RealmTabsError} `protocol-mismatch` for another protocol version, `invalid-argument` otherwise
 */
export function parseConnect(value: unknown): ConnectRequest {
  const protocol = (value as { protocol?: unknown } | null)?.protocol;
  if (typeof protocol === "number" && protocol !== PROTOCOL_VERSION) {
    throw new RealmTabsError("protocol-mismatch", `The tab speaks protocol ${protocol}, the runtime ${PROTOCOL_VERSION}: reload the page`);
  }
  const req: ConnectRequest = check(connectShape, value, "connect request");
  const push = (value as { push?: unknown }).push;
  if (push !== undefined) req.push = parsePort(push);
  return req;
}

/** Validates credentials. @throws {RealmTabsError} `invalid-argument` */
export function parseCredentials(value: unknown): CredentialsWire {
  return check(credentialsShape, value, "credentials");
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
    return writeCanonical(value);
  } catch (cause) {
    throw new RealmTabsError("invalid-argument", `function arguments cannot be encoded as EJSON: ${String(cause)}`, {
      cause,
      retryable: false,
    });
  }
}

/** Validates a `MessagePort`-like sink. @throws {RealmTabsError} `invalid-argument` */
export function parsePort(value: unknown): MessagePort {
  const p = value as { postMessage?: unknown; close?: unknown } | null;
  if (typeof p !== "object" || p === null || typeof p.postMessage !== "function" || typeof p.close !== "function") {
    throw new RealmTabsError("invalid-argument", "port must be a MessagePort (transferred with Comlink.transfer)", { retryable: false });
  }
  return value as MessagePort;
}
