/**
 * What `user.apiKeys` and `app.emailPasswordAuth` send, loaded on the first call of one of them
 * (`apiKeys.ts` and `emailPassword.ts` hold the classes): each call's arguments are checked first
 * (a bad key name, key id or field rejects with `invalid-argument` and sends nothing), then the
 * session runtime sends it. API keys come back as realm-js v12 gives them: `_id` is the key id as a
 * hex string, whether the server sent a string or an `$oid`.
 * @packageDocumentation
 */
import type { ObjectId } from "bson";
import { decodeFromRuntime, encodeCanonical } from "./codec/lazy.js";
import { apiKeyId, apiKeyName, emailPasswordBody, type ApiKeyOp, type EmailPasswordOp } from "./protocol/accountArgs.js";
import type { RuntimeCall } from "./watch.js";

/** An ObjectId of any bson copy (without loading bson to ask `instanceof`). */
function isObjectId(x: unknown): x is ObjectId {
  return (
    typeof x === "object" &&
    x !== null &&
    (x as { _bsontype?: unknown })._bsontype === "ObjectId" &&
    typeof (x as { toHexString?: unknown }).toHexString === "function"
  );
}

/** A key document with its `_id` as a hex string (the server may send an `$oid` or a string). */
export function stringId(value: unknown): unknown {
  if (typeof value !== "object" || value === null || !("_id" in value)) return value;
  const id: unknown = value._id;
  return isObjectId(id) ? { ...value, _id: id.toHexString() } : value;
}

/**
 * What `op` sends: the name for `create`, nothing for `fetchAll`, else the key id (a string or an ObjectId).
 * @throws {RealmTabsError} `invalid-argument` for an empty name or an id that is not 24 hex digits
 */
function apiKeyArgument(op: ApiKeyOp, arg: unknown): string | undefined {
  if (op === "create") return apiKeyName(arg);
  if (op === "fetchAll") return undefined;
  return apiKeyId(isObjectId(arg) ? arg.toHexString() : arg);
}

/**
 * Runs one API-key operation of `userId`; resolves to the server's answer, decoded, ids as strings.
 * @throws {RealmTabsError} `invalid-argument` for a bad argument; {@link MongoDBRealmError} from the server
 */
export async function apiKeyCall(call: RuntimeCall, userId: string, op: ApiKeyOp, arg: unknown): Promise<unknown> {
  const checked = apiKeyArgument(op, arg);
  const ejson = await call({ method: "apiKeys", about: op }, (apiKeys, appKey) => apiKeys(appKey, userId, op, checked));
  const value = await decodeFromRuntime(ejson);
  return Array.isArray(value) ? value.map(stringId) : stringId(value);
}

/**
 * Checks `details` as the runtime will (`method` names the SDK call in errors), then sends it.
 * @throws {RealmTabsError} `invalid-argument` for a missing or mistyped field; {@link MongoDBRealmError} from the server
 */
export async function emailPasswordCall(call: RuntimeCall, op: EmailPasswordOp, method: string, details: unknown): Promise<void> {
  const body = emailPasswordBody(op, details, method);
  const bodyEJSON = await encodeCanonical(body, `${op}: the arguments`);
  await call({ method: "emailPassword", about: op }, (emailPassword, appKey) => emailPassword(appKey, op, bodyEJSON));
}

// reaches every module the start and the runtime connection need too, so that they share
// their chunks (see laterShared.ts)
export * as sharedWithAttachment from "./attachment.js";
