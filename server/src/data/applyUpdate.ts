/**
 * Applies an update (operators, replacement document or pipeline) to a private copy of a
 * document.
 * @packageDocumentation
 */
import { Timestamp } from "bson";
import { Aggregator, update as mingoUpdate } from "./mingoOptions.js";
import { defineOwn, idKey, isPlainObject, normalize, type Doc } from "./bsonValues.js";
import { conflictTest } from "./pullUpdates.js";
import { mongoError, toServerError } from "./errors.js";
import { applyBsonUpdates } from "./bsonUpdates.js";
import { checkUpdateTypes } from "./updateTypes.js";
import { resolvePositional } from "./positional.js";
import { checkArrayFilters, expandArrayUpdates } from "./arrayTargets.js";
import { comparePaths, orderNewFields, snapshotFields } from "./fieldOrder.js";
import { checkBitSpecs } from "./integerUpdates.js";
import { checkPushSpecs } from "./pushUpdates.js";
import { checkOperators, checkPathConflicts } from "./updateConflicts.js";
import { checkOperatorValues, withOperatorValues } from "./operatorValues.js";

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

/**
 * A copy of a document with `id` as its first field.
 * @param id - the `_id`
 * @param doc - the other fields (an `_id` among them is dropped)
 * @returns `{_id: id, ...others}`
 */
export function withIdFirst(id: unknown, doc: Doc): Doc {
  const { _id: _ignored, ...rest } = doc;
  return { _id: id, ...rest };
}

/**
 * Checks what MongoDB checks when it parses an update, before it looks for documents: the array
 * operators, conflicting fields (updateConflicts.ts), the array filters, `$bit`, `$push`, `$pop` and
 * `$currentDate` values,
 * and no array filters with a pipeline.
 * @param update - the update
 * @param arrayFilters - the update's array filters
 * @throws ServerError `MongoDBError` for an invalid update
 */
export function checkUpdate(update: UpdateSpec, arrayFilters: Doc[] | undefined): void {
  const kind = updateKind(update);
  if (kind === "operators") {
    checkOperators(update as Doc);
    checkPathConflicts(update as Doc);
    checkArrayFilters(update as Doc, arrayFilters);
    checkBitSpecs(update as Doc);
    checkPushSpecs(update as Doc);
    checkOperatorValues(update as Doc);
  } else if (kind === "pipeline" && arrayFilters !== undefined && arrayFilters.length > 0) {
    throw mongoError("arrayFilters may not be specified for pipeline-style updates");
  }
}

/**
 * Applies operators to a document in place: `$setOnInsert` as `$set` when inserting (so that its
 * fields go through the same checks and array filters as the others), else not at all. The update
 * was checked once before ({@link checkUpdate}).
 * @param doc - the document, modified
 * @param update - the operators
 * @param arrayFilters - for `$[id]`
 * @param query - the query that matched, for positional `$` (none when inserting)
 * @param inserting - whether the document is an upsert's
 * @returns the changed paths, for change events
 * @throws ServerError `MongoDBError` for an invalid update
 */
export function applyOperators(
  doc: Doc,
  update: Doc,
  arrayFilters: Doc[] | undefined,
  query: Doc | undefined,
  inserting: boolean,
): string[] {
  const { $setOnInsert: onInsert, ...others } = update;
  const rest =
    inserting && isPlainObject(onInsert)
      ? { ...others, $set: { ...onInsert, ...(isPlainObject(others.$set) ? others.$set : {}) } }
      : others;
  const changed: string[] = [];
  try {
    if (Object.keys(rest).length > 0) {
      const tests = checkArrayFilters(update, arrayFilters);
      const positional = resolvePositional(doc, rest, inserting ? undefined : query);
      const { update: expanded, reported } = expandArrayUpdates(doc, positional, tests);
      const resolved = timestampsOfCurrentDate(withOperatorValues(expanded));
      checkUpdateTypes(doc, resolved);
      const fields = snapshotFields(doc, resolved);
      const missing = missingArrayTargets(doc, resolved);
      if (missing.length > 0) mingoInChunks(doc, { $set: Object.fromEntries(missing.map((path) => [path, []])) }, undefined);
      const { rest: left, changed: applied } = applyBsonUpdates(doc, resolved);
      const paths = [...missing, ...applied];
      if (Object.keys(left).length > 0) for (const path of mingoInChunks(doc, left, arrayFilters)) paths.push(path);
      orderNewFields(doc, fields);
      // a field through `$[]`/`$[id]` that named several elements is reported as its array, and
      // a path within another reported one is left out
      const named = new Set(paths.map((path) => reported.get(path) ?? path));
      for (const path of named)
        if (!path.split(".").some((_, i, parts) => i > 0 && named.has(parts.slice(0, i).join(".")))) changed.push(path);
    }
  } catch (err) {
    throw toServerError(err);
  }
  return [...new Set(changed)];
}

/** The most fields one call of mingo's update is given (it spreads its changed paths into a call's arguments). */
const MINGO_CHUNK = 20_000;

/**
 * mingo's update, over chunks of the fields when an update names very many (a `$set` through `$[]`
 * over a large array): in one call, mingo overflowed the stack. Fields are split only when none
 * conflicts with another (a `$rename`'s destination included: mingo reports a conflict when it has
 * them all); an operator without fields goes with the first chunk.
 */
function mingoInChunks(doc: Doc, update: Doc, arrayFilters: Doc[] | undefined): string[] {
  const entries: [op: string, path: string, value: unknown][] = [];
  const first: Doc = {};
  for (const [op, fields] of Object.entries(update)) {
    if (isPlainObject(fields)) for (const [path, value] of Object.entries(fields)) entries.push([op, path, value]);
    else first[op] = fields;
  }
  if (entries.length <= MINGO_CHUNK) return mingoUpdate(doc, update, arrayFilters);
  const renames = update.$rename;
  const destinations = isPlainObject(renames) ? Object.values(renames).filter((to): to is string => typeof to === "string") : [];
  const conflicts = conflictTest({ ...update, "": Object.fromEntries(destinations.map((to) => [to, 1])) });
  if (entries.some(([, path]) => conflicts(path)) || destinations.some(conflicts)) return mingoUpdate(doc, update, arrayFilters);
  const changed: string[] = [];
  for (let start = 0; start < entries.length; start += MINGO_CHUNK) {
    const chunk: Record<string, unknown> = start === 0 ? { ...first } : {};
    for (const [op, path, value] of entries.slice(start, start + MINGO_CHUNK)) defineOwn((chunk[op] ??= {}) as Doc, path, value);
    for (const path of mingoUpdate(doc, chunk, arrayFilters)) changed.push(path);
  }
  return changed;
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
    // ticked in the order MongoDB applies the fields
    $set: { ...set, ...Object.fromEntries([...timestamps].sort(comparePaths).map((path) => [path, nextTimestamp()])) },
  };
}

/**
 * The `$push`/`$addToSet` targets that do not exist yet. MongoDB treats them as empty arrays, with
 * the modifiers (`$each` deduplicated by `$addToSet`, `$sort`, `$slice`, `$position`); mingo
 * ignores the modifiers there, so they are created as `[]` first (an index past the end of an array
 * pads it with nulls). Paths with positional parts left are mingo's.
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
      // past the end: created (padded with nulls), as MongoDB does
      if (Number(key) >= at.length) return true;
      at = at[Number(key)];
      continue;
    }
    if (!isPlainObject(at)) return false;
    if (!Object.hasOwn(at, key)) return true;
    at = at[key];
  }
  return false;
}

/**
 * Applies an update pipeline to a document.
 * @param doc - the document (not modified)
 * @param pipeline - `$addFields`/`$set`, `$project`/`$unset`, `$replaceRoot`/`$replaceWith` stages
 * @param variables - variables the stages may read (`$$name`), for `$merge`'s `whenMatched` pipeline
 * @returns the new document
 * @throws ServerError `MongoDBError` for another stage or a failing expression
 */
export function applyPipeline(doc: Doc, pipeline: Doc[], variables?: Record<string, unknown>): Doc {
  for (const stage of pipeline) {
    const op = Object.keys(stage)[0];
    if (Object.keys(stage).length !== 1 || !op || !PIPELINE_STAGES.has(op)) {
      throw mongoError(`update pipeline stage not allowed: ${op ?? "{}"}`);
    }
  }
  try {
    const out = new Aggregator(pipeline, variables === undefined ? {} : { variables }).run([doc])[0];
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
