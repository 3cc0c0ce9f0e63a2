/**
 * `context.services.get(name).db(d).collection(c)` for functions: the MongoDB service's methods
 * with Node driver-like signatures, each forwarding to {@link MongoService.call}.
 * @packageDocumentation
 */
import type { Caller, MongoService } from "../contracts.js";
import { bulkWrite } from "./bulkWrite.js";
import { createCursor, shapeStages, type FindCursor } from "./cursor.js";
import { distinctValues } from "./distinct.js";
import { callerWithSession, startSession, withoutSession, type FunctionSession } from "./session.js";

export type { FindCursor } from "./cursor.js";
export type { FunctionSession } from "./session.js";

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

/** The options every method takes: `session`, to make the operation part of its transaction. */
export interface SessionOption {
  session?: FunctionSession;
}

/** A collection as functions see it. */
export interface FunctionCollection {
  find(query?: Obj, projection?: Obj, options?: SessionOption): FindCursor;
  findOne(query?: Obj, projection?: Obj, options?: { sort?: Obj } & SessionOption): Promise<Obj | null>;
  count(query?: Obj, options?: { limit?: number } & SessionOption): Promise<number>;
  countDocuments(query?: Obj, options?: { limit?: number } & SessionOption): Promise<number>;
  aggregate(pipeline: Obj[], options?: SessionOption): FindCursor;
  distinct(field: string, query?: Obj, options?: SessionOption): Promise<unknown[]>;
  bulkWrite(operations: Obj[], options?: { ordered?: boolean } & SessionOption): Promise<null>;
  insertOne(document: Obj, options?: SessionOption): Promise<{ insertedId: unknown }>;
  insertMany(documents: Obj[], options?: SessionOption): Promise<{ insertedIds: unknown[] }>;
  updateOne(query: Obj, update: Obj | Obj[], options?: UpdateOptions & SessionOption): Promise<unknown>;
  updateMany(query: Obj, update: Obj | Obj[], options?: UpdateOptions & SessionOption): Promise<unknown>;
  deleteOne(query?: Obj, options?: SessionOption): Promise<{ deletedCount: number }>;
  deleteMany(query?: Obj, options?: SessionOption): Promise<{ deletedCount: number }>;
  findOneAndUpdate(filter: Obj, update: Obj | Obj[], options?: FindAndModifyOptions & SessionOption): Promise<Obj | null>;
  findOneAndReplace(filter: Obj, replacement: Obj, options?: FindAndModifyOptions & SessionOption): Promise<Obj | null>;
  findOneAndDelete(filter?: Obj, options?: { sort?: Obj; projection?: Obj } & SessionOption): Promise<Obj | null>;
}

/** `context.services.get(name).db(name)`. */
export interface FunctionDatabase {
  collection(name: string): FunctionCollection;
  /**
   * The names of the database's collections that hold documents (system functions only).
   * @throws Error (as a rejection) in a function that runs as an application user
   */
  getCollectionNames(): Promise<string[]>;
}

/** `context.services.get(name)`. */
export interface FunctionServiceClient {
  db(name: string): FunctionDatabase;
  /** `getDBNames()`: the names of the databases that hold documents (system functions only). */
  admin(): { getDBNames(): Promise<string[]> };
  /**
   * A client session, for transactions (`session.withTransaction(…)`; each operation of the
   * transaction is given `{ session }`).
   * @throws Error if the service runs no transactions
   */
  startSession(): FunctionSession;
}

function collection(mongo: MongoService, service: string, caller: Caller, database: string, coll: string): FunctionCollection {
  // an operation given `{ session }` is part of the session's transaction, if one is in progress
  const call = (name: string, arg: Obj, options?: unknown): Promise<unknown> =>
    mongo.call(service, name, [{ database, collection: coll, ...arg }], callerWithSession(caller, options));
  const call1 = <T>(name: string, arg: Obj, options?: unknown): Promise<T> => call(name, arg, options) as Promise<T>;
  const methods: Omit<FunctionCollection, "bulkWrite"> = {
    find: (query = {}, project, options) =>
      createCursor(({ sort, limit, skip }) =>
        // the service skips before it limits and caps, so a skip past the result cap reaches the documents there
        call1<Obj[]>("find", { query, project, sort, limit: limit ?? 0, ...(skip ? { skip } : {}) }, options),
      ),
    findOne: (query = {}, project, options) => call1("findOne", { query, project, sort: options?.sort }, options),
    count: (query = {}, options) => call1("count", { query, limit: options?.limit }, options),
    countDocuments: (query = {}, options) => call1("count", { query, limit: options?.limit }, options),
    aggregate: (pipeline, options) =>
      createCursor((shape) => call1<Obj[]>("aggregate", { pipeline: [...pipeline, ...shapeStages(shape)] }, options)),
    distinct: async (field, query = {}, options) => {
      // The service groups the matching documents by the path's top-level field (so its result cap
      // applies to distinct values, not to matching documents); the rest of the path is followed here.
      const top = typeof field === "string" ? (field.split(".")[0] ?? "") : "";
      if (top === "" || top.startsWith("$")) return distinctValues([], field);
      const pipeline = [{ $match: { $and: [query, { [top]: { $exists: true } }] } }, { $group: { _id: `$${top}` } }];
      const groups = await call1<Obj[]>("aggregate", { pipeline }, options);
      return distinctValues(
        groups.map((group) => ({ [top]: group._id })),
        field,
      );
    },
    insertOne: (document, options) => call1("insertOne", { document }, options),
    insertMany: (documents, options) => call1("insertMany", { documents }, options),
    updateOne: (query, update, options) => call("updateOne", { query, update, ...withoutSession(options) }, options),
    updateMany: (query, update, options) => call("updateMany", { query, update, ...withoutSession(options) }, options),
    deleteOne: (query = {}, options) => call1("deleteOne", { query }, options),
    deleteMany: (query = {}, options) => call1("deleteMany", { query }, options),
    findOneAndUpdate: (filter, update, options) => call1("findOneAndUpdate", { filter, update, ...withoutSession(options) }, options),
    findOneAndReplace: (filter, update, options) => call1("findOneAndReplace", { filter, update, ...withoutSession(options) }, options),
    findOneAndDelete: (filter = {}, options) => call1("findOneAndDelete", { filter, ...withoutSession(options) }, options),
  };
  return {
    ...methods,
    bulkWrite: (operations, options) => {
      // the operations of a bulk write given a session are part of its transaction
      const session =
        options?.session === undefined ? methods : collection(mongo, service, callerWithSession(caller, options), database, coll);
      return bulkWrite(session, operations, withoutSession(options));
    },
  };
}

/**
 * The client of one MongoDB service for a function call, as `context.services.get(name)` returns it.
 * @param mongo - the MongoDB service
 * @param service - the service name
 * @param caller - who is calling (passed on to the service)
 * @returns the client, or undefined if no service of that name is configured (as App Services)
 */
export function serviceClient(mongo: MongoService, service: string, caller: Caller): FunctionServiceClient | undefined {
  if (!mongo.hasService(service)) return undefined;
  const names = async (method: string): Promise<{ database: string; collection: string }[]> => {
    if (caller.user !== undefined && caller.runAsSystem !== true) throw new Error(`${method} is only available in system functions`);
    if (mongo.namespaces === undefined) throw new Error(`${method} is not available here`);
    return mongo.namespaces(service);
  };
  return {
    db: (database) => ({
      collection: (coll) => collection(mongo, service, caller, database, coll),
      getCollectionNames: async () =>
        (await names("getCollectionNames()")).filter((ns) => ns.database === database).map((ns) => ns.collection),
    }),
    admin: () => ({ getDBNames: async () => [...new Set((await names("getDBNames()")).map((ns) => ns.database))] }),
    startSession: () => startSession(mongo),
  };
}
