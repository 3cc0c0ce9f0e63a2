/**
 * What the collection methods send, loaded on the first call of one (`src/mongo.ts` holds the
 * classes): the argument object realm-web and realm-js v12 send for each method (see
 * docs/sdk-surface.md), checked first (a bad filter or document rejects with `invalid-argument`
 * and sends nothing), encoded as canonical EJSON with the full codec; the answer decoded.
 * @packageDocumentation
 */
import { RealmTabsError } from "./protocol/errors.js";
import { decodeFromRuntime, loadFullCodec } from "./codec/lazy.js";
import type { CollectionMethod, Document, FindOneAndModifyOptions, FindOptions, UpdateOptions } from "./mongo.js";

/** Calls a function of the service: canonical EJSON arguments in, EJSON out. */
export type ServiceFunctionCall = (fn: string, argsEJSON: string) => Promise<string>;

/**
 * The object `value` is, or `invalid-argument`.
 * @throws {RealmTabsError} `invalid-argument`
 */
export function plainObject(value: unknown, what: string): Document {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RealmTabsError("invalid-argument", `${what} must be an object`, { retryable: false });
  }
  return value as Document;
}

function documents(value: unknown, what: string): Document[] {
  if (!Array.isArray(value)) throw new RealmTabsError("invalid-argument", `${what} must be an array`, { retryable: false });
  (value as unknown[]).forEach((d, i) => plainObject(d, `${what}[${i}]`));
  return value as Document[];
}

// an update document, or an aggregation pipeline of stages
function update(value: unknown): unknown {
  if (!Array.isArray(value)) plainObject(value, "update");
  else documents(value, "update");
  return value;
}

const filterOf = (value: unknown = {}): Document => plainObject(value, "filter");
// options left out are {}, as realm-web's defaults; anything else but an object is refused
// (realm-web reads fields of it and fails with a TypeError on null)
const optionsOf = (value: unknown = {}): Document => plainObject(value, "options");

type Builder = (a: unknown, b: unknown) => Document;

const query: Builder = (filter) => ({ query: filterOf(filter) });
// the update is checked before the filter (which these methods require)
const updating: Builder = (filter, u) => {
  const checked = update(u);
  return { query: plainObject(filter, "filter"), update: checked };
};

/** The options `findOneAndUpdate` and `findOneAndReplace` send, as realm-web picks them (other keys are not sent). */
function modifyOptions(options: unknown): Document {
  const o = optionsOf(options) as FindOneAndModifyOptions;
  return { sort: o.sort, projection: o.projection, upsert: o.upsert, returnNewDocument: o.returnNewDocument };
}

/** The argument object of each method from its two arguments. */
const BUILDERS: Record<CollectionMethod, (a: unknown, b: unknown, c: unknown) => Document> = {
  find: (filter, options) => {
    const o = optionsOf(options) as FindOptions;
    return { query: filterOf(filter), project: o.projection, sort: o.sort, limit: o.limit };
  },
  findOne: (filter, options) => {
    const o = optionsOf(options) as FindOptions;
    return { query: filterOf(filter), project: o.projection, sort: o.sort };
  },
  findOneAndUpdate: (filter, u, options) => {
    const checked = update(u);
    return { filter: filterOf(filter), update: checked, ...modifyOptions(options) };
  },
  findOneAndReplace: (filter, replacement, options) => ({
    filter: filterOf(filter),
    update: plainObject(replacement, "replacement"),
    ...modifyOptions(options),
  }),
  // sent as findOneAndDelete, as realm-js v12 does
  findOneAndDelete: (filter, options) => {
    const o = optionsOf(options) as FindOptions;
    return { filter: filterOf(filter), sort: o.sort, projection: o.projection };
  },
  aggregate: (pipeline) => ({ pipeline: documents(pipeline, "pipeline") }),
  count: (filter, options) => ({ query: filterOf(filter), limit: (optionsOf(options) as { limit?: number }).limit }),
  insertOne: (document) => ({ document: plainObject(document, "document") }),
  insertMany: (docs) => ({ documents: documents(docs, "documents") }),
  updateOne: (filter, u, options) => {
    const o = optionsOf(options) as UpdateOptions;
    return { ...updating(filter, u), upsert: o.upsert, arrayFilters: o.arrayFilters };
  },
  updateMany: (filter, u, options) => {
    const o = optionsOf(options) as UpdateOptions;
    return { ...updating(filter, u), upsert: o.upsert, arrayFilters: o.arrayFilters };
  },
  deleteOne: query,
  deleteMany: query,
};

/**
 * Runs one collection method: checks its arguments, sends `{database, collection, ...}` and decodes the answer.
 * @throws {RealmTabsError} `invalid-argument` for bad arguments (nothing is sent); the call's own errors
 */
export async function runCollectionMethod(
  call: ServiceFunctionCall,
  collection: { databaseName: string; name: string },
  method: CollectionMethod,
  args: readonly unknown[],
): Promise<unknown> {
  const arg = BUILDERS[method](args[0], args[1], args[2]);
  const full = await loadFullCodec();
  // queries and documents nearly always hold BSON values (ids): encoded with the full codec
  const argsEJSON = full.encodeArgs(
    [{ database: collection.databaseName, collection: collection.name, ...arg }],
    `the arguments of ${method}`,
  );
  return decodeFromRuntime(await call(method, argsEJSON));
}

// reaches every module the start and the runtime connection need too, so that they share
// their chunks (see laterShared.ts)
export * as sharedWithAttachment from "./attachment.js";
