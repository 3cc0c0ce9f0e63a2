/**
 * One collection: its documents in memory (loaded lazily from SQLite) and a write-through
 * commit that persists a batch of mutations atomically, then updates memory, then emits events.
 * @packageDocumentation
 */
import { toBytes, type Doc } from "./bsonValues.js";
import type { ChangeFeed, Mutation } from "./changeFeed.js";
import type { RowWrite, SqliteDocs } from "./sqliteStore.js";

/** An in-memory collection backed by the `docs` table. */
export class Collection {
  private cachedList: Doc[] | null = null;

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
   * their change events. If persistence fails nothing changes and the error is rethrown.
   * @param mutations - changes, each already computed on a private copy of the document
   */
  commit(mutations: Mutation[]): void {
    if (mutations.length === 0) return;
    const writes: RowWrite[] = mutations.map((m) => ({ key: m.key, bytes: m.after ? toBytes(m.after) : null }));
    this.sqlite.commit(this.db, this.name, writes);
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
    this.feed.publish(this.db, this.name, mutations);
  }
}

/** All collections of one store, created on first use. */
export class CollectionRegistry {
  private readonly collections = new Map<string, Collection>();

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
      c = new Collection(db, coll, this.sqlite.load(db, coll), this.sqlite, this.feed);
      this.collections.set(key, c);
    }
    return c;
  }

  /** Deletes every document of every collection, on disk and in memory (no change events). */
  clear(): void {
    this.sqlite.clear();
    this.collections.clear();
  }
}
