/**
 * Opens the server's single SQLite database (`<dataDir>/realm-tabs.sqlite`, WAL, or `:memory:`) and
 * creates the auth tables. The same handle is shared with the data layer.
 * @packageDocumentation
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";

/** The better-sqlite3 database handle type. */
export type Db = Database.Database;

/** Where the database lives: a data directory, or memory only. */
export type DbLocation = { dataDir: string } | { inMemory: true };

/** File name of the database inside the data directory. */
export const DB_FILE_NAME = "realm-tabs.sqlite";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS auth_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS auth_users (
  id TEXT PRIMARY KEY, type TEXT NOT NULL, data TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS auth_identities (
  provider_type TEXT NOT NULL, external_id TEXT NOT NULL, user_id TEXT NOT NULL, data TEXT NOT NULL,
  created_at INTEGER NOT NULL, PRIMARY KEY (provider_type, external_id));
CREATE INDEX IF NOT EXISTS auth_identities_user ON auth_identities(user_id);
CREATE TABLE IF NOT EXISTS auth_sessions (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, device_id TEXT NOT NULL, api_key_id TEXT,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS auth_sessions_user ON auth_sessions(user_id);
CREATE TABLE IF NOT EXISTS auth_api_keys (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, name TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE,
  disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, UNIQUE (user_id, name));
CREATE TABLE IF NOT EXISTS auth_userpass (
  email TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
  confirmed INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS auth_userpass_tokens (
  token_id TEXT PRIMARY KEY, token TEXT NOT NULL, email TEXT NOT NULL, kind TEXT NOT NULL,
  password_hash TEXT, created_at INTEGER NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS auth_userpass_tokens_email ON auth_userpass_tokens(email, kind);
`;

/** The auth tables, in an order that is safe to wipe. */
export const AUTH_TABLES = [
  "auth_sessions",
  "auth_api_keys",
  "auth_userpass_tokens",
  "auth_userpass",
  "auth_identities",
  "auth_users",
] as const;

/**
 * Opens (creating if needed) the database and the auth tables.
 * @throws Error if the directory cannot be created or the file is not a SQLite database.
 */
export function openDatabase(location: DbLocation): Db {
  let db: Db;
  if ("dataDir" in location) {
    mkdirSync(location.dataDir, { recursive: true });
    db = new Database(join(location.dataDir, DB_FILE_NAME));
    db.pragma("journal_mode = WAL");
  } else {
    db = new Database(":memory:");
  }
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.exec(SCHEMA);
  return db;
}

/**
 * Returns the server's token-signing secret, creating and storing a random one on first use, so
 * tokens survive a restart on the same data directory.
 */
export function tokenSecret(db: Db): Uint8Array {
  const row = db.prepare("SELECT value FROM auth_meta WHERE key = 'jwt_secret'").get() as { value: string } | undefined;
  if (row !== undefined) return Buffer.from(row.value, "base64");
  const secret = randomBytes(32);
  db.prepare("INSERT INTO auth_meta (key, value) VALUES ('jwt_secret', ?)").run(secret.toString("base64"));
  return secret;
}

/** Deletes every user, identity, session, API key and email/password account. */
export function wipeAuthTables(db: Db): void {
  db.transaction(() => {
    for (const table of AUTH_TABLES) db.exec(`DELETE FROM ${table}`);
  })();
}
