/**
 * Write methods of the MongoDB service: insertOne/Many, updateOne/Many, deleteOne/Many.
 * Each call is one SQLite transaction: all of its changes are persisted, or none.
 * @packageDocumentation
 */
import { EJSON, ObjectId } from "bson";
import type { ArgsOf } from "./args.js";
import { idKey, normalize, sameValue, type Doc } from "./bsonValues.js";
import type { Mutation } from "./changeFeed.js";
import type { DocCollection, DocRegistry } from "./collection.js";
import { applyUpdate, checkUpdate, type UpdateSpec } from "./applyUpdate.js";
import { buildUpsert } from "./upsert.js";
import type { ServerError } from "../contracts.js";
import { mongoError, toServerError } from "./errors.js";
import { selectDocs } from "./readMethods.js";

/** Result of `updateOne`/`updateMany`. */
export interface UpdateResult {
  matchedCount: number;
  modifiedCount: number;
  upsertedId?: unknown;
}

/**
 * The error App Services gives for a second document with the same `_id`: MongoDB's E11000 message
 * after "Duplicate key error: ", with the key shown as mongod shows it (`{ _id: ObjectId('…') }`).
 * @param coll - the collection
 * @param id - the duplicate `_id`
 */
export function duplicateKey(coll: DocCollection, id: unknown): ServerError {
  const key = `{ _id: ${shownKey(id)} }`;
  return mongoError(`Duplicate key error: E11000 duplicate key error collection: ${coll.db}.${coll.name} index: _id_ dup key: ${key}`);
}

function shownKey(id: unknown): string {
  if (id instanceof ObjectId) return `ObjectId('${id.toHexString()}')`;
  if (typeof id === "string") return JSON.stringify(id);
  return EJSON.stringify(id, { relaxed: true });
}

/** Prepares one document for insertion (see {@link prepareInserts}); `seen` holds the batch's ids so far. */
function prepareInsert(coll: DocCollection, input: Doc, seen: Set<string>): Mutation {
  const copy = normalize(input);
  const doc = "_id" in copy ? copy : { _id: new ObjectId(), ...copy };
  const key = idKey(doc._id);
  if (Array.isArray(doc._id)) throw mongoError("The '_id' value cannot be of type array");
  if (seen.has(key) || coll.get(key)) throw duplicateKey(coll, doc._id);
  seen.add(key);
  return { kind: "insert", key, before: null, after: doc };
}

/**
 * Prepares documents for insertion: copies them, adds an ObjectId `_id` where absent, and
 * checks `_id` uniqueness against the collection and within the batch.
 * @param coll - the target collection
 * @param docs - the documents as sent
 * @throws ServerError `MongoDBError` "duplicate key" (then nothing is written)
 */
export function prepareInserts(coll: DocCollection, docs: Doc[]): Mutation[] {
  const seen = new Set<string>();
  return docs.map((input) => prepareInsert(coll, input, seen));
}

/**
 * `insertOne`.
 * @param reg - the collections
 * @param a - `{database, collection, document}`
 * @returns `{insertedId}`
 * @throws ServerError `MongoDBError` "duplicate key"
 */
export function insertOne(reg: DocRegistry, a: ArgsOf<"insertOne">): { insertedId: unknown } {
  const coll = reg.get(a.database, a.collection);
  const mutations = prepareInserts(coll, [a.document]);
  coll.commit(mutations);
  return { insertedId: normalize(mutations[0]?.after?._id) };
}

/**
 * `insertMany`, ordered as MongoDB's: the documents before the first one that fails (a duplicate
 * `_id`) are inserted, in one commit, and then the call fails; the ones after it are not.
 * @param reg - the collections
 * @param a - `{database, collection, documents}`
 * @returns `{insertedIds}` in input order
 * @throws ServerError `MongoDBError` "duplicate key" (after inserting the documents before it)
 */
export function insertMany(reg: DocRegistry, a: ArgsOf<"insertMany">): { insertedIds: unknown[] } {
  const coll = reg.get(a.database, a.collection);
  const seen = new Set<string>();
  const mutations: Mutation[] = [];
  let failure: ServerError | undefined;
  for (const input of a.documents) {
    try {
      mutations.push(prepareInsert(coll, input, seen));
    } catch (err) {
      failure = toServerError(err);
      break;
    }
  }
  if (mutations.length > 0) coll.commit(mutations);
  if (failure !== undefined) throw failure;
  return { insertedIds: mutations.map((m) => normalize(m.after?._id)) };
}

/**
 * Computes the mutation of one matched document, or null if the update changes nothing.
 * @param before - the stored document
 * @param update - the update
 * @param opts - arrayFilters and the query (for positional `$`)
 */
export function updateMutation(before: Doc, update: UpdateSpec, opts: { arrayFilters?: Doc[]; query?: Doc }): Mutation | null {
  const outcome = applyUpdate(before, update, opts);
  if (sameValue(before, outcome.after)) return null;
  return { kind: outcome.kind, key: idKey(before._id), before, after: outcome.after, changedPaths: outcome.changedPaths };
}

/**
 * Inserts the upserted document for a query that matched nothing.
 * @param coll - the collection
 * @param query - the filter
 * @param update - the update or replacement
 * @param arrayFilters - for `$[id]`
 * @returns the inserted document
 * @throws ServerError `MongoDBError` for an invalid update or a duplicate key
 */
export function upsertInsert(coll: DocCollection, query: Doc, update: UpdateSpec, arrayFilters?: Doc[]): Doc {
  const doc = buildUpsert(normalize(query), update, arrayFilters);
  const key = idKey(doc._id);
  if (coll.get(key)) throw duplicateKey(coll, doc._id);
  coll.commit([{ kind: "insert", key, before: null, after: doc }]);
  return doc;
}

function runUpdate(reg: DocRegistry, a: ArgsOf<"updateOne">, many: boolean): UpdateResult {
  // MongoDB parses the array filters before it looks for documents
  checkUpdate(a.update, normalize(a.arrayFilters));
  const coll = reg.get(a.database, a.collection);
  const matches = selectDocs(coll.docs(), a.query, { limit: many ? 0 : 1 });
  if (matches.length === 0) {
    if (!a.upsert) return { matchedCount: 0, modifiedCount: 0 };
    const doc = upsertInsert(coll, a.query ?? {}, a.update, a.arrayFilters);
    return { matchedCount: 0, modifiedCount: 0, upsertedId: normalize(doc._id) };
  }
  const query = normalize(a.query);
  const arrayFilters = normalize(a.arrayFilters);
  const mutations = matches.map((d) => updateMutation(d, a.update, { arrayFilters, query })).filter((m): m is Mutation => m !== null);
  coll.commit(mutations);
  return { matchedCount: matches.length, modifiedCount: mutations.length };
}

/**
 * `updateOne`: operators, replacement document or pipeline; `upsert`; `arrayFilters`.
 * @param reg - the collections
 * @param a - `{database, collection, query, update, upsert, arrayFilters}`
 * @returns `{matchedCount, modifiedCount, upsertedId?}`
 * @throws ServerError `MongoDBError` for invalid updates, a changed `_id` or a duplicate key
 */
export function updateOne(reg: DocRegistry, a: ArgsOf<"updateOne">): UpdateResult {
  return runUpdate(reg, a, false);
}

/**
 * `updateMany`: like {@link updateOne} for every match. A replacement-style document replaces each
 * match (keeping its `_id`), as App Services does (MongoDB itself refuses it).
 * @param reg - the collections
 * @param a - `{database, collection, query, update, upsert, arrayFilters}`
 * @returns `{matchedCount, modifiedCount, upsertedId?}`
 * @throws ServerError `MongoDBError` for invalid updates
 */
export function updateMany(reg: DocRegistry, a: ArgsOf<"updateMany">): UpdateResult {
  return runUpdate(reg, a, true);
}

function runDelete(reg: DocRegistry, a: ArgsOf<"deleteOne">, many: boolean): { deletedCount: number } {
  const coll = reg.get(a.database, a.collection);
  const matches = selectDocs(coll.docs(), a.query, { limit: many ? 0 : 1 });
  coll.commit(matches.map((d) => ({ kind: "delete", key: idKey(d._id), before: d, after: null })));
  return { deletedCount: matches.length };
}

/**
 * `deleteOne`: removes the first match in natural order.
 * @param reg - the collections
 * @param a - `{database, collection, query}`
 * @returns `{deletedCount}`
 * @throws ServerError `MongoDBError` for an invalid query
 */
export function deleteOne(reg: DocRegistry, a: ArgsOf<"deleteOne">): { deletedCount: number } {
  return runDelete(reg, a, false);
}

/**
 * `deleteMany`: removes every match.
 * @param reg - the collections
 * @param a - `{database, collection, query}`
 * @returns `{deletedCount}`
 * @throws ServerError `MongoDBError` for an invalid query
 */
export function deleteMany(reg: DocRegistry, a: ArgsOf<"deleteMany">): { deletedCount: number } {
  return runDelete(reg, a, true);
}
