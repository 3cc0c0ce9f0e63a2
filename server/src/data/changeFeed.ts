/**
 * Change events for `watch`: built from committed mutations, delivered in commit order to the
 * subscribers of a collection, filtered by `ids` or by a MongoDB query on the event.
 * @packageDocumentation
 */
import { Query } from "mingo";
import type { ChangeEvent } from "../contracts.js";
import { idKey, normalize, sameValue, type Doc } from "./bsonValues.js";
import { invalidParameter } from "./errors.js";

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

interface Subscriber {
  test: (event: ChangeEvent) => boolean;
  onEvent: ChangeListener;
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

/** Subscriptions and event fan-out for every collection of a store. */
export class ChangeFeed {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private seq = 0;

  /**
   * Subscribes to the changes of one collection.
   * @param db - database name
   * @param coll - collection name
   * @param selector - `ids` (matched against `documentKey._id`) or `filter` (a query on the event)
   * @param onEvent - called synchronously after each commit, with the event and its change; exceptions are swallowed
   * @returns the unsubscribe function
   * @throws ServerError `InvalidParameter` / `MongoDBError` if the filter is not a valid query
   */
  subscribe(db: string, coll: string, selector: WatchSelector, onEvent: ChangeListener): () => void {
    const sub: Subscriber = { test: makeTest(selector), onEvent };
    const nsKey = `${db}\u0000${coll}`;
    let set = this.subscribers.get(nsKey);
    if (!set) this.subscribers.set(nsKey, (set = new Set()));
    set.add(sub);
    return () => {
      set.delete(sub);
      if (set.size === 0 && this.subscribers.get(nsKey) === set) this.subscribers.delete(nsKey);
    };
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
      for (const sub of [...set]) deliver(sub, event, m);
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

function deliver(sub: Subscriber, event: ChangeEvent, change: Mutation): void {
  try {
    if (sub.test(event)) sub.onEvent(event, change);
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
