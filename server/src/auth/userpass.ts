/**
 * Email/password accounts (argon2id hashes) and their confirmation and reset tokens.
 * @packageDocumentation
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
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

/** The longest password App Services accepts; longer ones are never hashed. */
export const MAX_PASSWORD_LENGTH = 128;

/** Options of {@link UserpassStore}. */
export interface UserpassStoreOptions {
  /** Lifetime of confirmation and reset tokens. @default 30 minutes */
  tokenTtlMs?: number;
  /** The clock (tests). @default Date.now */
  now?: () => number;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Data access for email/password accounts and tokens. */
export class UserpassStore {
  readonly #db: Db;
  readonly #tokenTtlMs: number;
  readonly #now: () => number;
  #seq = 0;
  /** A hash of a random password, verified against when the account does not exist. */
  #dummyHash: Promise<string> | undefined;

  /**
   * @param db - the shared database
   * @param options - token lifetime and clock
   */
  constructor(db: Db, options: UserpassStoreOptions = {}) {
    this.#db = db;
    this.#tokenTtlMs = options.tokenTtlMs ?? 30 * 60_000;
    this.#now = options.now ?? Date.now;
    const row = db.prepare("SELECT MAX(seq) AS m FROM auth_userpass_tokens").get() as { m: number | null };
    this.#seq = row.m ?? 0;
  }

  /** Reads an account, or undefined. */
  find(email: string): Account | undefined {
    const row = this.#row(email);
    return row === undefined ? undefined : { id: row.id, email: row.email, confirmed: row.confirmed !== 0 };
  }

  #row(email: string): AccountRow | undefined {
    return this.#db.prepare("SELECT id, email, password_hash, confirmed FROM auth_userpass WHERE email = ?").get(email) as
      AccountRow | undefined;
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
   * @throws ServerError 401 `InvalidPassword` "unauthorized" (App Services' message, which the SDKs' tests
   *   expect); 401 `AuthError` if unconfirmed.
   */
  async authenticate(email: string, password: string): Promise<Account> {
    const row = this.#row(email);
    let ok = false;
    if (password.length <= MAX_PASSWORD_LENGTH) {
      // An unknown account is verified against a dummy hash, so it costs as much as a wrong password.
      this.#dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
      const stored = row?.password_hash ?? (await this.#dummyHash);
      ok = (await verify(stored, password).catch(() => false)) && row !== undefined;
    }
    if (!ok || row === undefined) throw new ServerError(401, "InvalidPassword", "unauthorized");
    if (row.confirmed === 0)
      throw new ServerError(401, "AuthError", "confirmation required: the user has not confirmed their email address");
    return { id: row.id, email: row.email, confirmed: true };
  }

  /** Whether `password` is the account's current password (false for an unknown account). */
  async isCurrentPassword(email: string, password: string): Promise<boolean> {
    const row = this.#row(email);
    if (row === undefined || password.length > MAX_PASSWORD_LENGTH) return false;
    return verify(row.password_hash, password).catch(() => false);
  }

  /** Removes an account that was never confirmed, with its tokens (a confirmation function said `fail`). */
  withdraw(email: string): void {
    this.#db.prepare("DELETE FROM auth_userpass_tokens WHERE email = ?").run(email);
    this.#db.prepare("DELETE FROM auth_userpass WHERE email = ? AND confirmed = 0").run(email);
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
    const now = this.#now();
    this.#db.prepare("DELETE FROM auth_userpass_tokens WHERE created_at <= ?").run(now - this.#tokenTtlMs);
    this.#db
      .prepare(
        "INSERT INTO auth_userpass_tokens (token_id, token, email, kind, password_hash, created_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(pair.tokenId, pair.token, email, kind, passwordHash, now, ++this.#seq);
    return pair;
  }

  /**
   * Consumes a token, returning its email and stored password hash.
   * @throws ServerError 400 `UserpassTokenInvalid` if unknown, of the wrong kind, not matching, or
   * older than the token lifetime.
   */
  consumeToken(pair: TokenPair, kind: TokenKind): { email: string; passwordHash: string | null } {
    const row = this.#db
      .prepare("SELECT token, email, kind, password_hash, created_at FROM auth_userpass_tokens WHERE token_id = ?")
      .get(pair.tokenId) as { token: string; email: string; kind: string; password_hash: string | null; created_at: number } | undefined;
    if (row === undefined || row.kind !== kind || !sameSecret(row.token, pair.token)) {
      throw new ServerError(400, "UserpassTokenInvalid", "invalid token data");
    }
    this.#db.prepare("DELETE FROM auth_userpass_tokens WHERE token_id = ?").run(pair.tokenId);
    if (row.created_at + this.#tokenTtlMs <= this.#now()) {
      throw new ServerError(400, "UserpassTokenInvalid", "invalid token data: the token has expired");
    }
    return { email: row.email, passwordHash: row.password_hash };
  }

  /** Deletes every outstanding token of a kind for an email. */
  revokeTokens(email: string, kind: TokenKind): void {
    this.#db.prepare("DELETE FROM auth_userpass_tokens WHERE email = ? AND kind = ?").run(email, kind);
  }

  /** The most recent token of a kind issued for an email (admin/test support), or undefined. */
  lastToken(email: string, kind: TokenKind): TokenPair | undefined {
    const row = this.#db
      .prepare("SELECT token, token_id FROM auth_userpass_tokens WHERE email = ? AND kind = ? ORDER BY seq DESC LIMIT 1")
      .get(email, kind) as { token: string; token_id: string } | undefined;
    return row === undefined ? undefined : { token: row.token, tokenId: row.token_id };
  }
}
