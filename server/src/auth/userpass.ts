/**
 * Email/password accounts (argon2id hashes) and their confirmation and reset tokens.
 * @packageDocumentation
 */
import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { ObjectId } from "bson";
import type { Db } from "../db.js";
import { ServerError } from "../contracts.js";

/** A confirmation or reset token pair, as sent in an App Services email link. */
export interface TokenPair {
  token: string;
  tokenId: string;
}

/** What a token is for. */
export type TokenKind = "confirm" | "reset";

/** An email/password account. */
export interface Account {
  id: string;
  email: string;
  confirmed: boolean;
}

interface AccountRow {
  id: string;
  email: string;
  password_hash: string;
  confirmed: number;
}

/**
 * Checks the password length rule.
 * @throws ServerError 400 `BadRequest` "password must be between 6 and 128 characters".
 */
export function checkPassword(password: string): void {
  if (password.length < 6 || password.length > 128) {
    throw new ServerError(400, "BadRequest", "password must be between 6 and 128 characters");
  }
}

/** Hashes a password with argon2id. */
export function hashPassword(password: string): Promise<string> {
  // argon2id is the library default (Algorithm.Argon2id, a const enum we cannot import under isolatedModules).
  return hash(password);
}

/** Data access for email/password accounts and tokens. */
export class UserpassStore {
  readonly #db: Db;
  #seq = 0;

  /** @param db - the shared database */
  constructor(db: Db) {
    this.#db = db;
    const row = db.prepare("SELECT MAX(seq) AS m FROM auth_userpass_tokens").get() as { m: number | null };
    this.#seq = row.m ?? 0;
  }

  /** Reads an account, or undefined. */
  find(email: string): Account | undefined {
    const row = this.#row(email);
    return row === undefined ? undefined : { id: row.id, email: row.email, confirmed: row.confirmed !== 0 };
  }

  #row(email: string): AccountRow | undefined {
    return this.#db.prepare("SELECT id, email, password_hash, confirmed FROM auth_userpass WHERE email = ?").get(email) as AccountRow | undefined;
  }

  /**
   * Creates an account.
   * @throws ServerError 409 `AccountNameInUse` if the email is registered; 400 `BadRequest` for a bad password.
   */
  async register(email: string, password: string, confirmed: boolean): Promise<Account> {
    checkPassword(password);
    if (this.#row(email) !== undefined) throw new ServerError(409, "AccountNameInUse", "name already in use");
    const passwordHash = await hashPassword(password);
    const id = new ObjectId().toHexString();
    try {
      this.#db
        .prepare("INSERT INTO auth_userpass (email, id, password_hash, confirmed, created_at) VALUES (?, ?, ?, ?, ?)")
        .run(email, id, passwordHash, confirmed ? 1 : 0, Date.now());
    } catch {
      throw new ServerError(409, "AccountNameInUse", "name already in use");
    }
    return { id, email, confirmed };
  }

  /**
   * Checks credentials, returning the account.
   * @throws ServerError 401 `InvalidPassword` "invalid username/password"; 401 `AuthError` if unconfirmed.
   */
  async authenticate(email: string, password: string): Promise<Account> {
    const row = this.#row(email);
    const ok = row !== undefined && (await verify(row.password_hash, password).catch(() => false));
    if (!ok || row === undefined) throw new ServerError(401, "InvalidPassword", "invalid username/password");
    if (row.confirmed === 0) throw new ServerError(401, "AuthError", "confirmation required: the user has not confirmed their email address");
    return { id: row.id, email: row.email, confirmed: true };
  }

  /** Marks an account confirmed. */
  confirm(email: string): void {
    this.#db.prepare("UPDATE auth_userpass SET confirmed = 1 WHERE email = ?").run(email);
  }

  /** Replaces an account's password hash. */
  setPasswordHash(email: string, passwordHash: string): void {
    this.#db.prepare("UPDATE auth_userpass SET password_hash = ? WHERE email = ?").run(passwordHash, email);
  }

  /** Issues a token for an email; a reset token may carry the new password's hash (reset/call "pending"). */
  issueToken(email: string, kind: TokenKind, passwordHash: string | null = null): TokenPair {
    const pair = { token: randomBytes(32).toString("hex"), tokenId: new ObjectId().toHexString() };
    this.#db
      .prepare("INSERT INTO auth_userpass_tokens (token_id, token, email, kind, password_hash, created_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(pair.tokenId, pair.token, email, kind, passwordHash, Date.now(), ++this.#seq);
    return pair;
  }

  /**
   * Consumes a token, returning its email and stored password hash.
   * @throws ServerError 400 `UserpassTokenInvalid` if unknown, of the wrong kind, or not matching.
   */
  consumeToken(pair: TokenPair, kind: TokenKind): { email: string; passwordHash: string | null } {
    const row = this.#db
      .prepare("SELECT token, email, kind, password_hash FROM auth_userpass_tokens WHERE token_id = ?")
      .get(pair.tokenId) as { token: string; email: string; kind: string; password_hash: string | null } | undefined;
    if (row === undefined || row.kind !== kind || row.token !== pair.token) {
      throw new ServerError(400, "UserpassTokenInvalid", "invalid token data");
    }
    this.#db.prepare("DELETE FROM auth_userpass_tokens WHERE token_id = ?").run(pair.tokenId);
    return { email: row.email, passwordHash: row.password_hash };
  }

  /** The most recent token of a kind issued for an email (admin/test support), or undefined. */
  lastToken(email: string, kind: TokenKind): TokenPair | undefined {
    const row = this.#db
      .prepare("SELECT token, token_id FROM auth_userpass_tokens WHERE email = ? AND kind = ? ORDER BY seq DESC LIMIT 1")
      .get(email, kind) as { token: string; token_id: string } | undefined;
    return row === undefined ? undefined : { token: row.token, tokenId: row.token_id };
  }
}
