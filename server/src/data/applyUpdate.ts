/**
 * Applies an update (operators, replacement document or pipeline) to a private copy of a
 * document, and builds upserted documents (mingo has no `$setOnInsert`, so upserts are built here).
 * @packageDocumentation
 */
import { ObjectId, Timestamp } from "bson";
import { Aggregator, update as mingoUpdate } from "./mingoOptions.js";
import { idKey, isPlainObject, normalize, sameValue, type Doc } from "./bsonValues.js";
import { mongoError, toServerError } from "./errors.js";
import { applyBsonUpdates } from "./bsonUpdates.js";
import { checkUpdateTypes } from "./updateTypes.js";
import { resolvePositional } from "./positional.js";
import { checkArrayFilters, expandArrayUpdates } from "./arrayTargets.js";

/** The result of applying an update to one document. */
export interface UpdateOutcome {
  after: Doc;
  /** `replace` for a replacement document, `update` otherwise */
  kind: "update" | "replace";
  /** changed paths reported by mingo (operator updates only) */
  changedPaths?: string[];
}

/** An update as sent: an operator document, a replacement document or a pipeline. */
export type UpdateSpec = Doc | Doc[];

const PIPELINE_STAGES = new Set(["$addFields", "$set", "$project", "$unset", "$replaceRoot", "$replaceWith"]);

/**
 * Classifies an update document.
 * @param update - the update
 * @throws ServerError `MongoDBError` if it mixes operators and plain fields, or an operator names an
 * empty path or one with an empty field name (`a..b`), which MongoDB refuses
 */
export function updateKind(update: UpdateSpec): "operators" | "replacement" | "pipeline" {
  if (Array.isArray(update)) return "pipeline";
  const keys = Object.keys(update);
  const ops = keys.filter((k) => k.startsWith("$")).length;
  if (ops === 0) return "replacement";
  if (ops !== keys.length) throw mongoError("update document must contain only update operators or only fields");
  for (const fields of Object.values(update)) {
    if (!isPlainObject(fields)) continue;
    for (const path of Object.keys(fields)) {
      if (path === "") throw mongoError("An empty update path is not valid.");
      if (path.split(".").includes("")) throw mongoError(`The update path '${path}' contains an empty field name, which is not allowed.`);
    }
  }
  return "operators";
}

function withIdFirst(id: unknown, doc: Doc): Doc {
  const { _id: _ignored, ...rest } = doc;
  return { _id: id, ...rest };
}

/**
 * The operators with an upsert's `$setOnInsert` folded into `$set`, so that its fields go through
 * the same checks, array filters and conflicts as the others (MongoDB applies it with them).
 * @throws ServerError `MongoDBError` when one of its paths is, holds or is held by another field's
 */
function withSetOnInsert(others: Doc, onInsert: Doc): Doc {
  for (const path of Object.keys(onInsert))
    for (const fields of Object.values(others))
      if (isPlainObject(fields))
        for (const other of Object.keys(fields))
          if (other === path || other.startsWith(`${path}.`) || path.startsWith(`${other}.`))
            throw mongoError(`Updating the path '${other}' would create a conflict at '${path}'`);
  return { ...others, $set: { ...(isPlainObject(others.$set) ? others.$set : {}), ...onInsert } };
}

function applyOperators(doc: Doc, update: Doc, arrayFilters: Doc[] | undefined, query: Doc | undefined, inserting: boolean): string[] {
  const { $setOnInsert: onInsert, ...others } = update;
  const rest = inserting && isPlainObject(onInsert) ? withSetOnInsert(others, onInsert) : others;
  const changed: string[] = [];
  try {
    if (Object.keys(rest).length > 0) {
      const tests = checkArrayFilters(update, arrayFilters);
      const positional = resolvePositional(doc, rest, inserting ? undefined : query);
      const { update: expanded, reported } = expandArrayUpdates(doc, positional, tests);
      const resolved = timestampsOfCurrentDate(expanded);
      checkUpdateTypes(doc, resolved);
      const missing = missingArrayTargets(doc, resolved);
      if (missing.length > 0) mingoUpdate(doc, { $set: Object.fromEntries(missing.map((path) => [path, []])) });
      const { rest: left, changed: applied } = applyBsonUpdates(doc, resolved);
      const paths = [...missing, ...applied];
      if (Object.keys(left).length > 0) paths.push(...mingoUpdate(doc, left, arrayFilters));
      // a field through `$[]`/`$[id]` that named several elements is reported as its array, and
      // a path within another reported one is left out
      const named = new Set(paths.map((path) => reported.get(path) ?? path));
      changed.push(...[...named].filter((path) => !path.split(".").some((_, i, parts) => i > 0 && named.has(parts.slice(0, i).join(".")))));
    }
  } catch (err) {
    throw toServerError(err);
  }
  return [...new Set(changed)];
}

let lastSecond = 0;
let increment = 0;

/** A new Timestamp as MongoDB's `$currentDate` makes one: this second, and a count within it. */
function nextTimestamp(): Timestamp {
  const second = Math.floor(Date.now() / 1000);
  increment = second === lastSecond ? increment + 1 : 1;
  lastSecond = second;
  return new Timestamp({ t: second, i: increment });
}

/**
 * The update with `$currentDate: {field: {$type: "timestamp"}}` turned into a `$set` of a new
 * Timestamp (mingo stores a number there); dates stay mingo's. A path `$set` names too is left
 * as it is, for mingo's conflict error.
 */
function timestampsOfCurrentDate(update: Doc): Doc {
  const fields = update.$currentDate;
  if (!isPlainObject(fields)) return update;
  const set = isPlainObject(update.$set) ? update.$set : {};
  const timestamps = Object.keys(fields).filter((path) => {
    const spec = fields[path];
    return isPlainObject(spec) && spec.$type === "timestamp" && !Object.hasOwn(set, path);
  });
  if (timestamps.length === 0) return update;
  const { $currentDate: _dates, ...others } = update;
  const dates = Object.fromEntries(Object.entries(fields).filter(([path]) => !timestamps.includes(path)));
  return {
    ...others,
    ...(Object.keys(dates).length > 0 ? { $currentDate: dates } : {}),
    $set: { ...set, ...Object.fromEntries(timestamps.map((path) => [path, nextTimestamp()])) },
  };
}

/**
 * The `$push`/`$addToSet` targets that do not exist yet. MongoDB treats them as empty arrays, with
 * the modifiers (`$each` deduplicated by `$addToSet`, `$sort`, `$slice`, `$position`); mingo
 * ignores the modifiers there, so they are created as `[]` first. Paths through arrays or with
 * positional parts are left to mingo.
 */
function missingArrayTargets(doc: Doc, update: Doc): string[] {
  const out: string[] = [];
  for (const op of ["$push", "$addToSet"]) {
    const fields = update[op];
    if (!isPlainObject(fields)) continue;
    for (const path of Object.keys(fields)) if (!path.includes("$") && isMissing(doc, path.split("."))) out.push(path);
  }
  return out;
}

function isMissing(doc: Doc, path: string[]): boolean {
  let at: unknown = doc;
  for (const key of path) {
    // an element by its index (`items.0.tags`, or `items.$.tags` once `$` is resolved)
    if (Array.isArray(at) && /^\d+$/.test(key)) {
      if (Number(key) >= at.length) return false;
      at = at[Number(key)];
      continue;
    }
    if (!isPlainObject(at)) return false;
    if (!Object.hasOwn(at, key)) return true;
    at = at[key];
  }
  return false;
}

function applyPipeline(doc: Doc, pipeline: Doc[]): Doc {
  for (const stage of pipeline) {
    const op = Object.keys(stage)[0];
    if (Object.keys(stage).length !== 1 || !op || !PIPELINE_STAGES.has(op)) {
      throw mongoError(`update pipeline stage not allowed: ${op ?? "{}"}`);
    }
  }
  try {
    const out = new Aggregator(pipeline, {}).run([doc])[0];
    if (!isPlainObject(out)) throw mongoError("update pipeline produced no document");
    return normalize(out);
  } catch (err) {
    throw toServerError(err);
  }
}

/**
 * Applies `update` to a copy of `before` (which is not modified).
 * @param before - the stored document
 * @param update - operators, replacement or pipeline
 * @param opts - `arrayFilters` for `$[id]`, the `query` for positional `$`
 * @throws ServerError `MongoDBError` for unknown operators, bad paths or a changed `_id`
 */
export function applyUpdate(before: Doc, update: UpdateSpec, opts: { arrayFilters?: Doc[]; query?: Doc }): UpdateOutcome {
  const kind = updateKind(update);
  if (kind === "replacement") {
    const replacement = update as Doc;
    if ("_id" in replacement && idKey(replacement._id) !== idKey(before._id)) {
      throw mongoError("the (immutable) field '_id' was found to have been altered");
    }
    return { kind: "replace", after: withIdFirst(before._id, normalize(replacement)) };
  }
  const copy = normalize(before);
  if (kind === "operators") update = withoutSameIdSet(update as Doc, before._id);
  if (kind === "pipeline") {
    const after = applyPipeline(copy, update as Doc[]);
    if (idKey(after._id) !== idKey(before._id))
      throw mongoError("Performing an update on the path '_id' would modify the immutable field '_id'");
    return { kind: "update", after };
  }
  const changedPaths = applyOperators(copy, update as Doc, opts.arrayFilters, opts.query, false);
  if (idKey(copy._id) !== idKey(before._id)) {
    throw mongoError("Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  return { kind: "update", after: copy, changedPaths };
}

/** Drops `$set: {_id: X}` when X is the current `_id` (a no-op MongoDB accepts and mingo refuses). */
function withoutSameIdSet(update: Doc, id: unknown): Doc {
  const set = update.$set;
  if (!isPlainObject(set) || !("_id" in set) || idKey(set._id) !== idKey(id)) return update;
  const { _id: _same, ...rest } = set;
  return { ...update, $set: rest };
}

function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split(".");
  let cur: Doc = doc;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (!isPlainObject(next)) cur[part] = {};
    cur = cur[part] as Doc;
  }
  cur[parts[parts.length - 1] as string] = value;
}

/**
 * The equality fields of a query, as MongoDB seeds an upserted document with them
 * (`{a: 1, "b.c": 2, d: {$eq: 3}, $and: [{e: 4}]}` → `{a: 1, b: {c: 2}, d: 3, e: 4}`).
 * @param query - a filter
 * @throws ServerError `MongoDBError` when a path is set to two different values (`$and: [{a: 1}, {a: 2}]`)
 */
export function seedFromQuery(query: Doc): Doc {
  const seed: Doc = {};
  const seen = new Map<string, unknown>();
  const set = (path: string, value: unknown): void => {
    if (seen.has(path) && !sameValue(seen.get(path), value))
      throw mongoError(`cannot infer query fields to set, path '${path}' is matched twice`);
    seen.set(path, value);
    setPath(seed, path, value);
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
  return normalize(seed);
}

/**
 * Builds the document an upsert inserts: the query's equality fields, then `$setOnInsert`, then
 * the rest of the update (or the replacement document), with a new ObjectId `_id` if none results.
 * @param query - the filter that matched nothing
 * @param update - the update or replacement
 * @param arrayFilters - for `$[id]`
 * @throws ServerError `MongoDBError` for invalid updates
 */
export function buildUpsert(query: Doc, update: UpdateSpec, arrayFilters?: Doc[]): Doc {
  const seed = seedFromQuery(query);
  const kind = updateKind(update);
  let doc: Doc;
  if (kind === "replacement") {
    const replacement = normalize(update as Doc);
    doc = "_id" in replacement ? replacement : { ...(seed._id !== undefined ? { _id: seed._id } : {}), ...replacement };
  } else if (kind === "pipeline") {
    doc = applyPipeline(seed, update as Doc[]);
  } else {
    applyOperators(seed, update as Doc, normalize(arrayFilters), undefined, true);
    doc = seed;
  }
  return withIdFirst(doc._id === undefined ? new ObjectId() : doc._id, doc);
}
