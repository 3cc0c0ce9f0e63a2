/**
 * The collections a query thread evaluates calls on: replicas of the main thread's collections,
 * kept in step by {@link SyncPayload}s, and per-call views that record the writes a call makes
 * instead of applying them (the main thread commits them).
 * @packageDocumentation
 */
import { fromBytes, type Doc } from "./bsonValues.js";
import type { Mutation } from "./changeFeed.js";
import type { DocCollection, DocRegistry, SyncPayload } from "./collection.js";

/** A copy of one collection at some version. */
export class ReplicaCollection {
  private byKey = new Map<string, Doc>();
  private list: Doc[] | null = null;
  /** The version of the main thread's collection this copy equals. */
  version = 0;

  /** @param id - the main thread's collection id */
  constructor(readonly id: number) {}

  /**
   * Brings the copy to `sync.version`.
   * @param sync - every document, or the writes missed since this copy's version
   */
  apply(sync: SyncPayload): void {
    if (sync.full) this.byKey = new Map();
    for (const w of sync.writes) {
      if (w.bytes === null) this.byKey.delete(w.key);
      else this.byKey.set(w.key, fromBytes(w.bytes));
    }
    this.version = sync.version;
    this.list = null;
  }

  /** The documents in natural order (shared). */
  docs(): Doc[] {
    this.list ??= [...this.byKey.values()];
    return this.list;
  }

  /**
   * The document with that identity key.
   * @param key - identity key
   */
  get(key: string): Doc | undefined {
    return this.byKey.get(key);
  }
}

/** One collection during one call: reads the replica, records commits. */
export class RecordingCollection implements DocCollection {
  /** What the call committed, or null if it committed nothing. */
  recorded: Mutation[] | null = null;

  /**
   * @param db - database name
   * @param name - collection name
   * @param replica - the copy read
   */
  constructor(
    readonly db: string,
    readonly name: string,
    readonly replica: ReplicaCollection,
  ) {}

  docs(): Doc[] {
    return this.replica.docs();
  }

  get(key: string): Doc | undefined {
    return this.replica.get(key);
  }

  commit(mutations: Mutation[]): void {
    if (mutations.length > 0) {
      const recorded = (this.recorded ??= []);
      for (const mutation of mutations) recorded.push(mutation);
    }
  }
}

/** The namespace key of a collection. */
export function nsKey(db: string, coll: string): string {
  return `${db}\u0000${coll}`;
}

/** The replicas of one thread, by namespace. */
export class ReplicaSet {
  private readonly replicas = new Map<string, ReplicaCollection>();

  /**
   * Applies a sync (a replica of another collection id under the same name is replaced).
   * @param sync - from the main thread
   */
  apply(sync: SyncPayload): void {
    const ns = nsKey(sync.db, sync.coll);
    let replica = this.replicas.get(ns);
    if (replica === undefined || replica.id !== sync.id) this.replicas.set(ns, (replica = new ReplicaCollection(sync.id)));
    replica.apply(sync);
  }

  /** A registry for one call: every collection it touches is recorded. */
  registry(): DocRegistry & { views: Map<string, RecordingCollection> } {
    const views = new Map<string, RecordingCollection>();
    return {
      views,
      get: (db: string, coll: string): RecordingCollection => {
        const ns = nsKey(db, coll);
        let view = views.get(ns);
        if (view === undefined) {
          // A collection the main thread did not send has no documents.
          const replica = this.replicas.get(ns) ?? new ReplicaCollection(0);
          views.set(ns, (view = new RecordingCollection(db, coll, replica)));
        }
        return view;
      },
    };
  }
}
