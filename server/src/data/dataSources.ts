/**
 * Each data source's own data. In Atlas two data sources are two clusters; here they share one
 * store, so a data source other than the primary one keeps its databases under names of its own
 * (`<database>$<service>`; `$` cannot appear in a MongoDB database name, and requests that use it
 * are refused). The primary data source's names are the names requests use, so its stored data
 * stays where earlier versions put it. A data directory records its primary data source at its
 * first start (sourceRecord.ts), so that adding a data source later never moves data.
 * @packageDocumentation
 */
import { ServerError, type ChangeEvent } from "../contracts.js";
import { invalidParameter } from "./errors.js";
import type { SourceRecord } from "./sourceRecord.js";

/** Separates a database's name from its data source's in the store. */
const SEPARATOR = "$";

/**
 * The data source whose databases are stored under their own names, for a data directory that has
 * not recorded one (see {@link choosePrimary}).
 * @param serviceNames - the configured MongoDB service names
 * @returns `mongodb-atlas` when configured, else the first name (undefined for none)
 */
export function primaryService(serviceNames: readonly string[]): string | undefined {
  return serviceNames.includes("mongodb-atlas") ? "mongodb-atlas" : serviceNames[0];
}

/** The primary data source of a start, and what the start says of it. */
export interface PrimaryChoice {
  /** The data source whose databases keep their own names in the store (undefined: no data source). */
  primary: string | undefined;
  /** A line for the start's warnings, when the recorded primary data source is not configured. */
  warning?: string;
}

/**
 * Chooses the primary data source of a start. The recorded one stays primary while it is
 * configured. When it is not, and the app has one data source that no start has run with, that one
 * takes over its data (a renamed data source keeps its data, as a cluster does in Atlas).
 * Otherwise none could rightly take it: the recorded one stays primary, its data unreachable, and
 * every configured one is stored apart.
 * @param serviceNames - the configured MongoDB service names
 * @param record - what the data directory records (sourceRecord.ts), if anything
 * @returns the primary data source, and a warning when the recorded one is not configured
 */
export function choosePrimary(serviceNames: readonly string[], record: SourceRecord | undefined): PrimaryChoice {
  if (record === undefined) return { primary: primaryService(serviceNames) };
  const recorded = record.primary;
  if (serviceNames.includes(recorded) || serviceNames.length === 0) return { primary: recorded };
  const [only] = serviceNames;
  // a name no start has run with is the old one renamed; a known one has data of its own
  if (serviceNames.length === 1 && only !== undefined && !record.known.includes(only)) {
    return {
      primary: only,
      warning: `data source ${only} takes over the data of ${recorded}, this data directory's primary data source, which is not configured any more`,
    };
  }
  return {
    primary: recorded,
    warning:
      `data source ${recorded} holds this data directory's data under its databases' own names (recorded at its first start), ` +
      `and it is not configured: that data is not reachable, and ${serviceNames.join(", ")} ${serviceNames.length === 1 ? "keeps its" : "keep their"} data apart`,
  };
}

/**
 * The name a data source's database has in the store.
 * @param service - the data source
 * @param database - the database as requests name it
 * @param primary - the primary data source ({@link primaryService})
 */
export function storedDatabase(service: string, database: string, primary: string | undefined): string {
  return primary === undefined || service === primary ? database : `${database}${SEPARATOR}${service}`;
}

/**
 * The database a stored name is for a data source, or undefined if it belongs to another.
 * @param stored - a database name in the store
 * @param service - the data source
 * @param primary - the primary data source
 */
export function servedDatabase(stored: string, service: string, primary: string | undefined): string | undefined {
  const at = stored.lastIndexOf(SEPARATOR);
  if (primary === undefined || service === primary) return at < 0 ? stored : undefined;
  return at >= 0 && stored.slice(at + 1) === service ? stored.slice(0, at) : undefined;
}

/**
 * The database a stored name stands for in requests: the name itself for the primary data source,
 * else the part before the data source's separator (`$` cannot appear in a requested name).
 * @param stored - a database name in the store
 */
export function requestedDatabase(stored: string): string {
  const at = stored.lastIndexOf(SEPARATOR);
  return at < 0 ? stored : stored.slice(0, at);
}

/**
 * True for a database name requests may use (MongoDB refuses `$` and NUL in them).
 * @param database - the name
 */
export function isDatabaseName(database: string): boolean {
  return database.length > 0 && !/[$\0]/.test(database);
}

/** How the MongoDB service maps a data source's names to the store's and back ({@link sourceNaming}). */
export interface SourceNaming {
  /**
   * The call's normalised argument list with its namespace as the store names it (a copy). Any
   * object argument with a `database` counts (the arguments' parser keeps only known keys, so an
   * extra `_bsontype` key must not let a name through unmapped); a `database` that is not a string
   * is left for the parser to refuse.
   * @throws ServerError 400 `InvalidParameter` for a database name with `$` or NUL
   */
  inStore: (service: string, args: unknown[]) => unknown[];
  /** An error of a call on a data source's stored database, naming the database as the request did. */
  asRequested: (service: string, args: unknown[], err: ServerError) => ServerError;
  /** A change event of the store as the data source names it. */
  served: (service: string, event: ChangeEvent) => ChangeEvent;
}

/**
 * The name mapping of the data sources whose primary is `primary`.
 * @param primary - the primary data source ({@link primaryService})
 */
export function sourceNaming(primary: string | undefined): SourceNaming {
  return {
    inStore: (service, args) => {
      const [first, ...rest] = args;
      if (typeof first !== "object" || first === null || Array.isArray(first)) return args;
      const database = (first as { database?: unknown }).database;
      if (typeof database !== "string") return args;
      if (!isDatabaseName(database)) throw invalidParameter(`invalid database name ${JSON.stringify(database)}: it may not contain $`);
      if (service === primary) return args;
      return [{ ...(first as Record<string, unknown>), database: storedDatabase(service, database, primary) }, ...rest];
    },
    asRequested: (service, args, err) => {
      const database = (args[0] as { database?: unknown } | undefined)?.database;
      if (service === primary || typeof database !== "string") return err;
      const stored = storedDatabase(service, database, primary);
      return err.message.includes(stored) ? new ServerError(err.statusCode, err.errorCode, err.message.split(stored).join(database)) : err;
    },
    served: (service, event) =>
      service === primary
        ? event
        : { ...event, ns: { db: servedDatabase(event.ns.db, service, primary) ?? event.ns.db, coll: event.ns.coll } },
  };
}
