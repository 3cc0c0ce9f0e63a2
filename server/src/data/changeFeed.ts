/**
 * Change events for `watch`: built from committed mutations, delivered in commit order to the
 * subscribers of a collection, filtered by `ids` or by a MongoDB query on the event. Recent events
 * are kept for a bounded window, so a stream can resume after the last event it received.
 * @packageDocumentation
 */
import { randomBytes } from "node:crypto";
import { calculateObjectSize, Timestamp } from "bson";
import { ServerError, type ChangeEvent } from "../contracts.js";
import { idKey, normalize, sameValue, type Doc } from "./bsonValues.js";
import { invalidParameter } from "./errors.js";
import { Query } from "./mingoOptions.js";
import { OrderedFilter } from "./orderedFilter.js";
import { ResumeHistory, type HistoryLimits, type KeptEvent } from "./resumeHistory.js";

/** A committed change of one document. */
export interface Mutation {
  kind: "insert" | "update" | "replace" | "delete";
  /** identity key of the document (see `idKey`) */
  key: string;
  before: Doc | null;
  after: Doc | null;
  /** paths changed by an operator update (from mingo); computed by a diff when absent */
  changedPaths?: string[];
}

/** What a subscriber wants to see. */
export interface WatchSelector {
  ids?: unknown[];
  filter?: Record<string, unknown>;
  /** Resume after this event (its `_id._data`, also its SSE id): the events since are delivered first. */
  resumeAfter?: string;
}

/** Default bounds of the resume history. */
export const DEFAULT_HISTORY: HistoryLimits = { maxEvents: 10_000, maxAgeMs: 300_000, maxBytes: 64 * 1024 * 1024 };

/** Receives an event, with the committed change it was built from (its before and after images). */
export type ChangeListener = (event: ChangeEvent, change: Mutation) => void;

/** Tests a watch filter off the main thread (see `QueryRunner.match`). */
export interface FilterMatcher {
  /**
   * Opens a compiled filter.
   * @param filter - a query on change events (already validated)
   * @returns its batch test, and `close` to release it
   */
  open(filter: Doc): { test(events: ChangeEvent[]): Promise<boolean[]>; close(): void };
}

interface Subscriber {
  /** Receives every event of the collection, in commit order (its filter applied). */
  push(event: ChangeEvent, change: Mutation): void;
  /** Events replayed on resume and not yet delivered; later events wait behind them. */
  pending: [ChangeEvent, Mutation][] | undefined;
  closed: boolean;
}

function readPath(doc: unknown, path: string): { found: boolean; value?: unknown } {
  let cur: unknown = doc;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object" || !(part in cur)) return { found: false };
    cur = (cur as Record<string, unknown>)[part];
  }
  return { found: true, value: cur };
}

function topLevelDiff(before: Doc, after: Doc): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !(k in before) || !(k in after) || !sameValue(before[k], after[k]));
}

/**
 * Builds `updateDescription` from the changed paths of an update.
 * @param before - the pre-image
 * @param after - the post-image
 * @param paths - changed paths, or undefined to diff top-level fields
 */
export function describeUpdate(before: Doc, after: Doc, paths: string[] | undefined): NonNullable<ChangeEvent["updateDescription"]> {
  const updatedFields: Record<string, unknown> = {};
  const removedFields: string[] = [];
  for (const path of paths ?? topLevelDiff(before, after)) {
    const { found, value } = readPath(after, path);
    if (found) updatedFields[path] = normalize(value);
    else removedFields.push(path);
  }
  return { updatedFields, removedFields };
}

/**
 * Subscriptions, event fan-out and resume history for every collection of a store. With a
 * {@link FilterMatcher}, `filter`s are tested off the main thread after the commit, so a costly
 * filter never slows a write; without one (unit tests of the feed alone), they are tested in the commit.
 */
export class ChangeFeed {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  /** Listeners of every collection of a database (database triggers), by database. */
  private readonly databaseListeners = new Map<string, Set<ChangeListener>>();
  /** Random per feed: resume tokens of another server run are not ours. */
  private readonly instance = randomBytes(4).toString("hex");
  /** The sequence number of the last change (its event built or not). */
  private seq = 0;
  private readonly history: ResumeHistory<Mutation>;

  /**
   * @param matcher - where `filter`s are tested (default: in the commit)
   * @param history - bounds of the resume history
   */
  constructor(
    private readonly matcher?: FilterMatcher,
    history: HistoryLimits = DEFAULT_HISTORY,
  ) {
    this.history = new ResumeHistory(history);
  }

  /**
   * Subscribes to the changes of one collection.
   * @param db - database name
   * @param coll - collection name
   * @param selector - `ids` (matched against `documentKey._id`) or `filter` (a query on the event),
   * and `resumeAfter`
   * @param onEvent - called after each commit with the event and its change (synchronously, unless a
   * filter is tested off the main thread); exceptions are swallowed. Events replayed for
   * `resumeAfter` come first, from a later macrotask (never inside this call).
   * @param onError - called once if the filter fails or runs over its limits; no event follows it
   * @returns the unsubscribe function
   * @throws ServerError `InvalidParameter` / `MongoDBError` if the filter is not a valid query;
   * 400 `ChangeStreamHistoryLost` if `resumeAfter` is unknown or older than the kept history
   */
  subscribe(db: string, coll: string, selector: WatchSelector, onEvent: ChangeListener, onError?: (err: ServerError) => void): () => void {
    const nsKey = nsOf(db, coll);
    const test = makeTest(selector);
    const backlog = selector.resumeAfter === undefined ? [] : this.backlog(nsKey, selector.resumeAfter);
    let push: Subscriber["push"];
    let stopFilter = (): void => undefined;
    if (selector.ids === undefined && selector.filter !== undefined && this.matcher !== undefined) {
      const compiled = this.matcher.open(normalize(selector.filter));
      const ordered = new OrderedFilter<{ event: ChangeEvent; change: Mutation }>(
        (items) => compiled.test(items.map((i) => i.event)),
        (item) => safely(() => onEvent(item.event, item.change)),
        (err) => {
          unsubscribe();
          safely(() => onError?.(err));
        },
      );
      push = (event, change) => ordered.push({ event, change });
      stopFilter = () => {
        ordered.stop();
        compiled.close();
      };
    } else {
      push = (event, change) => safely(() => test(event) && onEvent(event, change));
    }
    const sub: Subscriber = { push, pending: undefined, closed: false };
    let set = this.subscribers.get(nsKey);
    if (!set) this.subscribers.set(nsKey, (set = new Set()));
    set.add(sub);
    this.history.markWatched(nsKey, this.seq);
    if (backlog.length > 0) {
      sub.pending = backlog.map((k) => [k.event, k.change]);
      setImmediate(() => {
        const replay = sub.pending ?? [];
        sub.pending = undefined;
        for (const [event, change] of replay) deliver(sub, event, change);
      });
    }
    const unsubscribe = (): void => {
      if (sub.closed) return;
      sub.closed = true;
      sub.pending = undefined;
      set.delete(sub);
      if (set.size === 0 && this.subscribers.get(nsKey) === set) this.subscribers.delete(nsKey);
      stopFilter();
      // the stream may reconnect: keep this collection's events for the resume window
      this.history.markWatched(nsKey, this.seq);
    };
    return unsubscribe;
  }

  /**
   * Publishes the events of one commit, in order. Events are built while the collection has
   * subscribers or had some within the resume window; other changes only advance the sequence.
   * @param db - database name
   * @param coll - collection name
   * @param mutations - what the commit changed
   */
  publish(db: string, coll: string, mutations: Mutation[]): void {
    const nsKey = nsOf(db, coll);
    const set = this.subscribers.get(nsKey);
    const live = set !== undefined && set.size > 0;
    const keep = live || this.history.wanted(nsKey);
    const listeners = this.databaseListeners.get(db);
    if (!keep && (listeners === undefined || listeners.size === 0)) {
      this.seq += mutations.length;
      this.history.skip(nsKey, this.seq);
      return;
    }
    if (live) this.history.markWatched(nsKey, this.seq);
    for (const m of mutations) {
      const event = this.buildEvent(db, coll, m);
      if (keep) this.history.record(nsKey, { seq: this.seq, event, change: m, bytes: approximateBytes(m) });
      if (live) for (const sub of [...set]) deliver(sub, event, m);
      if (listeners !== undefined) for (const listener of [...listeners]) safely(() => listener(event, m));
    }
    if (!keep) this.history.skip(nsKey, this.seq);
  }

  /**
   * Listens to the changes of every collection of a database (no filter, no resume), each event
   * with its change, synchronously after each commit; exceptions are swallowed.
   * @param db - database name
   * @param listener - receives the events
   * @returns the unsubscribe function
   */
  subscribeDatabase(db: string, listener: ChangeListener): () => void {
    let set = this.databaseListeners.get(db);
    if (!set) this.databaseListeners.set(db, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.databaseListeners.get(db) === set) this.databaseListeners.delete(db);
    };
  }

  /** Forgets the resume history (after the store was wiped): older resume points are refused. */
  clearHistory(): void {
    this.history.clear();
  }

  private backlog(nsKey: string, token: string): KeptEvent<Mutation>[] {
    const match = /^([0-9a-f]{8})[0-9a-f]{12}([0-9a-f]{12})$/.exec(token);
    const kept = match?.[1] === this.instance && match[2] !== undefined ? this.history.since(nsKey, Number.parseInt(match[2], 16)) : null;
    if (kept === null) {
      throw new ServerError(
        400,
        "ChangeStreamHistoryLost",
        "cannot resume the watch stream: the events after its last event are no longer kept; watch again",
      );
    }
    return kept;
  }

  private buildEvent(db: string, coll: string, m: Mutation): ChangeEvent {
    this.seq += 1;
    const image = m.after ?? m.before ?? {};
    const now = Date.now();
    const event: ChangeEvent = {
      // instance, time and sequence: the resume token (also the event's SSE id)
      _id: { _data: `${this.instance}${now.toString(16).padStart(12, "0")}${this.seq.toString(16).padStart(12, "0")}` },
      operationType: m.kind,
      // as MongoDB's: a Timestamp (seconds and an ordinal), and the wall-clock time as a Date
      clusterTime: new Timestamp({ t: Math.floor(now / 1000), i: this.seq % 0xffffffff || 1 }),
      wallTime: new Date(now),
      ns: { db, coll },
      documentKey: { _id: normalize(image._id) },
    };
    if (m.kind !== "delete" && m.after) event.fullDocument = normalize(m.after);
    if (m.kind === "update" && m.before && m.after) {
      event.updateDescription = describeUpdate(m.before, m.after, m.changedPaths);
    }
    return event;
  }
}

function nsOf(db: string, coll: string): string {
  return `${db}\u0000${coll}`;
}

/** What a kept event holds on to: its change's images and the event's copy of the new one. */
function approximateBytes(m: Mutation): number {
  const size = (doc: Doc | null): number => {
    if (doc === null) return 0;
    try {
      return calculateObjectSize(doc);
    } catch {
      return 1024;
    }
  };
  return size(m.before) + 2 * size(m.after) + 256;
}

function deliver(sub: Subscriber, event: ChangeEvent, change: Mutation): void {
  if (sub.closed) return;
  if (sub.pending !== undefined) {
    sub.pending.push([event, change]);
    return;
  }
  sub.push(event, change);
}

function safely(f: () => unknown): void {
  try {
    f();
  } catch {
    // A throwing listener (or a filter failing on one event) must not break the store.
  }
}

function makeTest(selector: WatchSelector): (event: ChangeEvent) => boolean {
  if (selector.ids !== undefined) {
    if (!Array.isArray(selector.ids)) throw invalidParameter("watch: 'ids' must be an array");
    const keys = new Set(selector.ids.map((id) => idKey(normalize(id))));
    return (event) => keys.has(idKey(event.documentKey._id));
  }
  if (selector.filter !== undefined) {
    let query: Query;
    try {
      query = new Query(normalize(selector.filter), {});
    } catch (err) {
      throw invalidParameter(`watch: invalid filter: ${(err as Error).message}`);
    }
    return (event) => query.test(event as unknown as Record<string, unknown>);
  }
  return () => true;
}
