/**
 * `app.emailPasswordAuth` in the runtime: the seven `local-userpass` routes, sent without a token
 * (as core does). The body is passed through as canonical EJSON.
 * @packageDocumentation
 */
import { EJSON } from "bson";
import { RealmTabsError } from "../../src/protocol/errors.js";
import type { EmailPasswordOp } from "../../src/protocol/rpc.js";
import type { AppRuntime } from "../session/runtime.js";

/** The operations and the body keys each one requires. */
export const EMAIL_PASSWORD_OPS: Record<EmailPasswordOp, readonly string[]> = {
  register: ["email", "password"],
  confirm: ["token", "tokenId"],
  "confirm/send": ["email"],
  "confirm/call": ["email"],
  reset: ["token", "tokenId", "password"],
  "reset/send": ["email"],
  "reset/call": ["email", "password", "arguments"],
};

function checkBody(op: EmailPasswordOp, bodyEJSON: string): void {
  let body: unknown;
  try {
    body = EJSON.parse(bodyEJSON, { relaxed: false });
  } catch (e) {
    throw new RealmTabsError("invalid-argument", "the body is not EJSON", { cause: e, retryable: false });
  }
  if (typeof body !== "object" || body === null || Object.getPrototypeOf(body) !== Object.prototype) {
    throw new RealmTabsError("invalid-argument", "the body must be an object", { retryable: false });
  }
  for (const k of EMAIL_PASSWORD_OPS[op]) {
    const v = (body as Record<string, unknown>)[k];
    const ok = k === "arguments" ? Array.isArray(v) : typeof v === "string" && v.length > 0;
    if (!ok) throw new RealmTabsError("invalid-argument", `${op}: ${k} must be ${k === "arguments" ? "an array" : "a non-empty string"}`, { retryable: false });
  }
}

/**
 * Sends one email/password provider request.
 * @throws {RealmTabsError} `invalid-argument`; {@link MongoDBRealmError} from the server (e.g. `UserNotFound`)
 */
export async function emailPasswordCall(rt: AppRuntime, op: EmailPasswordOp, bodyEJSON: string): Promise<void> {
  if (!Object.hasOwn(EMAIL_PASSWORD_OPS, op)) throw new RealmTabsError("invalid-argument", `unknown email/password operation ${String(op)}`, { retryable: false });
  checkBody(op, bodyEJSON);
  const route = `/app/${encodeURIComponent(rt.deps.config.id)}/auth/providers/local-userpass/${op}`;
  await rt.deps.transport.send({ method: "POST", route, body: bodyEJSON, token: null });
}
