/**
 * `context.services.get(name).db(d).collection(c)` for functions: the MongoDB service's methods
 * with Node driver-like signatures, each forwarding to {@link MongoService.call}.
 * @packageDocumentation
 */
import type { Caller, MongoService } from "../contracts.js";
import { bulkWrite } from "./bulkWrite.js";
import { createCursor, shapeStages, type FindCursor } from "./cursor.js";
import { distinctValues } from "./distinct.js";

export type { FindCursor } from "./cursor.js";

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

/** A collection as functions see it. */
export interface FunctionCollection {
  find(query?: Obj, projection?: Obj): FindCursor;
  findOne(query?: Obj, projection?: Obj, options?: { sort?: Obj }): Promise<Obj | null>;
  count(query?: Obj, options?: { limit?: number }): Promise<number>;
  countDocuments(query?: Obj, options?: { limit?: number }): Promise<number>;
  aggregate(pipeline: Obj[]): FindCursor;
  distinct(field: string, query?: Obj): Promise<unknown[]>;
  bulkWrite(operations: Obj[], options?: { ordered?: boolean }): Promise<null>;
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
   * Transactions are not supported by this server.
   * @throws Error always, saying so
   */
  startSession(): never;
}

function collection(mongo: MongoService, service: string, caller: Caller, database: string, coll: string): FunctionCollection {
  const call = (name: string, arg: Obj): Promise<unknown> => mongo.call(service, name, [{ database, collection: coll, ...arg }], caller);
  const call1 = <T>(name: string, arg: Obj): Promise<T> => call(name, arg) as Promise<T>;
  const methods: Omit<FunctionCollection, "bulkWrite"> = {
    find: (query = {}, project) =>
      createCursor(({ sort, limit, skip }) =>
        // the service skips before it limits and caps, so a skip past the result cap reaches the documents there
        call1<Obj[]>("find", { query, project, sort, limit: limit ?? 0, ...(skip ? { skip } : {}) }),
      ),
    findOne: (query = {}, project, options) => call1("findOne", { query, project, sort: options?.sort }),
    count: (query = {}, options) => call1("count", { query, limit: options?.limit }),
    countDocuments: (query = {}, options) => call1("count", { query, limit: options?.limit }),
    aggregate: (pipeline) => createCursor((shape) => call1<Obj[]>("aggregate", { pipeline: [...pipeline, ...shapeStages(shape)] })),
    distinct: async (field, query = {}) => {
      // The service groups the matching documents by the path's top-level field (so its result cap
      // applies to distinct values, not to matching documents); the rest of the path is followed here.
      const top = typeof field === "string" ? (field.split(".")[0] ?? "") : "";
      if (top === "" || top.startsWith("$")) return distinctValues([], field);
      const pipeline = [{ $match: { $and: [query, { [top]: { $exists: true } }] } }, { $group: { _id: `$${top}` } }];
      const groups = await call1<Obj[]>("aggregate", { pipeline });
      return distinctValues(
        groups.map((group) => ({ [top]: group._id })),
        field,
      );
    },
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
  return { ...methods, bulkWrite: (operations, options) => bulkWrite(methods, operations, options) };
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
    startSession: () => {
      throw new Error("transactions (startSession) are not supported by realm-tabs-server");
    },
  };
}
