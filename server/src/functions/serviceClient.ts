/**
 * `context.services.get(name).db(d).collection(c)` for functions: the MongoDB service's methods
 * with Node driver-like signatures, each forwarding to {@link MongoService.call}.
 * @packageDocumentation
 */
import type { Caller, MongoService } from "../contracts.js";

type Obj = Record<string, unknown>;

/** Options of `updateOne`/`updateMany`. */
export interface UpdateOptions {
  upsert?: boolean;
  arrayFilters?: Obj[];
}

/** Options of the `findOneAnd*` methods. */
export interface FindAndModifyOptions {
  sort?: Obj;
  projection?: Obj;
  upsert?: boolean;
  returnNewDocument?: boolean;
}

/** A lazy `find` result: awaitable (resolves to the array) and with `toArray`, `sort`, `limit`. */
export interface FindCursor extends PromiseLike<Obj[]> {
  sort(sort: Obj): FindCursor;
  limit(limit: number): FindCursor;
  toArray(): Promise<Obj[]>;
}

/** A collection as functions see it. */
export interface FunctionCollection {
  find(query?: Obj, projection?: Obj): FindCursor;
  findOne(query?: Obj, projection?: Obj, options?: { sort?: Obj }): Promise<Obj | null>;
  count(query?: Obj, options?: { limit?: number }): Promise<number>;
  countDocuments(query?: Obj, options?: { limit?: number }): Promise<number>;
  aggregate(pipeline: Obj[]): FindCursor;
  insertOne(document: Obj): Promise<{ insertedId: unknown }>;
  insertMany(documents: Obj[]): Promise<{ insertedIds: unknown[] }>;
  updateOne(query: Obj, update: Obj | Obj[], options?: UpdateOptions): Promise<unknown>;
  updateMany(query: Obj, update: Obj | Obj[], options?: UpdateOptions): Promise<unknown>;
  deleteOne(query?: Obj): Promise<{ deletedCount: number }>;
  deleteMany(query?: Obj): Promise<{ deletedCount: number }>;
  findOneAndUpdate(filter: Obj, update: Obj | Obj[], options?: FindAndModifyOptions): Promise<Obj | null>;
  findOneAndReplace(filter: Obj, replacement: Obj, options?: FindAndModifyOptions): Promise<Obj | null>;
  findOneAndDelete(filter?: Obj, options?: { sort?: Obj; projection?: Obj }): Promise<Obj | null>;
}

/** `context.services.get(name)`. */
export interface FunctionServiceClient {
  db(name: string): { collection(name: string): FunctionCollection };
}

function cursor(run: (extra: Obj) => Promise<unknown>, extra: Obj = {}): FindCursor {
  const toArray = (): Promise<Obj[]> => run(extra) as Promise<Obj[]>;
  return {
    sort: (sort) => cursor(run, { ...extra, sort }),
    limit: (limit) => cursor(run, { ...extra, limit }),
    toArray,
    then: (onFulfilled, onRejected) => toArray().then(onFulfilled, onRejected),
  };
}

function collection(mongo: MongoService, service: string, caller: Caller, database: string, coll: string): FunctionCollection {
  const call = (name: string, arg: Obj): Promise<unknown> => mongo.call(service, name, [{ database, collection: coll, ...arg }], caller);
  const call1 = <T>(name: string, arg: Obj): Promise<T> => call(name, arg) as Promise<T>;
  return {
    find: (query = {}, project) => cursor((extra) => call("find", { query, project, ...extra })),
    findOne: (query = {}, project, options) => call1("findOne", { query, project, sort: options?.sort }),
    count: (query = {}, options) => call1("count", { query, limit: options?.limit }),
    countDocuments: (query = {}, options) => call1("count", { query, limit: options?.limit }),
    aggregate: (pipeline) =>
      cursor((extra) => {
        const tail = [
          ...(extra.sort ? [{ $sort: extra.sort }] : []),
          ...(typeof extra.limit === "number" ? [{ $limit: extra.limit }] : []),
        ];
        return call("aggregate", { pipeline: [...pipeline, ...tail] });
      }),
    insertOne: (document) => call1("insertOne", { document }),
    insertMany: (documents) => call1("insertMany", { documents }),
    updateOne: (query, update, options) => call("updateOne", { query, update, ...options }),
    updateMany: (query, update, options) => call("updateMany", { query, update, ...options }),
    deleteOne: (query = {}) => call1("deleteOne", { query }),
    deleteMany: (query = {}) => call1("deleteMany", { query }),
    findOneAndUpdate: (filter, update, options) => call1("findOneAndUpdate", { filter, update, ...options }),
    findOneAndReplace: (filter, update, options) => call1("findOneAndReplace", { filter, update, ...options }),
    findOneAndDelete: (filter = {}, options) => call1("findOneAndDelete", { filter, ...options }),
  };
}

/**
 * The client of one MongoDB service for a function call.
 * @param mongo - the MongoDB service
 * @param service - the service name
 * @param caller - who is calling (passed on to the service)
 * @throws Error "service not found" if `service` is not configured
 */
export function serviceClient(mongo: MongoService, service: string, caller: Caller): FunctionServiceClient {
  if (!mongo.hasService(service)) throw new Error(`service not found: '${service}'`);
  return { db: (database) => ({ collection: (coll) => collection(mongo, service, caller, database, coll) }) };
}
