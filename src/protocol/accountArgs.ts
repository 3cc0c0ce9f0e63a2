/**
 * The argument rules of the API-key and email/password calls, which both sides apply (see args.ts):
 * the tab in accountCalls.ts, the runtime in its account features; both load them on first use.
 * @packageDocumentation
 */
import { invalid, nonEmptyString } from "./args.js";

/** The operations of `user.apiKeys`, as the RPC names them. */
export const API_KEY_OPS = ["create", "fetch", "fetchAll", "delete", "enable", "disable"] as const;

/** One of {@link API_KEY_OPS}. */
export type ApiKeyOp = (typeof API_KEY_OPS)[number];

/**
 * An API-key operation name.
 * @throws {RealmTabsError} `invalid-argument` for anything not in {@link API_KEY_OPS}
 */
export function apiKeyOp(value: unknown): ApiKeyOp {
  if (typeof value !== "string" || !(API_KEY_OPS as readonly string[]).includes(value)) throw invalid("unknown API key operation");
  return value as ApiKeyOp;
}

/**
 * The name of a new API key.
 * @throws {RealmTabsError} `invalid-argument` unless a non-empty string
 */
export function apiKeyName(value: unknown): string {
  return nonEmptyString(value, "the API key name");
}

const KEY_ID = /^[0-9a-fA-F]{24}$/;

/**
 * The id of an API key: the 24 hex digits of its ObjectId (the tab converts an `ObjectId` first).
 * @throws {RealmTabsError} `invalid-argument` for anything else
 */
export function apiKeyId(value: unknown): string {
  if (typeof value !== "string" || !KEY_ID.test(value)) throw invalid("the API key id must be an ObjectId or 24 hex digits");
  return value;
}

/**
 * The operations of `app.emailPasswordAuth` (the route below `…/providers/local-userpass/`), each
 * with the body fields it requires: strings, except `arguments` (an array).
 */
export const EMAIL_PASSWORD_FIELDS = {
  register: ["email", "password"],
  confirm: ["token", "tokenId"],
  "confirm/send": ["email"],
  "confirm/call": ["email"],
  reset: ["token", "tokenId", "password"],
  "reset/send": ["email"],
  "reset/call": ["email", "password", "arguments"],
} as const satisfies Record<string, readonly string[]>;

/** One of the operations of {@link EMAIL_PASSWORD_FIELDS}. */
export type EmailPasswordOp = keyof typeof EMAIL_PASSWORD_FIELDS;

/**
 * An email/password operation name.
 * @throws {RealmTabsError} `invalid-argument` for anything not in {@link EMAIL_PASSWORD_FIELDS}
 */
export function emailPasswordOp(value: unknown): EmailPasswordOp {
  if (typeof value !== "string" || !Object.hasOwn(EMAIL_PASSWORD_FIELDS, value))
    throw invalid(`unknown email/password operation ${String(value)}`);
  return value as EmailPasswordOp;
}

/**
 * The body of an email/password operation: an object with every field the operation requires
 * (non-empty strings; `arguments` an array). Returns those fields only.
 * @param what - names the call in error messages (the SDK method on the tab, the operation in the runtime)
 * @throws {RealmTabsError} `invalid-argument` for a missing or malformed field, or a body that is not an object
 */
export function emailPasswordBody(op: EmailPasswordOp, value: unknown, what: string = op): Record<string, unknown> {
  const fields: readonly string[] = EMAIL_PASSWORD_FIELDS[op];
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(`${what} takes an object {${fields.filter((f) => f !== "arguments").join(", ")}}`);
  }
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const v = (value as Record<string, unknown>)[field];
    if (field === "arguments") {
      if (!Array.isArray(v)) throw invalid(`${what}: arguments must be an array`);
    } else if (typeof v !== "string" || v.length === 0) {
      throw invalid(`${what}: ${field} must be a non-empty string`);
    }
    out[field] = v;
  }
  return out;
}
