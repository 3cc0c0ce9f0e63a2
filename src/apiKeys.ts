/**
 * `user.apiKeys`: the user's API keys, through the session runtime (which sends the refresh token).
 * Results as realm-js v12 gives them: `_id` is the key id as a hex string (whether the server sent
 * a string or an `$oid`); `key` is only in the result of `create`. Ids are accepted as strings or
 * ObjectIds. The methods' code (accountCalls.ts) is loaded on the first call of one.
 * @packageDocumentation
 */
import type { ObjectId } from "bson";
import type { ApiKeyOp } from "./protocol/accountArgs.js";
import { loadAccountCalls } from "./accountCallsLoad.js";
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

/** The API-key client of one user. */
export class ApiKeyAuth {
  /** @internal Built by `User.apiKeys`. */
  constructor(
    private readonly call: RuntimeCall,
    private readonly userId: string,
  ) {}

  /** Checks the argument and runs the operation, once the account calls' code is loaded (accountCalls.ts). */
  private async run<T>(op: ApiKeyOp, arg?: unknown): Promise<T> {
    return (await loadAccountCalls()).apiKeyCall(this.call, this.userId, op, arg) as Promise<T>;
  }

  /** Creates a key. @throws {RealmTabsError} `invalid-argument` for an empty name @throws {MongoDBRealmError} e.g. a duplicate name */
  async create(name: string): Promise<SecretApiKey> {
    return this.run("create", name);
  }

  /** One key (without its secret). @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} `APIKeyNotFound` */
  async fetch(id: ObjectId | string): Promise<ApiKey> {
    return this.run("fetch", id);
  }

  /** Every key of the user. @throws {MongoDBRealmError} if the session ended */
  async fetchAll(): Promise<ApiKey[]> {
    return this.run("fetchAll");
  }

  /** Deletes a key. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} from the server */
  async delete(id: ObjectId | string): Promise<void> {
    await this.run("delete", id);
  }

  /** Enables a key. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} from the server */
  async enable(id: ObjectId | string): Promise<void> {
    await this.run("enable", id);
  }

  /** Disables a key. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} from the server */
  async disable(id: ObjectId | string): Promise<void> {
    await this.run("disable", id);
  }
}
