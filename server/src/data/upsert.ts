/**
 * The document an upsert inserts: the query's equality fields, then the update applied to them
 * (`$setOnInsert` included), with `_id` first.
 * @packageDocumentation
 */
import { ObjectId } from "bson";
import { defineOwn, idKey, isPlainObject, normalize, sameValue, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { applyOperators, applyPipeline, updateKind, withIdFirst, type UpdateSpec } from "./applyUpdate.js";
import { compareFieldNames } from "./fieldOrder.js";
import { checkPathConflicts } from "./updateConflicts.js";

function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split(".");
  let cur: Doc = doc;
  for (const part of parts.slice(0, -1)) {
    // an own property only: `cur["__proto__"]` would reach Object.prototype and write onto it
    const next = Object.hasOwn(cur, part) ? cur[part] : undefined;
    if (!isPlainObject(next)) defineOwn(cur, part, {});
    cur = cur[part] as Doc;
  }
  defineOwn(cur, parts[parts.length - 1] as string, value);
}

/**
 * The equality fields of a query, as MongoDB seeds an upserted document with them, in the order of
 * their paths (`{z: 1, "b.c": 2, d: {$eq: 3}, $and: [{a: 4}]}` → `{a: 4, b: {c: 2}, d: 3, z: 1}`).
 * @param query - a filter
 * @param onlyId - take `_id` only (for a replacement document, as MongoDB does)
 * @returns the seed document
 * @throws ServerError `MongoDBError` when a path is set to two different values (`$and: [{a: 1}, {a: 2}]`),
 * or one path lies within another (`{a: 1, "a.b": 2}`)
 */
export function seedFromQuery(query: Doc, onlyId = false): Doc {
  const seen = new Map<string, unknown>();
  const set = (path: string, value: unknown): void => {
    if (onlyId && path !== "_id" && !path.startsWith("_id.")) return;
    if (seen.has(path)) {
      if (!sameValue(seen.get(path), value)) throw mongoError(`cannot infer query fields to set, path '${path}' is matched twice`);
      return;
    }
    // worded as MongoDB's checkEqualityConflicts: the longer path, then the one it lies within
    for (const other of seen.keys()) {
      if (other.startsWith(`${path}.`))
        throw mongoError(`cannot infer query fields to set, both paths '${other}' and '${path}' are matched`);
      if (path.startsWith(`${other}.`))
        throw mongoError(`cannot infer query fields to set, both paths '${path}' and '${other}' are matched`);
    }
    seen.set(path, value);
  };
  const visit = (q: Doc): void => {
    for (const [key, value] of Object.entries(q)) {
      if (key === "$and" && Array.isArray(value)) value.filter(isPlainObject).forEach(visit);
      if (key.startsWith("$")) continue;
      if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith("$"))) {
        if ("$eq" in value) set(key, value.$eq);
      } else {
        set(key, value);
      }
    }
  };
  visit(query);
  const seed: Doc = {};
  // MongoDB keeps them in a map ordered by path
  for (const path of [...seen.keys()].sort(compareFieldNames)) setPath(seed, path, seen.get(path));
  return normalize(seed);
}

/**
 * Moves a top-level `_id` of `$set`/`$setOnInsert` into the seed: MongoDB inserts with it (a common
 * way to choose an upserted document's `_id`), where mingo refuses any update of `_id`.
 * @throws ServerError `MongoDBError` when the query's `_id` is another
 */
function takeId(seed: Doc, update: Doc): Doc {
  let out = update;
  for (const op of ["$setOnInsert", "$set"]) {
    const fields = out[op];
    if (!isPlainObject(fields) || !Object.hasOwn(fields, "_id")) continue;
    const { _id: id, ...rest } = fields;
    if (seed._id !== undefined && idKey(seed._id) !== idKey(id))
      throw mongoError("Performing an update on the path '_id' would modify the immutable field '_id'");
    seed._id = normalize(id);
    out = { ...out, [op]: rest };
  }
  return out;
}

/**
 * Builds the document an upsert inserts: the query's equality fields, then the update (with
 * `$setOnInsert`), or the replacement document, with a new ObjectId `_id` if none results.
 * @param query - the filter that matched nothing
 * @param update - the update or replacement
 * @param arrayFilters - for `$[id]`
 * @returns the document to insert, `_id` first
 * @throws ServerError `MongoDBError` for invalid updates
 */
export function buildUpsert(query: Doc, update: UpdateSpec, arrayFilters?: Doc[]): Doc {
  const kind = updateKind(update);
  const seed = seedFromQuery(query, kind === "replacement");
  let doc: Doc;
  if (kind === "replacement") {
    const replacement = normalize(update as Doc);
    doc = "_id" in replacement ? replacement : { ...(seed._id !== undefined ? { _id: seed._id } : {}), ...replacement };
  } else if (kind === "pipeline") {
    doc = applyPipeline(seed, update as Doc[]);
  } else {
    checkPathConflicts(update as Doc);
    const operators = takeId(seed, update as Doc);
    applyOperators(seed, operators, normalize(arrayFilters), undefined, true);
    doc = seed;
  }
  return withIdFirst(doc._id === undefined ? new ObjectId() : doc._id, doc);
}
