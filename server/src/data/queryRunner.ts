/**
 * The main thread's side of query evaluation: sends a call to a query thread with the replica
 * updates that thread lacks, and commits the writes the call computed — provided none of the
 * documents they touch changed since the version the thread saw; otherwise the call runs again.
 * Watch filters are tested on the same threads.
 * @packageDocumentation
 */
import { ServerError } from "../contracts.js";
import type { UserCaller } from "../rules/access.js";
import { parseArgs, type ArgsOf, type MethodName } from "./args.js";
import { fromBytes } from "./bsonValues.js";
import type { Mutation } from "./changeFeed.js";
import type { CollectionRegistry, SyncPayload } from "./collection.js";
import type { EvalJob, EvalPool } from "./evalPool.js";
import {
  fromWire,
  pack,
  unpack,
  type EncodedResult,
  type EncodedWrites,
  type FromEval,
  type ResultLimits,
  type ToEval,
} from "./evalProtocol.js";
import { referencedCollections } from "./pipelineRefs.js";

/** How often a call whose writes met a concurrent change is run again before it fails. */
const ATTEMPTS = 5;

/** Options of {@link QueryRunner}. */
export interface QueryRunnerOptions {
  reg: CollectionRegistry;
  pool: EvalPool;
  /** Time limit of one evaluation. */
  timeoutMs: number;
  limits: ResultLimits;
  /** Runs a function for `%function` in rules, as the caller. */
  callFunction?: ((name: string, args: unknown[], caller: UserCaller) => Promise<unknown>) | undefined;
}

/** Runs calls and watch-filter tests on the query threads. */
export class QueryRunner {
  private nextFilterId = 1;

  /** @param opts - the collections, the pool, the limits */
  constructor(private readonly opts: QueryRunnerOptions) {}

  /**
   * Evaluates a call on a query thread and commits its writes.
   * @param service - the service name
   * @param name - the method
   * @param args - the `arguments` array as sent
   * @param caller - an application user (rules apply), or undefined for the system
   * @returns the method's result
   * @throws ServerError `MongoDBError` 400 for failing queries and for a query over the time or memory
   * limit, `InvalidParameter` for bad arguments, 409 `WriteConflict` if the documents kept changing
   */
  async call(service: string, name: MethodName, args: unknown[], caller: UserCaller | undefined): Promise<unknown> {
    const a = parseArgs(name, args);
    const names = new Set([a.collection]);
    // `$lookup`, `$graphLookup` and `$unionWith` read other collections of the database (refused
    // for users under rules, who never reach them).
    if (name === "aggregate") {
      for (const n of referencedCollections((a as ArgsOf<"aggregate">).pipeline)) names.add(n);
    }
    const packedArgs = pack(args);
    const packedCaller = caller === undefined ? undefined : pack(caller);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const reply = await this.submit((thread, id) => {
        const syncs: SyncPayload[] = [];
        for (const coll of names) {
          const c = this.opts.reg.get(a.database, coll);
          // keyed by namespace, so that the collections replaced since do not pile up
          const ns = `${a.database}\u0000${coll}`;
          const known = thread.synced.get(ns);
          const sync = c.syncFrom(known?.id === c.id ? known.version : undefined);
          if (sync !== null) {
            syncs.push(sync);
            thread.synced.set(ns, { id: c.id, version: sync.version });
          }
        }
        return {
          type: "run",
          id,
          method: name,
          args: packedArgs,
          ...(packedCaller === undefined ? {} : { caller: packedCaller }),
          service,
          syncs,
          limits: this.opts.limits,
        };
      }, caller);
      if (reply.type !== "done") throw new ServerError(500, "InternalServerError", "unexpected reply of a query thread");
      if (reply.error !== undefined) throw fromWire(reply.error);
      const result = decodeResult(reply.result);
      if (reply.writes === undefined || this.commit(reply.writes)) return result;
    }
    throw new ServerError(409, "WriteConflict", "the documents changed while the write was computed; try again");
  }

  /**
   * Tests a watch filter on change events, on a query thread.
   * @param filterId - from {@link newFilterId} (the thread keeps the compiled filter)
   * @param filter - the filter
   * @param events - the events
   * @returns one boolean per event
   * @throws ServerError `MongoDBError` 400 for an invalid filter or one over the time or memory limit
   */
  async match(filterId: number, filter: Uint8Array, events: unknown[]): Promise<boolean[]> {
    const packed = events.map((e) => pack(e));
    const reply = await this.submit((_thread, id) => ({ type: "match", id, filterId, filter, events: packed }), undefined);
    if (reply.type !== "matched") throw new ServerError(500, "InternalServerError", "unexpected reply of a query thread");
    if (reply.error !== undefined) throw fromWire(reply.error);
    return reply.matches ?? [];
  }

  /** A new id for a watch filter. */
  newFilterId(): number {
    return this.nextFilterId++;
  }

  /**
   * Lets the threads drop a compiled filter.
   * @param filterId - the filter's id
   */
  forgetFilter(filterId: number): void {
    this.opts.pool.broadcast({ type: "forgetFilter", filterId });
  }

  private submit(
    build: (thread: Parameters<EvalJob["build"]>[0], id: number) => ToEval,
    caller: UserCaller | undefined,
  ): Promise<FromEval> {
    const run = this.opts.callFunction;
    return new Promise((resolve, reject) => {
      this.opts.pool.submit({
        build,
        timeoutMs: this.opts.timeoutMs,
        resolve,
        reject,
        ...(caller === undefined || run === undefined ? {} : { callFunction: (name: string, args: unknown[]) => run(name, args, caller) }),
      });
    });
  }

  /** Commits computed writes if their documents are unchanged; false if the call must run again. */
  private commit(writes: EncodedWrites): boolean {
    const coll = this.opts.reg.get(writes.db, writes.coll);
    const keys = writes.mutations.map((m) => m.key);
    if (coll.id !== writes.id || !coll.unchangedSince(keys, writes.version)) return false;
    const mutations: Mutation[] = writes.mutations.map((m) => ({
      kind: m.kind,
      key: m.key,
      before: coll.get(m.key) ?? null,
      after: m.bytes === null ? null : fromBytes(m.bytes),
      ...(m.changedPaths === undefined ? {} : { changedPaths: m.changedPaths }),
    }));
    coll.commit(mutations);
    return true;
  }
}

function decodeResult(result: EncodedResult | undefined): unknown {
  if (result === undefined) return null;
  if ("list" in result) return result.list.map((bytes) => fromBytes(bytes));
  return unpack(result.value);
}
