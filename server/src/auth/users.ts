/**
 * Users, their identities and their sessions (refresh tokens), stored in SQLite.
 * @packageDocumentation
 */
import { ObjectId } from "bson";
import type { Db } from "../db.js";
import { ServerError } from "../contracts.js";

/** An identity of a user: one login method. */
export interface Identity {
  /** Provider-scoped id of the identity (App Services' identity `id`). */
  id: string;
  providerType: string;
  /** Profile data the provider contributes (e.g. `email`, custom JWT metadata). */
  data: Record<string, unknown>;
}

/** A stored user. */
export interface UserRecord {
  id: string;
  type: "normal" | "server";
  identities: Identity[];
  /** Profile data: the identities' data merged, oldest first. */
  data: Record<string, unknown>;
}

/** A stored session (the server side of a refresh token). */
export interface SessionRecord {
  id: string;
  userId: string;
  deviceId: string;
  apiKeyId: string | null;
  expiresAt: number;
}

interface IdentityRow {
  provider_type: string;
  external_id: string;
  data: string;
}

/** Data access for users, identities and sessions. */
export class UserStore {
  readonly #db: Db;

  /** @param db - the shared database (auth tables created by `openDatabase`) */
  constructor(db: Db) {
    this.#db = db;
  }

  /** Returns the user id owning an identity, or undefined. */
  findByIdentity(providerType: string, externalId: string): string | undefined {
    const row = this.#db
      .prepare("SELECT user_id FROM auth_identities WHERE provider_type = ? AND external_id = ?")
      .get(providerType, externalId) as { user_id: string } | undefined;
    return row?.user_id;
  }

  /**
   * Creates a user with one identity, returning its id.
   * @param identity - the user's first identity
   * @param id - the id to give it (a fresh ObjectId's hex by default)
   */
  createUser(identity: Identity, id: string = new ObjectId().toHexString()): string {
    this.#db.transaction(() => {
      this.#db.prepare("INSERT INTO auth_users (id, type, data, created_at) VALUES (?, 'normal', '{}', ?)").run(id, Date.now());
      this.#insertIdentity(id, identity);
    })();
    return id;
  }

  /**
   * Returns the user owning `identity`, creating the user on first login, and updating the
   * identity's data (e.g. fresh JWT metadata) on later logins.
   */
  upsertByIdentity(identity: Identity): string {
    const existing = this.findByIdentity(identity.providerType, identity.id);
    if (existing === undefined) return this.createUser(identity);
    this.#db
      .prepare("UPDATE auth_identities SET data = ? WHERE provider_type = ? AND external_id = ?")
      .run(JSON.stringify(identity.data), identity.providerType, identity.id);
    return existing;
  }

  /**
   * Adds an identity to a user (account linking). Linking an identity the user already has is a no-op.
   * Refused as App Services refuses them (its codes and messages, as the SDKs recognise them).
   * @throws ServerError 401 `InvalidSession` "a user already exists with the specified provider" if
   *   the identity belongs to another user; 500 `InternalServerError` "linking a local-userpass
   *   identity is not allowed when one is already linked" for a second email/password identity.
   */
  linkIdentity(userId: string, identity: Identity): void {
    const owner = this.findByIdentity(identity.providerType, identity.id);
    if (owner === userId) return;
    if (owner !== undefined) throw new ServerError(401, "InvalidSession", "a user already exists with the specified provider");
    if (identity.providerType === "local-userpass" && this.getUser(userId)?.identities.some((i) => i.providerType === "local-userpass")) {
      throw new ServerError(500, "InternalServerError", "linking a local-userpass identity is not allowed when one is already linked");
    }
    this.#insertIdentity(userId, identity);
  }

  #insertIdentity(userId: string, identity: Identity): void {
    this.#db
      .prepare("INSERT INTO auth_identities (provider_type, external_id, user_id, data, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(identity.providerType, identity.id, userId, JSON.stringify(identity.data), Date.now());
  }

  /** Reads a user with its identities, or undefined. */
  getUser(userId: string): UserRecord | undefined {
    const row = this.#db.prepare("SELECT id, type FROM auth_users WHERE id = ?").get(userId) as
      { id: string; type: "normal" | "server" } | undefined;
    if (row === undefined) return undefined;
    const rows = this.#db
      .prepare("SELECT provider_type, external_id, data FROM auth_identities WHERE user_id = ? ORDER BY created_at, rowid")
      .all(userId) as IdentityRow[];
    const identities = rows.map((r) => ({
      id: r.external_id,
      providerType: r.provider_type,
      data: JSON.parse(r.data) as Record<string, unknown>,
    }));
    const data: Record<string, unknown> = {};
    for (const identity of identities) Object.assign(data, identity.data);
    return { id: row.id, type: row.type, identities, data };
  }

  /** Deletes a user and everything that belongs to it (identities, sessions, API keys, email accounts). */
  deleteUser(userId: string): void {
    this.#db.transaction(() => {
      const emails = this.#db
        .prepare("SELECT external_id FROM auth_identities WHERE user_id = ? AND provider_type = 'local-userpass'")
        .all(userId) as { external_id: string }[];
      for (const { external_id } of emails) {
        const account = this.#db.prepare("SELECT email FROM auth_userpass WHERE id = ?").get(external_id) as { email: string } | undefined;
        if (account === undefined) continue;
        this.#db.prepare("DELETE FROM auth_userpass_tokens WHERE email = ?").run(account.email);
        this.#db.prepare("DELETE FROM auth_userpass WHERE email = ?").run(account.email);
      }
      for (const table of ["auth_sessions", "auth_api_keys", "auth_identities"]) {
        this.#db.prepare(`DELETE FROM ${table} WHERE user_id = ?`).run(userId);
      }
      this.#db.prepare("DELETE FROM auth_users WHERE id = ?").run(userId);
    })();
  }

  /** Creates a session for a user, returning it. */
  createSession(userId: string, deviceId: string, apiKeyId: string | null, ttlSeconds: number): SessionRecord {
    const session: SessionRecord = {
      id: new ObjectId().toHexString(),
      userId,
      deviceId,
      apiKeyId,
      expiresAt: Date.now() + ttlSeconds * 1000,
    };
    this.#db
      .prepare("INSERT INTO auth_sessions (id, user_id, device_id, api_key_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(session.id, userId, deviceId, apiKeyId, Date.now(), session.expiresAt);
    return session;
  }

  /** Reads a live (not expired) session, or undefined. */
  getSession(sessionId: string): SessionRecord | undefined {
    const row = this.#db.prepare("SELECT id, user_id, device_id, api_key_id, expires_at FROM auth_sessions WHERE id = ?").get(sessionId) as
      { id: string; user_id: string; device_id: string; api_key_id: string | null; expires_at: number } | undefined;
    if (row === undefined || row.expires_at <= Date.now()) return undefined;
    return { id: row.id, userId: row.user_id, deviceId: row.device_id, apiKeyId: row.api_key_id, expiresAt: row.expires_at };
  }

  /** Whether a user exists and is enabled or disabled (one cheap read, used by the stream checks). */
  status(userId: string): "enabled" | "disabled" | undefined {
    const row = this.#db.prepare("SELECT disabled FROM auth_users WHERE id = ?").get(userId) as { disabled: number } | undefined;
    if (row === undefined) return undefined;
    return row.disabled === 0 ? "enabled" : "disabled";
  }

  /** True if the user exists and is disabled. */
  isDisabled(userId: string): boolean {
    return this.status(userId) === "disabled";
  }

  /**
   * Disables or enables a user. Disabling also revokes every session of the user, so its refresh
   * tokens stop working at once; a disabled user cannot log in until enabled again.
   * @returns false if there is no such user
   */
  setDisabled(userId: string, disabled: boolean): boolean {
    return this.#db.transaction(() => {
      const changed = this.#db.prepare("UPDATE auth_users SET disabled = ? WHERE id = ?").run(disabled ? 1 : 0, userId).changes > 0;
      if (changed && disabled) this.revokeUserSessions(userId);
      return changed;
    })();
  }

  /** Revokes one session. Returns whether it existed. */
  revokeSession(sessionId: string): boolean {
    return this.#db.prepare("DELETE FROM auth_sessions WHERE id = ?").run(sessionId).changes > 0;
  }

  /** Revokes every session of a user, returning how many there were. */
  revokeUserSessions(userId: string): number {
    return this.#db.prepare("DELETE FROM auth_sessions WHERE user_id = ?").run(userId).changes;
  }
}
