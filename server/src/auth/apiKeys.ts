/**
 * User API keys: created once (the key is shown only then), stored as a SHA-256 hash, used to log in.
 * @packageDocumentation
 */
import { createHash, randomBytes } from "node:crypto";
import { ObjectId } from "bson";
import type { Db } from "../db.js";
import { ServerError } from "../contracts.js";

/** An API key as the list and fetch routes show it (`_id` a hex string, as App Services sends it). */
export interface ApiKeyInfo {
  _id: string;
  name: string;
  disabled: boolean;
}

/** An API key as the create route shows it (the only time `key` is visible). */
export interface SecretApiKey extends ApiKeyInfo {
  key: string;
}

interface Row {
  id: string;
  user_id: string;
  name: string;
  disabled: number;
}

const hashKey = (key: string): string => createHash("sha256").update(key).digest("hex");
const toInfo = (r: Row): ApiKeyInfo => ({ _id: r.id, name: r.name, disabled: r.disabled !== 0 });

/** Data access for API keys. */
export class ApiKeyStore {
  readonly #db: Db;

  /** @param db - the shared database */
  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Creates a key for a user.
   * @throws ServerError 409 `APIKeyAlreadyExists` if the user has a key of that name.
   */
  create(userId: string, name: string): SecretApiKey {
    const id = new ObjectId();
    const key = randomBytes(48).toString("base64url");
    try {
      this.#db
        .prepare("INSERT INTO auth_api_keys (id, user_id, name, key_hash, disabled, created_at) VALUES (?, ?, ?, ?, 0, ?)")
        .run(id.toHexString(), userId, name, hashKey(key), Date.now());
    } catch (err) {
      if ((err as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") {
        throw new ServerError(409, "APIKeyAlreadyExists", `API key with name already exists: '${name}'`);
      }
      throw err;
    }
    return { _id: id.toHexString(), key, name, disabled: false };
  }

  /** Lists a user's keys (without the secret). */
  list(userId: string): ApiKeyInfo[] {
    const rows = this.#db
      .prepare("SELECT id, user_id, name, disabled FROM auth_api_keys WHERE user_id = ? ORDER BY created_at, rowid")
      .all(userId) as Row[];
    return rows.map(toInfo);
  }

  /**
   * Reads one of a user's keys.
   * @throws ServerError 404 `APIKeyNotFound`.
   */
  get(userId: string, keyId: string): ApiKeyInfo {
    const row = this.#db
      .prepare("SELECT id, user_id, name, disabled FROM auth_api_keys WHERE id = ? AND user_id = ?")
      .get(keyId, userId) as Row | undefined;
    if (row === undefined) throw new ServerError(404, "APIKeyNotFound", "API key not found");
    return toInfo(row);
  }

  /**
   * Deletes one of a user's keys and the sessions logged in with it.
   * @throws ServerError 404 `APIKeyNotFound`.
   */
  delete(userId: string, keyId: string): void {
    this.get(userId, keyId);
    this.#db.transaction(() => {
      this.#db.prepare("DELETE FROM auth_sessions WHERE api_key_id = ?").run(keyId);
      this.#db.prepare("DELETE FROM auth_identities WHERE provider_type = 'api-key' AND external_id = ?").run(keyId);
      this.#db.prepare("DELETE FROM auth_api_keys WHERE id = ?").run(keyId);
    })();
  }

  /**
   * Enables or disables one of a user's keys. Disabling revokes the sessions logged in with it.
   * @throws ServerError 404 `APIKeyNotFound`.
   */
  setDisabled(userId: string, keyId: string, disabled: boolean): void {
    this.get(userId, keyId);
    this.#db.prepare("UPDATE auth_api_keys SET disabled = ? WHERE id = ?").run(disabled ? 1 : 0, keyId);
    if (disabled) this.#db.prepare("DELETE FROM auth_sessions WHERE api_key_id = ?").run(keyId);
  }

  /**
   * Finds the key for a login.
   * @throws ServerError 401 `AuthError` "invalid API key" for an unknown, deleted or disabled key, as
   *   App Services answers (the SDKs read that message as invalid credentials).
   */
  authenticate(key: string): { keyId: string; userId: string } {
    const row = this.#db.prepare("SELECT id, user_id, name, disabled FROM auth_api_keys WHERE key_hash = ?").get(hashKey(key)) as
      Row | undefined;
    if (row === undefined || row.disabled !== 0) throw new ServerError(401, "AuthError", "invalid API key");
    return { keyId: row.id, userId: row.user_id };
  }
}
