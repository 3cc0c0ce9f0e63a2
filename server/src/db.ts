/**
 * Opens the server's single SQLite database (`<dataDir>/realm-tabs.sqlite`, WAL, or `:memory:`) and
 * creates the auth tables. The same handle is shared with the data layer.
 * @packageDocumentation
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
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
  id TEXT PRIMARY KEY, type TEXT NOT NULL, data TEXT NOT NULL, created_at INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0);
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

/** Mode of the data directory: only the server's account may list or enter it. */
const DIR_MODE = 0o700;
/** Mode of the database, WAL and SHM files: they hold the token secret and password hashes. */
const FILE_MODE = 0o600;

/**
 * Creates the data directory (0700) and an empty database file (0600) if they are missing, and
 * tightens the modes of existing ones, so the file is never readable by others, not even briefly.
 */
function prepareDataDir(dataDir: string, file: string): void {
  mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
  chmodSync(dataDir, DIR_MODE);
  closeSync(openSync(file, "a", FILE_MODE));
  chmodSync(file, FILE_MODE);
}

/** Tightens the modes of the WAL and SHM files (SQLite gives new ones the database file's mode). */
function protectSideFiles(file: string): void {
  for (const side of [`${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(side)) chmodSync(side, FILE_MODE);
  }
}

/**
 * Opens (creating if needed) the database and the auth tables. In a data directory, the
 * directory is made 0700 and the database, WAL and SHM files 0600 (existing ones included).
 * @throws Error if the directory cannot be created or its modes set, or the file is not a SQLite database.
 */
export function openDatabase(location: DbLocation): Db {
  let db: Db;
  if ("dataDir" in location) {
    const file = join(location.dataDir, DB_FILE_NAME);
    prepareDataDir(location.dataDir, file);
    protectSideFiles(file);
    db = new Database(file);
    db.pragma("journal_mode = WAL");
  } else {
    db = new Database(":memory:");
  }
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.exec(SCHEMA);
  addMissingColumns(db);
  // the first write created the WAL and SHM files
  if ("dataDir" in location) protectSideFiles(join(location.dataDir, DB_FILE_NAME));
  return db;
}

/** Brings tables created by an earlier version up to the current schema. */
function addMissingColumns(db: Db): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('auth_users')").all() as { name: string }[];
  if (!columns.some((c) => c.name === "disabled")) db.exec("ALTER TABLE auth_users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0");
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
