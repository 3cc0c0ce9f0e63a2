/**
 * `user.mongoClient(service).db(name).collection(name)`: each method is a `functions/call` on the
 * service with the argument object realm-web and realm-js v12 send (see docs/sdk-surface.md).
 * BSON values travel as canonical EJSON both ways.
 * @packageDocumentation
 */
import { nonEmptyString as name, watchSelector } from "./protocol/args.js";
import { RealmTabsError } from "./protocol/errors.js";
import { loadOnDemand, onFirstUse } from "./protocol/deadline.js";
import type { ChangeEvent, RuntimeCall } from "./watch.js";
import type { IdOf } from "./changeEvents.js";

/** A document. */
export type Document = Record<string, unknown>;
/** A filter (query) document. */
export type Filter = Record<string, unknown>;
/** An update document or pipeline. */
export type Update = Record<string, unknown> | Record<string, unknown>[];

/** Options of `find`. */
export interface FindOptions {
  projection?: Document;
  sort?: Document;
  limit?: number;
}
/** Options of `findOne`. */
export interface FindOneOptions {
  projection?: Document;
  sort?: Document;
}
/** Options of `findOneAndUpdate`/`findOneAndReplace`. */
export interface FindOneAndModifyOptions {
  projection?: Document;
  sort?: Document;
  upsert?: boolean;
  returnNewDocument?: boolean;
}
/** Options of `updateOne`/`updateMany`. */
export interface UpdateOptions {
  upsert?: boolean;
  arrayFilters?: Filter[];
}
/** Result of `insertOne`. */
export interface InsertOneResult<Id = unknown> {
  insertedId: Id;
}
/** Result of `insertMany`. */
export interface InsertManyResult<Id = unknown> {
  insertedIds: Id[];
}
/** Result of `updateOne`/`updateMany`. */
export interface UpdateResult<Id = unknown> {
  matchedCount: number;
  modifiedCount: number;
  upsertedId?: Id;
}
/** A document to insert: `_id` may be left out (the server assigns an ObjectId), as realm-web's `NewDocument`. */
export type NewDocument<T> = Omit<T, "_id"> & Partial<Pick<T, "_id" & keyof T>>;
/** Result of `deleteOne`/`deleteMany`. */
export interface DeleteResult {
  deletedCount: number;
}
/** Options of `watch`: ids of documents, or a filter on the change events, or neither. */
export type WatchOptions = { ids: unknown[]; filter?: never } | { filter: Filter; ids?: never } | Record<string, never>;

function plainObject(value: unknown, what: string): Document {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RealmTabsError("invalid-argument", `${what} must be an object`, { retryable: false });
  }
  return value as Document;
}

/** The collection methods that are one function call on the service. */
export type CollectionMethod =
  | "find"
  | "findOne"
  | "findOneAndUpdate"
  | "findOneAndReplace"
  | "findOneAndDelete"
  | "aggregate"
  | "count"
  | "insertOne"
  | "insertMany"
  | "updateOne"
  | "updateMany"
  | "deleteOne"
  | "deleteMany";

/** Calls a function of the service: canonical EJSON arguments in, EJSON out. */
type ServiceFunctionCall = (fn: string, argsEJSON: string) => Promise<string>;

/** The methods' code (mongoOps.ts), loaded on the first call; a failed load is tried again next time. */
const loadOps = onFirstUse(() => import("./mongoOps.js"), "the MongoDB client");

/**
 * One collection. Every method validates its arguments first: a bad filter or document rejects
 * with `invalid-argument` and sends nothing. The methods' code is loaded on the first call of one.
 * @typeParam T - the documents' type
 */
export class MongoDBCollection<T = Document> {
  /** @internal Built by {@link MongoDBDatabase.collection}. */
  constructor(
    private readonly callService: ServiceFunctionCall,
    private readonly watchCall: RuntimeCall,
    private readonly userId: string,
    /** The service name. */ readonly serviceName: string,
    /** The database name. */ readonly databaseName: string,
    /** The collection name. */ readonly name: string,
  ) {}

  private async run<R>(method: CollectionMethod, ...args: unknown[]): Promise<R> {
    return (await loadOps()).runCollectionMethod(this.callService, this, method, args) as Promise<R>;
  }

  /** Documents matching `filter` (`projection` travels as `project`). @throws {RealmTabsError} `invalid-argument`, `timeout` or `network` (its code not loaded) */
  find(filter: Filter = {}, options: FindOptions = {}): Promise<T[]> {
    return this.run("find", filter, options);
  }

  /** The first matching document, or null. @throws {RealmTabsError} `invalid-argument` */
  findOne(filter: Filter = {}, options: FindOneOptions = {}): Promise<T | null> {
    return this.run("findOne", filter, options);
  }

  /** Updates the first match; returns it (before the update unless `returnNewDocument`). @throws {RealmTabsError} `invalid-argument` */
  findOneAndUpdate(filter: Filter, update: Update, options: FindOneAndModifyOptions = {}): Promise<T | null> {
    return this.run("findOneAndUpdate", filter, update, options);
  }

  /** Replaces the first match. @throws {RealmTabsError} `invalid-argument` */
  findOneAndReplace(filter: Filter, replacement: NewDocument<T>, options: FindOneAndModifyOptions = {}): Promise<T | null> {
    return this.run("findOneAndReplace", filter, replacement, options);
  }

  /** Deletes the first match and returns it (sent as `findOneAndDelete`, as realm-js v12 does). @throws {RealmTabsError} `invalid-argument` */
  findOneAndDelete(filter: Filter = {}, options: FindOneOptions = {}): Promise<T | null> {
    return this.run("findOneAndDelete", filter, options);
  }

  /** Runs an aggregation pipeline. @throws {RealmTabsError} `invalid-argument` */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- realm-web's result type: stages change the documents' shape
  aggregate(pipeline: Document[]): Promise<any> {
    return this.run("aggregate", pipeline);
  }

  /** Counts matching documents. @throws {RealmTabsError} `invalid-argument` */
  count(filter: Filter = {}, options: { limit?: number } = {}): Promise<number> {
    return this.run("count", filter, options);
  }

  /** Inserts one document. @throws {RealmTabsError} `invalid-argument` */
  insertOne(document: NewDocument<T>): Promise<InsertOneResult<IdOf<T>>> {
    return this.run("insertOne", document);
  }

  /** Inserts documents. @throws {RealmTabsError} `invalid-argument` */
  insertMany(documents: NewDocument<T>[]): Promise<InsertManyResult<IdOf<T>>> {
    return this.run("insertMany", documents);
  }

  /** Updates the first match. @throws {RealmTabsError} `invalid-argument` */
  updateOne(filter: Filter, update: Update, options: UpdateOptions = {}): Promise<UpdateResult<IdOf<T>>> {
    return this.run("updateOne", filter, update, options);
  }

  /** Updates every match. @throws {RealmTabsError} `invalid-argument` */
  updateMany(filter: Filter, update: Update, options: UpdateOptions = {}): Promise<UpdateResult<IdOf<T>>> {
    return this.run("updateMany", filter, update, options);
  }

  /** Deletes the first match. @throws {RealmTabsError} `invalid-argument` */
  deleteOne(filter: Filter = {}): Promise<DeleteResult> {
    return this.run("deleteOne", filter);
  }

  /** Deletes every match. @throws {RealmTabsError} `invalid-argument` */
  deleteMany(filter: Filter = {}): Promise<DeleteResult> {
    return this.run("deleteMany", filter);
  }

  /**
   * Change events of this collection (all, those of `ids`, or those matching `filter`). The
   * session runtime shares one server stream between every tab watching the same thing.
   * @example
   * for await (const change of collection.watch({ filter: { operationType: "insert" } })) console.log(change.fullDocument);
   * @throws {RealmTabsError} `invalid-argument` for bad options, `watch-closed` when the user logs out
   */
  watch(options: WatchOptions = {}): AsyncGenerator<ChangeEvent<T>, undefined, unknown> {
    const o = plainObject(options, "watch options") as { ids?: unknown; filter?: unknown };
    if (o.ids !== undefined && !Array.isArray(o.ids))
      throw new RealmTabsError("invalid-argument", "ids must be an array", { retryable: false });
    const filter = o.filter === undefined ? undefined : plainObject(o.filter, "filter");
    watchSelector(o.ids, filter);
    return lazyWatch(async () =>
      (await loadOnDemand(() => import("./watch.js"), "the watch code")).watchCollection<T>(this.watchCall, this.userId, (codec) => ({
        service: this.serviceName,
        database: this.databaseName,
        collection: this.name,
        ...(o.ids === undefined ? {} : { idsEJSON: codec.encodeCanonical(o.ids, "the watched ids") }),
        ...(filter === undefined ? {} : { filterEJSON: codec.encodeCanonical(filter, "the watch filter") }),
      })),
    );
  }
}

/**
 * A watch whose code (watch.ts) is loaded on the first `next()`; `return()` before that starts
 * nothing, and `return()` while a `next()` waits for an event ends the watch at once (an async
 * generator function would queue it behind the pending `next()`).
 * @throws {RealmTabsError} as `watchCollection`, and `network` if its code cannot be loaded
 */
function lazyWatch<T>(
  open: () => Promise<AsyncGenerator<ChangeEvent<T>, undefined, unknown>>,
): AsyncGenerator<ChangeEvent<T>, undefined, unknown> {
  return new LazyWatch(open);
}

type Watch<T> = AsyncGenerator<ChangeEvent<T>, undefined, unknown>;

class LazyWatch<T> implements Watch<T> {
  private inner: Promise<Watch<T>> | undefined;
  private ended = false;

  constructor(private readonly open: () => Promise<Watch<T>>) {}

  private opened(): Promise<Watch<T>> {
    this.inner ??= this.open().catch((cause: unknown) => {
      if (cause instanceof RealmTabsError) throw cause;
      throw new RealmTabsError("network", `the watch code could not be loaded: ${String(cause)}`, { cause, retryable: true });
    });
    return this.inner;
  }

  async next(): Promise<IteratorResult<ChangeEvent<T>, undefined>> {
    if (this.ended) return { value: undefined, done: true };
    return (await this.opened()).next();
  }

  async return(): Promise<IteratorResult<ChangeEvent<T>, undefined>> {
    this.ended = true;
    const inner = await this.inner?.catch(() => undefined);
    await inner?.return(undefined);
    return { value: undefined, done: true };
  }

  async throw(e: unknown): Promise<IteratorResult<ChangeEvent<T>, undefined>> {
    this.ended = true;
    const inner = await this.inner?.catch(() => undefined);
    if (inner === undefined) throw e;
    return inner.throw(e);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** One database of a service. */
export class MongoDBDatabase {
  /** @internal */
  constructor(
    private readonly make: (db: string, coll: string) => MongoDBCollection<Document>,
    /** The database name. */ readonly name: string,
  ) {}

  /**
   * A collection. Its documents are of type `T`; without one, `any`, as realm-web types them, so
   * code written for realm-web's untyped collections compiles unchanged (give a type to have the
   * results checked). Bound, as realm-web's: `const { collection } = db` works.
   * @throws {RealmTabsError} `invalid-argument` for an empty name
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- realm-web's default: `collection<T extends Document = any>`
  readonly collection = <T = any>(collectionName: string): MongoDBCollection<T> =>
    this.make(this.name, name(collectionName, "collection name")) as unknown as MongoDBCollection<T>;
}

/** The client of one MongoDB service, as `user.mongoClient(serviceName)` returns it. */
export class MongoDBClient {
  /** @internal */
  constructor(
    private readonly make: (db: string, coll: string) => MongoDBCollection<Document>,
    /** The service name. */ readonly serviceName: string,
  ) {}

  /**
   * A database. Bound, as realm-web's: `const { db } = user.mongoClient(service)` works.
   * @throws {RealmTabsError} `invalid-argument` for an empty name
   */
  readonly db = (databaseName: string): MongoDBDatabase => new MongoDBDatabase(this.make, name(databaseName, "database name"));
}

/**
 * Builds the client of `serviceName` for a user.
 * @param callFunction - calls a function on a service and returns canonical EJSON
 * @throws {RealmTabsError} `invalid-argument` for an empty service name
 */
export function createMongoClient(
  callFunction: (fn: string, argsEJSON: string, service: string) => Promise<string>,
  watchCall: RuntimeCall,
  userId: string,
  serviceName: string,
): MongoDBClient {
  const service = name(serviceName, "service name");
  const callService: ServiceFunctionCall = (fn, argsEJSON) => callFunction(fn, argsEJSON, service);
  return new MongoDBClient((db, coll) => new MongoDBCollection(callService, watchCall, userId, service, db, coll), service);
}
