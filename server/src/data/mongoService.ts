/**
 * The MongoDB service: dispatches `functions/call` requests with a `service` to the collection
 * methods, and `watch` to the change feed. Calls are evaluated on query threads (see
 * `queryRunner.ts`) under a time and a heap limit, so that no query can hold the main thread's
 * event loop or crash the process — except those whose cost is linear by construction
 * (`linearCalls.ts`), which run here without the round trip.
 * @packageDocumentation
 */
import type { Database } from "better-sqlite3";
import { ServerError, type Caller, type ChangeEvent, type MongoService, type WatchArgs } from "../contracts.js";
import { isMethodName, parseArgs } from "./args.js";
import { checkResultDepth } from "./bsonValues.js";
import { isDatabaseName, primaryService, servedDatabase, sourceNaming, storedDatabase } from "./dataSources.js";
import { isPlainObject, normalize, type Doc } from "./bsonValues.js";
import { ChangeFeed, DEFAULT_HISTORY, type FilterMatcher } from "./changeFeed.js";
import { CollectionRegistry } from "./collection.js";
import { dispatch } from "./dispatch.js";
import { functionNotFound, invalidParameter, toServerError } from "./errors.js";
import { EvalPool } from "./evalPool.js";
import { pack } from "./evalProtocol.js";
import { OrderedFilter } from "./orderedFilter.js";
import { refuseOutputStage } from "./outputStagesSpec.js";
import { isLinearCall, linearQuery } from "./linearCalls.js";
import { Query } from "./mingoOptions.js";
import { QueryRunner } from "./queryRunner.js";
import { capResult } from "./resultCaps.js";
import { findOne } from "./readMethods.js";
import type { HistoryLimits } from "./resumeHistory.js";
import { SqliteDocs } from "./sqliteStore.js";
import { TransactionCoordinator } from "./transactions.js";
import { DEFAULT_LIMITS, type Limits } from "../limits.js";
import { denyAllAccess, isUserCaller, type DataAccess } from "../rules/access.js";
import { RulesAccess } from "../rules/enforcer.js";

/** Options of {@link createMongoService}. */
export interface MongoServiceOptions {
  /** An open better-sqlite3 database; the service creates and uses only its `docs` table. */
  db: Database;
  /** Service names that reach this store (e.g. `mongodb-atlas`), each with its own data. */
  serviceNames: string[];
  /** The data source whose databases keep their own names in the store (default: see `primaryService`). */
  primaryService?: string | undefined;
  /**
   * How application users (callers with a user that do not run as system) reach the data; system
   * callers always reach it directly. Default: no namespace at all (`denyAllAccess`).
   */
  access?: DataAccess;
  /** Bounds of the history kept for resuming watch streams; defaults in `DEFAULT_HISTORY` (changeFeed.ts). */
  resume?: Partial<HistoryLimits>;
  /** How long a function's transaction may hold the store (default 60 s): then it is aborted. */
  transactionLifetimeMs?: number | undefined;
  /** Query evaluation limits (default: `DEFAULT_LIMITS`). */
  limits?: Partial<Pick<Limits, "queryTimeoutMs" | "queryMemoryMb" | "queryThreads" | "maxResultDocuments" | "maxResultBytes">>;
}

/**
 * Creates the MongoDB service over an embedded, persisted document store (SQLite + mingo).
 * Methods run synchronously inside the returned promises, so calls and their change events are
 * totally ordered.
 * @param opts - the database and the service names
 * @returns the service (with `reset()`, which deletes every document and ends every watch
 * subscription), plus `close()` which drops every watch subscription, refuses later calls and
 * resolves once the query threads have ended
 */
export function createMongoService(
  opts: MongoServiceOptions,
): MongoService & { reset(): void; serviceNames(): string[]; close(): Promise<void>; queryThreads(): number } {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const defined = Object.fromEntries(Object.entries(opts.resume ?? {}).filter(([, v]) => v !== undefined));
  const access = opts.access ?? denyAllAccess();
  const pool = new EvalPool({ memoryMb: limits.queryMemoryMb, maxThreads: limits.queryThreads, access: access.spec });
  // Filters are tested after the write has been answered: linear ones here (in a later turn of
  // the event loop), the others on a query thread.
  const matcher: FilterMatcher = {
    open(filter) {
      if (linearQuery(filter)) {
        const query = new Query(filter, {});
        const test = (events: ChangeEvent[]): Promise<boolean[]> =>
          new Promise((resolve, reject) =>
            setImmediate(() => {
              try {
                resolve(events.map((e) => query.test(e as unknown as Doc)));
              } catch (err) {
                reject(toServerError(err));
              }
            }),
          );
        return { test, close: () => undefined };
      }
      const id = runner.newFilterId();
      const packed = pack(filter);
      return { test: (events) => runner.match(id, packed, events), close: () => runner.forgetFilter(id) };
    },
  };
  const feed = new ChangeFeed(matcher, { ...DEFAULT_HISTORY, ...defined });
  const reg = new CollectionRegistry(new SqliteDocs(opts.db), feed);
  const resultLimits = { maxDocuments: limits.maxResultDocuments, maxBytes: limits.maxResultBytes };
  const transactions = new TransactionCoordinator(reg, opts.transactionLifetimeMs ?? 60_000);
  const runner: QueryRunner = new QueryRunner({
    reg,
    pool,
    timeoutMs: limits.queryTimeoutMs,
    limits: resultLimits,
    callFunction: access instanceof RulesAccess ? (name, args, caller) => access.runFunction(name, args, caller) : undefined,
  });
  const services = new Set(opts.serviceNames);
  const primary = opts.primaryService ?? primaryService(opts.serviceNames);
  const { inStore, asRequested, served } = sourceNaming(primary);
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
      if (name === "aggregate") refuseOutputStage(args, { user: isUserCaller(caller), transaction: caller.transaction !== undefined });
      const requested = Array.isArray(args) ? args : [];
      // a transaction runs alone: see transactions.ts
      return transactions.run(
        caller.transaction,
        caller.nested === true,
        async () => {
          try {
            // One normalisation at the boundary: copies, and Int32/Double wrappers become numbers (and
            // a BSON symbol a string); the namespace is mapped after it, on what the handlers will read.
            const normalized = Array.isArray(args) ? inStore(service, normalize<unknown[]>(args)) : [];
            // Calls whose cost is linear by construction run here; the others on a query thread.
            // A policy that cannot run on a thread (a test double) runs here too.
            const inline = isLinearCall(name, normalized);
            if (isUserCaller(caller)) {
              if (inline || access.spec === undefined || access.mode === "deny") {
                return withinNesting(name, capResult(await access.call(reg, service, name, normalized, caller), resultLimits));
              }
              return await runner.call(service, name, normalized, caller);
            }
            if (inline) return withinNesting(name, capResult(dispatch(reg, name, Array.isArray(args) ? normalized : args), resultLimits));
            return await runner.call(service, name, normalized, undefined);
          } catch (err) {
            throw asRequested(service, requested, toServerError(err));
          }
        },
        typeof caller.deadline === "number" ? caller.deadline : undefined,
      );
    },

    transaction(op: "commit" | "abort", transaction: string): Promise<void> {
      return op === "commit" ? transactions.commit(transaction) : transactions.abort(transaction);
    },

    watch(
      service: string,
      args: WatchArgs,
      onEvent: (event: ChangeEvent, before?: Doc | null) => void,
      caller: Caller,
      onError?: (err: ServerError) => void,
    ): () => void {
      checkService(service);
      if (!isPlainObject(args)) throw invalidParameter("watch: expected an argument object");
      if (typeof args.database !== "string" || args.database === "") throw invalidParameter("watch: database must be a non-empty string");
      if (typeof args.collection !== "string" || args.collection === "")
        throw invalidParameter("watch: collection must be a non-empty string");
      if (args.filter !== undefined && !isPlainObject(args.filter)) throw invalidParameter("watch: filter must be an object");
      if (args.resumeAfter !== undefined && typeof args.resumeAfter !== "string")
        throw invalidParameter("watch: resumeAfter must be a string");
      if (!isDatabaseName(args.database))
        throw invalidParameter(`invalid database name ${JSON.stringify(args.database)}: it may not contain $`);
      const database = storedDatabase(service, args.database, primary);
      const resume = args.resumeAfter === undefined ? {} : { resumeAfter: args.resumeAfter };
      let subscribed = true;
      let off: () => void;
      const fail = (err: ServerError): void => {
        if (!subscribed) return;
        unsubscribe();
        onError?.(err);
      };
      if (!isUserCaller(caller)) {
        off = feed.subscribe(
          database,
          args.collection,
          { ids: args.ids, filter: args.filter, ...resume },
          (event, change) => onEvent(served(service, event), change.before),
          fail,
        );
      } else {
        const guard = access.watch(service, { ...args, database }, caller);
        // The stream's filter is tested off the write path, after the rules reduced the event.
        const compiled = guard.filter === undefined ? undefined : matcher.open(guard.filter);
        const filtered =
          compiled === undefined
            ? undefined
            : new OrderedFilter<ChangeEvent>(
                (events) => compiled.test(events),
                (event) => onEvent(event),
                fail,
              );
        // Events pass the guard in commit order, even when a guard has to wait (e.g. for `%function`).
        let queue: Promise<void> = Promise.resolve();
        const offFeed = feed.subscribe(
          database,
          args.collection,
          { ...guard.selector, ...resume },
          (event, change) => {
            queue = queue
              .then(() => guard.view(event, change.before, change.after))
              .then((seen) => {
                if (seen === null || !subscribed) return;
                if (filtered === undefined) onEvent(served(service, seen));
                else filtered.push(served(service, seen));
              })
              .catch(() => undefined);
          },
          fail,
        );
        off = () => {
          offFeed();
          filtered?.stop();
          compiled?.close();
        };
      }
      const unsubscribe = (): void => {
        if (!subscribed) return;
        subscribed = false;
        off();
        unsubscribers.delete(unsubscribe);
      };
      unsubscribers.add(unsubscribe);
      return unsubscribe;
    },

    namespaces(service: string): Promise<{ database: string; collection: string }[]> {
      checkService(service);
      return Promise.resolve(
        reg.namespaces().flatMap(({ db, coll }) => {
          const database = servedDatabase(db, service, primary);
          return database === undefined ? [] : [{ database, collection: coll }];
        }),
      );
    },

    watchDatabase(service: string, database: string, onEvent: (event: ChangeEvent, before: Doc | null) => void): () => void {
      checkService(service);
      if (typeof database !== "string" || database === "") throw invalidParameter("watch: database must be a non-empty string");
      if (!isDatabaseName(database)) throw invalidParameter(`invalid database name ${JSON.stringify(database)}: it may not contain $`);
      const off = feed.subscribeDatabase(storedDatabase(service, database, primary), (event, change) =>
        onEvent(served(service, event), change.before),
      );
      const unsubscribe = (): void => {
        off();
        unsubscribers.delete(unsubscribe);
      };
      unsubscribers.add(unsubscribe);
      return unsubscribe;
    },

    async findOne(service: string, database: string, collection: string, filter: Record<string, unknown>): Promise<Doc | null> {
      checkService(service);
      // not queued behind a transaction (a login would wait for it): it reads committed documents
      try {
        const committed = { get: (db: string, coll: string) => reg.committed(db, coll) };
        return findOne(
          committed,
          parseArgs("findOne", [{ database: storedDatabase(service, database, primary), collection, query: filter }]),
        );
      } catch (err) {
        throw toServerError(err);
      }
    },

    reset(): void {
      for (const off of [...unsubscribers]) off();
      reg.clear();
      transactions.reset();
      feed.clearHistory();
    },

    async close(): Promise<void> {
      closed = true;
      transactions.close();
      for (const off of [...unsubscribers]) off();
      await pool.close();
    },

    queryThreads: () => pool.threads,
  };
}

/**
 * A result of a call run on the main thread, checked as query threads check theirs (see
 * `checkResultDepth`). Only a pipeline can build a value deeper than the stored documents (a
 * `$project` to a dotted path, a `$group` that pushes documents), so other calls skip the walk.
 */
function withinNesting<T>(name: string, result: T): T {
  if (name === "aggregate") checkResultDepth(result);
  return result;
}
