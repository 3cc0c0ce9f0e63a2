/**
 * Persistence of documents in SQLite: one row per document, the `_id` key being its canonical
 * EJSON and the body its BSON bytes, so every BSON type survives a restart exactly.
 * @packageDocumentation
 */
import type { Database, Statement } from "better-sqlite3";
import { fromBytes, type Doc } from "./bsonValues.js";

/** One write of a commit: a document to store under `key`, or `null` to delete it. */
export interface RowWrite {
  key: string;
  bytes: Uint8Array | null;
}

/** The SQLite side of the document store. Tables are prefixed `docs`. */
export class SqliteDocs {
  private readonly loadStmt: Statement<[string, string]>;
  private readonly putStmt: Statement<[{ db: string; coll: string; id: string; doc: Uint8Array }]>;
  private readonly delStmt: Statement<[string, string, string]>;
  private readonly clearStmt: Statement<[]>;
  private readonly namesStmt: Statement<[]>;
  private readonly commitTxn: (db: string, coll: string, writes: RowWrite[]) => void;
  private readonly commitManyTxn: (batches: { db: string; coll: string; writes: RowWrite[] }[]) => void;

  /**
   * Creates the `docs` table if needed.
   * @param sqlite - an open better-sqlite3 database (owned by the caller)
   */
  constructor(sqlite: Database) {
    sqlite.exec(`CREATE TABLE IF NOT EXISTS docs (
      db TEXT NOT NULL, coll TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, doc BLOB NOT NULL,
      PRIMARY KEY (db, coll, id)) WITHOUT ROWID`);
    sqlite.exec(`CREATE INDEX IF NOT EXISTS docs_order ON docs (db, coll, seq)`);
    this.loadStmt = sqlite.prepare("SELECT id, doc FROM docs WHERE db = ? AND coll = ? ORDER BY seq");
    // A replaced document keeps its seq, so natural order is insertion order, as in MongoDB.
    this.putStmt = sqlite.prepare(`INSERT INTO docs (db, coll, id, seq, doc)
      VALUES (@db, @coll, @id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM docs WHERE db = @db AND coll = @coll), @doc)
      ON CONFLICT (db, coll, id) DO UPDATE SET doc = excluded.doc`);
    this.delStmt = sqlite.prepare("DELETE FROM docs WHERE db = ? AND coll = ? AND id = ?");
    this.clearStmt = sqlite.prepare("DELETE FROM docs");
    this.namesStmt = sqlite.prepare("SELECT DISTINCT db, coll FROM docs ORDER BY db, coll");
    this.commitTxn = sqlite.transaction((db: string, coll: string, writes: RowWrite[]) => {
      for (const w of writes) {
        if (w.bytes) this.putStmt.run({ db, coll, id: w.key, doc: w.bytes });
        else this.delStmt.run(db, coll, w.key);
      }
    });
    this.commitManyTxn = sqlite.transaction((batches: { db: string; coll: string; writes: RowWrite[] }[]) => {
      for (const { db, coll, writes } of batches) this.commitTxn(db, coll, writes);
    });
  }

  /**
   * Reads every document of a collection in natural (insertion) order.
   * @param db - database name
   * @param coll - collection name
   */
  load(db: string, coll: string): Map<string, Doc> {
    const out = new Map<string, Doc>();
    for (const row of this.loadStmt.all(db, coll) as { id: string; doc: Uint8Array }[]) {
      out.set(row.id, fromBytes(row.doc));
    }
    return out;
  }

  /**
   * Applies writes in one transaction: all or nothing.
   * @param db - database name
   * @param coll - collection name
   * @param writes - puts and deletes
   */
  commit(db: string, coll: string, writes: RowWrite[]): void {
    if (writes.length > 0) this.commitTxn(db, coll, writes);
  }

  /**
   * Applies the writes of several commits, in order, in one transaction: all or nothing.
   * @param batches - each commit's collection and writes
   */
  commitMany(batches: { db: string; coll: string; writes: RowWrite[] }[]): void {
    if (batches.length > 0) this.commitManyTxn(batches);
  }

  /** The collections that hold documents, by database and name. */
  namespaces(): { db: string; coll: string }[] {
    return this.namesStmt.all() as { db: string; coll: string }[];
  }

  /** Deletes every stored document of every collection. */
  clear(): void {
    this.clearStmt.run();
  }
}
