/**
 * Change events for `watch`: built from committed mutations, delivered in commit order to the
 * subscribers of a collection, filtered by `ids` or by a MongoDB query on the event.
 * @packageDocumentation
 */
import { Query } from "./mingoOptions.js";
import type { ChangeEvent, ServerError } from "../contracts.js";
import { idKey, normalize, sameValue, type Doc } from "./bsonValues.js";
import { invalidParameter } from "./errors.js";
import { OrderedFilter } from "./orderedFilter.js";

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
}

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
  /** Receives every event of the collection, in commit order. */
  push(event: ChangeEvent, change: Mutation): void;
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
 * Subscriptions and event fan-out for every collection of a store. With a {@link FilterMatcher},
 * `filter`s are tested off the main thread after the commit, so a costly filter never slows a
 * write; without one (unit tests of the feed alone), they are tested in the commit.
 */
export class ChangeFeed {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private seq = 0;

  /** @param matcher - where `filter`s are tested */
  constructor(private readonly matcher?: FilterMatcher) {}

  /**
   * Subscribes to the changes of one collection.
   * @param db - database name
   * @param coll - collection name
   * @param selector - `ids` (matched against `documentKey._id`) or `filter` (a query on the event)
   * @param onEvent - called after each commit with the event and its change (synchronously, unless a
   * filter is tested off the main thread); exceptions are swallowed
   * @param onError - called once if the filter fails or runs over its limits; no event follows it
   * @returns the unsubscribe function
   * @throws ServerError `InvalidParameter` / `MongoDBError` if the filter is not a valid query
   */
  subscribe(db: string, coll: string, selector: WatchSelector, onEvent: ChangeListener, onError?: (err: ServerError) => void): () => void {
    const test = makeTest(selector);
    let sub: Subscriber;
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
      sub = { push: (event, change) => ordered.push({ event, change }) };
      stopFilter = () => {
        ordered.stop();
        compiled.close();
      };
    } else {
      sub = { push: (event, change) => safely(() => test(event) && onEvent(event, change)) };
    }
    const nsKey = `${db}\u0000${coll}`;
    let set = this.subscribers.get(nsKey);
    if (!set) this.subscribers.set(nsKey, (set = new Set()));
    set.add(sub);
    let open = true;
    const unsubscribe = (): void => {
      if (!open) return;
      open = false;
      set.delete(sub);
      if (set.size === 0 && this.subscribers.get(nsKey) === set) this.subscribers.delete(nsKey);
      stopFilter();
    };
    return unsubscribe;
  }

  /**
   * Publishes the events of one commit, in order.
   * @param db - database name
   * @param coll - collection name
   * @param mutations - what the commit changed
   */
  publish(db: string, coll: string, mutations: Mutation[]): void {
    const set = this.subscribers.get(`${db}\u0000${coll}`);
    if (!set || set.size === 0) return;
    for (const m of mutations) {
      const event = this.buildEvent(db, coll, m);
      for (const sub of [...set]) sub.push(event, m);
    }
  }

  private buildEvent(db: string, coll: string, m: Mutation): ChangeEvent {
    this.seq += 1;
    const image = m.after ?? m.before ?? {};
    const event: ChangeEvent = {
      _id: { _data: `${Date.now().toString(16).padStart(12, "0")}${this.seq.toString(16).padStart(12, "0")}` },
      operationType: m.kind,
      clusterTime: new Date(),
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
