/**
 * What a data directory records of its data sources (data/dataSources.ts): the primary one, whose
 * databases keep their own names in the store, and every data source a start has run with. A start
 * reads the record before it chooses, and writes its choice once it listens.
 * @packageDocumentation
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ServerError } from "../contracts.js";
import { DB_FILE_NAME, type Db, type DbLocation } from "../db.js";

/** A data directory's record of its data sources. */
export interface SourceRecord {
  /** The primary data source. */
  primary: string;
  /** Every data source a start has run with (the primary one included). */
  known: string[];
}

const PRIMARY_KEY = "primary_data_source";
const KNOWN_KEY = "data_sources";

function readFrom(db: Db): SourceRecord | undefined {
  const get = db.prepare("SELECT value FROM auth_meta WHERE key = ?");
  const primary = (get.get(PRIMARY_KEY) as { value: string } | undefined)?.value;
  if (primary === undefined) return undefined;
  const known = (get.get(KNOWN_KEY) as { value: string } | undefined)?.value;
  const parsed: unknown = known === undefined ? [] : JSON.parse(known);
  const names = Array.isArray(parsed) ? parsed.filter((name): name is string => typeof name === "string") : [];
  return { primary, known: [...new Set([primary, ...names])].sort() };
}

/**
 * Reads the record without writing to the database (SQLite may create its `-wal` and `-shm` files).
 * @param location - where the database lives
 * @returns the record, or undefined in memory, for a new directory, or for one an earlier version wrote
 * @throws SqliteError when the file is not a database SQLite can read (as opening it would)
 */
export function readSourceRecord(location: DbLocation): SourceRecord | undefined {
  if (!("dataDir" in location)) return undefined;
  const file = join(location.dataDir, DB_FILE_NAME);
  if (!existsSync(file)) return undefined;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'auth_meta'").get();
    return table === undefined ? undefined : readFrom(db);
  } finally {
    db.close();
  }
}

/**
 * Records a start's choice: its primary data source, and its data sources among the known ones.
 * @param db - the open database
 * @param read - what {@link readSourceRecord} returned before the start chose
 * @param primary - the primary data source the start runs with (nothing is recorded when undefined)
 * @param serviceNames - the data sources it runs with
 * @throws ServerError 500 `DataDirectoryChanged` when the primary data source on record is not the
 * one the start read (another server started on the data directory meanwhile, or the start could
 * not read it): the start must not go on with its choice
 */
export function writeSourceRecord(
  db: Db,
  read: SourceRecord | undefined,
  primary: string | undefined,
  serviceNames: readonly string[],
): void {
  db.transaction(() => {
    const now = readFrom(db);
    if (now?.primary !== read?.primary) {
      throw new ServerError(
        500,
        "DataDirectoryChanged",
        `the data directory records ${now?.primary ?? "no"} primary data source, but this start read ${read?.primary ?? "none"}: ` +
          "was another server started on it? Start again",
      );
    }
    if (primary === undefined) return;
    const set = db.prepare("INSERT OR REPLACE INTO auth_meta (key, value) VALUES (?, ?)");
    set.run(PRIMARY_KEY, primary);
    set.run(KNOWN_KEY, JSON.stringify([...new Set([...(now?.known ?? []), primary, ...serviceNames])].sort()));
  })();
}
