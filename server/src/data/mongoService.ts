/**
 * The MongoDB service: dispatches `functions/call` requests with a `service` to the collection
 * methods, and `watch` to the change feed.
 * @packageDocumentation
 */
import type { Database } from "better-sqlite3";
import { ServerError, type Caller, type ChangeEvent, type MongoService, type WatchArgs } from "../contracts.js";
import { isMethodName, parseArgs } from "./args.js";
import { isPlainObject, normalize, type Doc } from "./bsonValues.js";
import { ChangeFeed, DEFAULT_HISTORY } from "./changeFeed.js";
import { CollectionRegistry } from "./collection.js";
import { dispatch } from "./dispatch.js";
import { functionNotFound, invalidParameter, toServerError } from "./errors.js";
import { findOne } from "./readMethods.js";
import type { HistoryLimits } from "./resumeHistory.js";
import { SqliteDocs } from "./sqliteStore.js";
import { denyAllAccess, isUserCaller, type DataAccess } from "../rules/access.js";

/** Options of {@link createMongoService}. */
export interface MongoServiceOptions {
  /** An open better-sqlite3 database; the service creates and uses only its `docs` table. */
  db: Database;
  /** Service names that reach this store (e.g. `mongodb-atlas`); they all share the same data. */
  serviceNames: string[];
  /**
   * How application users (callers with a user that do not run as system) reach the data; system
   * callers always reach it directly. Default: no namespace at all (`denyAllAccess`).
   */
  access?: DataAccess;
  /** Bounds of the history kept for resuming watch streams; defaults in `DEFAULT_HISTORY` (changeFeed.ts). */
  resume?: Partial<HistoryLimits>;
}

/**
 * Creates the MongoDB service over an embedded, persisted document store (SQLite + mingo).
 * Methods run synchronously inside the returned promises, so calls and their change events are
 * totally ordered.
 * @param opts - the database and the service names
 * @returns the service (with `reset()`, which deletes every document and ends every watch
 * subscription), plus `close()` which drops every watch subscription and refuses later calls
 */
export function createMongoService(opts: MongoServiceOptions): MongoService & { reset(): void; serviceNames(): string[]; close(): void } {
  const defined = Object.fromEntries(Object.entries(opts.resume ?? {}).filter(([, v]) => v !== undefined));
  const feed = new ChangeFeed({ ...DEFAULT_HISTORY, ...defined });
  const reg = new CollectionRegistry(new SqliteDocs(opts.db), feed);
  const services = new Set(opts.serviceNames);
  const access = opts.access ?? denyAllAccess();
  const unsubscribers = new Set<() => void>();
  let closed = false;

  const checkService = (service: string): void => {
    if (closed) throw new ServerError(503, "ServiceUnavailable", "the MongoDB service is closed");
    if (!services.has(service)) throw new ServerError(404, "ServiceNotFound", `service not found: '${service}'`);
  };

  return {
    hasService: (service) => services.has(service),
    serviceNames: () => [...services],

    async call(service: string, name: string, args: unknown[], caller: Caller): Promise<unknown> {
      checkService(service);
      if (!isMethodName(name)) throw functionNotFound(name);
      try {
        // One normalisation at the boundary: copies, and Int32/Double wrappers become numbers.
        if (isUserCaller(caller)) return await access.call(reg, service, name, Array.isArray(args) ? args : [], caller);
        return dispatch(reg, name, Array.isArray(args) ? normalize(args) : args);
      } catch (err) {
        throw toServerError(err);
      }
    },

    watch(service: string, args: WatchArgs, onEvent: (event: ChangeEvent) => void, caller: Caller): () => void {
      checkService(service);
      if (!isPlainObject(args)) throw invalidParameter("watch: expected an argument object");
      if (typeof args.database !== "string" || args.database === "") throw invalidParameter("watch: database must be a non-empty string");
      if (typeof args.collection !== "string" || args.collection === "")
        throw invalidParameter("watch: collection must be a non-empty string");
      if (args.filter !== undefined && !isPlainObject(args.filter)) throw invalidParameter("watch: filter must be an object");
      if (args.resumeAfter !== undefined && typeof args.resumeAfter !== "string")
        throw invalidParameter("watch: resumeAfter must be a string");
      const resume = args.resumeAfter === undefined ? {} : { resumeAfter: args.resumeAfter };
      let subscribed = true;
      let off: () => void;
      if (!isUserCaller(caller)) {
        off = feed.subscribe(args.database, args.collection, { ids: args.ids, filter: args.filter, ...resume }, (event) => onEvent(event));
      } else {
        const guard = access.watch(service, args, caller);
        // Events pass the guard in commit order, even when a guard has to wait (e.g. for `%function`).
        let queue: Promise<void> = Promise.resolve();
        off = feed.subscribe(args.database, args.collection, { ...guard.selector, ...resume }, (event, change) => {
          queue = queue
            .then(() => guard.view(event, change.before, change.after))
            .then((seen) => {
              if (seen !== null && subscribed) onEvent(seen);
            })
            .catch(() => undefined);
        });
      }
      const unsubscribe = (): void => {
        subscribed = false;
        off();
        unsubscribers.delete(unsubscribe);
      };
      unsubscribers.add(unsubscribe);
      return unsubscribe;
    },

    async findOne(service: string, database: string, collection: string, filter: Record<string, unknown>): Promise<Doc | null> {
      checkService(service);
      try {
        return findOne(reg, parseArgs("findOne", [{ database, collection, query: filter }]));
      } catch (err) {
        throw toServerError(err);
      }
    },

    reset(): void {
      for (const off of [...unsubscribers]) off();
      reg.clear();
      feed.clearHistory();
    },

    close(): void {
      closed = true;
      for (const off of [...unsubscribers]) off();
    },
  };
}
