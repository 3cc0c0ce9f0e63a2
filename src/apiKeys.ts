/**
 * `user.apiKeys`: the user's API keys, through the session runtime (which sends the refresh token).
 * Results as realm-js v12 gives them: `_id` is the key id as a hex string (whether the server sent
 * a string or an `$oid`); `key` is only in the result of `create`. Ids are accepted as strings or ObjectIds.
 * @packageDocumentation
 */
import type { ObjectId } from "bson";
import { decodeFromRuntime } from "./codec/lazy.js";
import { apiKeyId, apiKeyName, type ApiKeyOp } from "./protocol/args.js";
import type { RuntimeCall } from "./watch.js";

/** An API key as `fetch`/`fetchAll` return it. */
export interface ApiKey {
  /** The key id (24 hex digits). */
  _id: string;
  name: string;
  disabled: boolean;
}

/** An API key as `create` returns it, with its secret `key` (shown only once). */
export interface SecretApiKey extends ApiKey {
  key: string;
}

/** An ObjectId of any bson copy (without loading bson to ask `instanceof`). */
function isObjectId(x: unknown): x is ObjectId {
  return (
    typeof x === "object" &&
    x !== null &&
    (x as { _bsontype?: unknown })._bsontype === "ObjectId" &&
    typeof (x as { toHexString?: unknown }).toHexString === "function"
  );
}

function keyId(id: ObjectId | string): string {
  return apiKeyId(typeof id === "string" ? id : isObjectId(id) ? id.toHexString() : id);
}

/** A key document with its `_id` as a hex string (the server may send an `$oid` or a string). */
export function stringId(value: unknown): unknown {
  if (typeof value !== "object" || value === null || !("_id" in value)) return value;
  const id: unknown = value._id;
  return isObjectId(id) ? { ...value, _id: id.toHexString() } : value;
}

/** The API-key client of one user. */
export class ApiKeyAuth {
  /** @internal Built by `User.apiKeys`. */
  constructor(
    private readonly call: RuntimeCall,
    private readonly userId: string,
  ) {}

  private async run<T>(op: ApiKeyOp, arg?: string): Promise<T> {
    const ejson = await this.call({ method: "apiKeys", about: op }, (apiKeys, appKey) => apiKeys(appKey, this.userId, op, arg));
    const value = await decodeFromRuntime(ejson);
    return (Array.isArray(value) ? value.map(stringId) : stringId(value)) as T;
  }

  /** Creates a key. @throws {RealmTabsError} `invalid-argument` for an empty name @throws {MongoDBRealmError} e.g. a duplicate name */
  async create(name: string): Promise<SecretApiKey> {
    return this.run("create", apiKeyName(name));
  }

  /** One key (without its secret). @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} `APIKeyNotFound` */
  async fetch(id: ObjectId | string): Promise<ApiKey> {
    return this.run("fetch", keyId(id));
  }

  /** Every key of the user. @throws {MongoDBRealmError} if the session ended */
  async fetchAll(): Promise<ApiKey[]> {
    return this.run("fetchAll");
  }

  /** Deletes a key. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} from the server */
  async delete(id: ObjectId | string): Promise<void> {
    await this.run("delete", keyId(id));
  }

  /** Enables a key. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} from the server */
  async enable(id: ObjectId | string): Promise<void> {
    await this.run("enable", keyId(id));
  }

  /** Disables a key. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} from the server */
  async disable(id: ObjectId | string): Promise<void> {
    await this.run("disable", keyId(id));
  }
}
