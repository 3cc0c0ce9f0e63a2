/**
 * One collection: its documents in memory (loaded lazily from SQLite) and a write-through
 * commit that persists a batch of mutations atomically, then updates memory, then emits events.
 * Each commit raises the collection's version and is kept in a bounded log, so that the replicas
 * of query threads catch up with the writes they missed instead of copying the whole collection.
 * @packageDocumentation
 */
import { storedBytes, toBytes, type Doc } from "./bsonValues.js";
import type { ChangeFeed, Mutation } from "./changeFeed.js";
import type { RowWrite, SqliteDocs } from "./sqliteStore.js";

/** What the method handlers need of a collection (the stored one, a replica, a user's staged view). */
export interface DocCollection {
  readonly db: string;
  readonly name: string;
  /** The documents in natural order (shared: never mutate them). */
  docs(): Doc[];
  /** The document with that identity key, if any (shared: never mutate it). */
  get(key: string): Doc | undefined;
  /** Commits (or records) changes computed on private copies of documents. */
  commit(mutations: Mutation[]): void;
}

/** What the method handlers need of a set of collections. */
export interface DocRegistry {
  /** The collection `db.coll` (empty if it has no documents). */
  get(db: string, coll: string): DocCollection;
}

/** What a replica at some version needs to reach the current version of a collection. */
export interface SyncPayload {
  db: string;
  coll: string;
  /** The collection's identity: a replica of another id (a collection reset away) is dropped. */
  id: number;
  /** The version the replica has after applying this. */
  version: number;
  /** True: `writes` are every document (the replica starts empty); false: the missed writes in order. */
  full: boolean;
  writes: RowWrite[];
}

/** The log keeps at most this many writes... */
const LOG_MAX_WRITES = 4096;
/** ...and this many bytes; a replica further behind gets the whole collection. */
const LOG_MAX_BYTES = 32 * 1024 * 1024;

let nextCollectionId = 1;

/** An in-memory collection backed by the `docs` table. */
export class Collection implements DocCollection {
  /** Unique in the process. */
  readonly id = nextCollectionId++;
  /** Raised by each commit. */
  version = 0;
  private cachedList: Doc[] | null = null;
  /** The version that last wrote each key (absent: not written since loading, i.e. version 0). */
  private readonly writtenAt = new Map<string, number>();
  private readonly log: { version: number; writes: RowWrite[]; bytes: number }[] = [];
  private logWrites = 0;
  private logBytes = 0;

  /**
   * @param db - database name
   * @param name - collection name
   * @param byKey - the documents by identity key, in natural order
   * @param sqlite - persistence
   * @param feed - change-event fan-out
   */
  constructor(
    readonly db: string,
    readonly name: string,
    private readonly byKey: Map<string, Doc>,
    private readonly sqlite: SqliteDocs,
    private readonly feed: ChangeFeed,
    private readonly deferred: () => DeferredCommit[] | undefined = () => undefined,
  ) {}

  /** The documents in natural order. Shared with the store: never mutate them. */
  docs(): Doc[] {
    this.cachedList ??= [...this.byKey.values()];
    return this.cachedList;
  }

  /**
   * The stored document with that identity key, if any (shared: do not mutate).
   * @param key - identity key (see `idKey`)
   */
  get(key: string): Doc | undefined {
    return this.byKey.get(key);
  }

  /**
   * Persists the mutations in one SQLite transaction, applies them to memory and publishes
   * their change events. If persistence fails nothing changes and the error is rethrown. In a
   * transaction (see {@link CollectionRegistry.defer}), only memory changes: persistence and
   * events wait for the transaction's commit.
   * @param mutations - changes, each already computed on a private copy of the document
   */
  commit(mutations: Mutation[]): void {
    if (mutations.length === 0) return;
    const writes: RowWrite[] = mutations.map((m) => ({ key: m.key, bytes: m.after ? storedBytes(m.after) : null }));
    const deferred = this.deferred();
    if (deferred === undefined) this.sqlite.commit(this.db, this.name, writes);
    else deferred.push({ collection: this, writes, mutations });
    let structural = false;
    for (const m of mutations) {
      const replaced = this.byKey.get(m.key);
      if (m.after) this.byKey.set(m.key, m.after);
      else this.byKey.delete(m.key);
      if (m.after && replaced && this.cachedList) {
        // An update keeps the document's place: patch the cached list instead of rebuilding it.
        const index = this.cachedList.indexOf(replaced);
        if (index >= 0) this.cachedList[index] = m.after;
        else structural = true;
      } else {
        structural = true;
      }
    }
    if (structural) this.cachedList = null;
    this.version += 1;
    for (const m of mutations) this.writtenAt.set(m.key, this.version);
    this.appendLog(writes);
    if (deferred === undefined) this.feed.publish(this.db, this.name, mutations);
  }

  /**
   * Publishes the change events of a commit made in a transaction, once the transaction committed.
   * @param mutations - what the commit changed
   */
  publish(mutations: Mutation[]): void {
    this.feed.publish(this.db, this.name, mutations);
  }

  /**
   * What a replica at version `known` needs to reach the current version, or null if nothing.
   * @param known - the replica's version, or undefined if it has none
   */
  syncFrom(known: number | undefined): SyncPayload | null {
    if (known === this.version) return null;
    const head = { db: this.db, coll: this.name, id: this.id, version: this.version };
    const first = this.log[0];
    if (known !== undefined && known < this.version && first !== undefined && first.version <= known + 1) {
      return { ...head, full: false, writes: this.log.filter((c) => c.version > known).flatMap((c) => c.writes) };
    }
    return { ...head, full: true, writes: [...this.byKey].map(([key, doc]) => ({ key, bytes: toBytes(doc) })) };
  }

  /**
   * True if none of these keys was written after version `base` (the version a computation saw).
   * @param keys - identity keys of the documents a computation wrote
   * @param base - the version it saw
   */
  unchangedSince(keys: string[], base: number): boolean {
    return base === this.version || keys.every((key) => (this.writtenAt.get(key) ?? 0) <= base);
  }

  private appendLog(writes: RowWrite[]): void {
    const bytes = writes.reduce((n, w) => n + (w.bytes?.byteLength ?? 0), 0);
    this.log.push({ version: this.version, writes, bytes });
    this.logWrites += writes.length;
    this.logBytes += bytes;
    while (this.log.length > 1 && (this.logWrites > LOG_MAX_WRITES || this.logBytes > LOG_MAX_BYTES)) {
      const dropped = this.log.shift();
      if (dropped === undefined) break;
      this.logWrites -= dropped.writes.length;
      this.logBytes -= dropped.bytes;
    }
  }
}

/** A commit made in a transaction: applied to memory, not yet persisted nor published. */
export interface DeferredCommit {
  collection: Collection;
  writes: RowWrite[];
  mutations: Mutation[];
}

/** All collections of one store, created on first use. */
export class CollectionRegistry implements DocRegistry {
  private readonly collections = new Map<string, Collection>();
  /** The commits of the transaction in progress, if one is. */
  private deferredCommits: DeferredCommit[] | undefined;

  /**
   * @param sqlite - persistence
   * @param feed - change-event fan-out
   */
  constructor(
    private readonly sqlite: SqliteDocs,
    readonly feed: ChangeFeed,
  ) {}

  /**
   * The collection `db.coll`, loading it from SQLite on first access.
   * @param db - database name
   * @param coll - collection name
   */
  get(db: string, coll: string): Collection {
    const key = `${db}\u0000${coll}`;
    let c = this.collections.get(key);
    if (!c) {
      c = this.load(db, coll);
      this.collections.set(key, c);
    }
    return c;
  }

  private load(db: string, coll: string): Collection {
    return new Collection(db, coll, this.sqlite.load(db, coll), this.sqlite, this.feed, () => this.deferredCommits);
  }

  /**
   * Starts a transaction: from now on, commits change memory only (every caller then sees them,
   * so the caller must keep other calls out until {@link persist} or {@link undo}).
   * @throws Error if a transaction is already in progress
   */
  defer(): void {
    // (a transaction left behind, which cannot happen, would be undone rather than joined)
    this.undo();
    this.deferredCommits = [];
  }

  /**
   * Commits the transaction: its commits are persisted in one SQLite transaction, then their change
   * events published in order. If persistence fails, the transaction is undone and the error rethrown.
   */
  persist(): void {
    const commits = this.deferredCommits;
    if (commits === undefined) return;
    try {
      this.sqlite.commitMany(commits.map((c) => ({ db: c.collection.db, coll: c.collection.name, writes: c.writes })));
    } catch (err) {
      this.undo();
      throw err;
    }
    this.deferredCommits = undefined;
    for (const c of commits) {
      try {
        c.collection.publish(c.mutations);
      } catch {
        // persisted: a listener's failure does not undo it (the feed keeps listeners apart already)
      }
    }
  }

  /**
   * Undoes the transaction: each collection it wrote is dropped from memory, to be read again from
   * SQLite, which the transaction never reached, on its next use (as a new collection: query
   * threads drop their replicas of the old one).
   */
  undo(): void {
    const commits = this.deferredCommits;
    if (commits === undefined) return;
    this.deferredCommits = undefined;
    for (const { db, name } of new Set(commits.map((c) => c.collection))) this.collections.delete(`${db}\u0000${name}`);
  }

  /**
   * The collection `db.coll` as committed: the live one, unless the transaction in progress wrote
   * it, then a copy read from SQLite.
   * @param db - database name
   * @param coll - collection name
   */
  committed(db: string, coll: string): DocCollection {
    const live = this.get(db, coll);
    if (this.deferredCommits?.some((c) => c.collection === live) !== true) return live;
    return new Collection(db, coll, this.sqlite.load(db, coll), this.sqlite, this.feed);
  }

  /** The collections that hold documents. */
  namespaces(): { db: string; coll: string }[] {
    return this.sqlite.namespaces();
  }

  /** Deletes every document of every collection, on disk and in memory (no change events). */
  clear(): void {
    this.deferredCommits = undefined;
    this.sqlite.clear();
    this.collections.clear();
  }
}
