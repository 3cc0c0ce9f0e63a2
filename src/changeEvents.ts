/**
 * The change events `collection.watch()` yields, as a union discriminated on `operationType`
 * (the shapes realm-web's types give them), so `if (e.operationType === "insert") e.fullDocument`
 * type-checks.
 * @packageDocumentation
 */
import type { Long, Timestamp } from "bson";

/**
 * The `_id` type of documents of type `T` (`unknown` when `T` declares none; `any` for `any`, the
 * documents of an untyped collection, as realm-web's `T["_id"]` gives).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any in, any out (`0 extends 1 & T` holds for `any` only)
export type IdOf<T> = 0 extends 1 & T ? any : T extends { _id: infer Id } ? Id : unknown;

/** The database and collection an event happened in. */
export interface ChangeNamespace {
  db: string;
  coll: string;
}

/** The fields every change event has. */
export interface BaseChangeEvent<Op extends string> {
  /** The resume token of the event. */
  _id: unknown;
  operationType: Op;
  /** When the change was committed (seconds and an ordinal). */
  clusterTime: Timestamp;
  /** When the change was committed, as a Date (MongoDB 6 and realm-tabs-server send it). */
  wallTime?: Date;
  txnNumber?: Long;
  lsid?: Record<string, unknown>;
}

/** The `_id` (and shard key fields) of the changed document. */
export type DocumentKey<Id> = { _id: Id } & Record<string, unknown>;

/** What an update changed. */
export interface UpdateDescription {
  updatedFields: Record<string, unknown>;
  removedFields: string[];
}

/** A document was inserted. */
export interface InsertEvent<T> extends BaseChangeEvent<"insert"> {
  ns: ChangeNamespace;
  documentKey: DocumentKey<IdOf<T>>;
  fullDocument: T;
}
/** A document was updated (`fullDocument` only with the `updateLookup` option). */
export interface UpdateEvent<T> extends BaseChangeEvent<"update"> {
  ns: ChangeNamespace;
  documentKey: DocumentKey<IdOf<T>>;
  updateDescription: UpdateDescription;
  fullDocument?: T;
}
/** A document was replaced. */
export interface ReplaceEvent<T> extends BaseChangeEvent<"replace"> {
  ns: ChangeNamespace;
  documentKey: DocumentKey<IdOf<T>>;
  fullDocument: T;
}
/** A document was deleted. */
export interface DeleteEvent<T> extends BaseChangeEvent<"delete"> {
  ns: ChangeNamespace;
  documentKey: DocumentKey<IdOf<T>>;
}
/** The collection was dropped. */
export interface DropEvent extends BaseChangeEvent<"drop"> {
  ns: ChangeNamespace;
}
/** The collection was renamed. */
export interface RenameEvent extends BaseChangeEvent<"rename"> {
  ns: ChangeNamespace;
  to: ChangeNamespace;
}
/** The database was dropped. */
export interface DropDatabaseEvent extends BaseChangeEvent<"dropDatabase"> {
  ns: Omit<ChangeNamespace, "coll">;
}
/** The stream can no longer continue. */
export type InvalidateEvent = BaseChangeEvent<"invalidate">;

/** A change event of a collection of documents of type `T`, discriminated on `operationType`. */
export type ChangeEvent<T = Record<string, unknown>> =
  InsertEvent<T> | UpdateEvent<T> | ReplaceEvent<T> | DeleteEvent<T> | DropEvent | RenameEvent | DropDatabaseEvent | InvalidateEvent;
