/**
 * Which calls the main thread may evaluate itself: those whose cost is linear by construction
 * (collection size × request size) and that cannot allocate beyond what the request holds — plain
 * comparisons, logical and array query operators, inclusion/exclusion projections, field sorts and
 * the field update operators with bounded array indexes, and pipelines of such stages (`$match`,
 * `$sort`, `$limit`, `$skip`, `$count`, `$unwind`, `$project`/`$unset` of fields, `$group` by fields
 * with plain accumulators). Everything else (expressions, `$regex`, `$expr`, `$where`, `$lookup`,
 * pipeline updates, projection operators, …) goes to a query thread with time and heap limits. The
 * test is conservative: a call it does not recognise goes to a thread.
 * @packageDocumentation
 */
import { BSONRegExp } from "bson";
import type { MethodName } from "./args.js";
import { isPlainObject } from "./bsonValues.js";

/** Query operators whose test is linear in the document and the operand. */
const LINEAR_QUERY_OPERATORS = new Set([
  "$eq",
  "$ne",
  "$gt",
  "$gte",
  "$lt",
  "$lte",
  "$in",
  "$nin",
  "$and",
  "$or",
  "$nor",
  "$not",
  "$exists",
  "$type",
  "$size",
  "$all",
  "$elemMatch",
  "$mod",
]);

/** Update operators whose effect is bounded by the request (array index segments checked apart). */
const LINEAR_UPDATE_OPERATORS = new Set([
  "$set",
  "$unset",
  "$inc",
  "$mul",
  "$min",
  "$max",
  "$rename",
  "$currentDate",
  "$push",
  "$addToSet",
  "$pull",
  "$pullAll",
  "$pop",
  "$setOnInsert",
]);

/** Modifiers of `$push`/`$addToSet`. */
const PUSH_MODIFIERS = new Set(["$each", "$position", "$slice", "$sort"]);

/** Deeper requests go to a thread (mingo recurses on them). */
const MAX_DEPTH = 32;
/** A numeric path segment above this could make an update pad an array: thread. */
const MAX_INDEX = 10_000;

/**
 * True if a query (filter) uses only operators whose test is linear in the document and the query.
 * @param value - the query
 * @param depth - nesting so far
 */
export function linearQuery(value: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  if (value instanceof RegExp || value instanceof BSONRegExp) return false;
  if (Array.isArray(value)) return value.every((v) => linearQuery(v, depth + 1));
  if (!isPlainObject(value)) return true;
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith("$") && !LINEAR_QUERY_OPERATORS.has(key)) return false;
    if (!linearQuery(inner, depth + 1)) return false;
  }
  return true;
}

function plainFlags(value: unknown, allowed: ReadonlySet<unknown>): boolean {
  return value === undefined || (isPlainObject(value) && Object.values(value).every((v) => allowed.has(v)));
}

const PROJECTION_FLAGS: ReadonlySet<unknown> = new Set([0, 1, true, false]);
const SORT_FLAGS: ReadonlySet<unknown> = new Set([1, -1]);

function boundedPath(path: string): boolean {
  return path.split(".").every((part) => !/^\d+$/.test(part) || Number(part) <= MAX_INDEX);
}

function linearUpdate(update: unknown): boolean {
  if (update === undefined) return true;
  if (!isPlainObject(update)) return false;
  const keys = Object.keys(update);
  // A replacement document: stored as given.
  if (!keys.some((k) => k.startsWith("$"))) return linearQuery(update);
  for (const [op, fields] of Object.entries(update)) {
    if (!LINEAR_UPDATE_OPERATORS.has(op) || !isPlainObject(fields)) return false;
    for (const [path, operand] of Object.entries(fields)) {
      if (!boundedPath(path)) return false;
      if (op === "$rename" && (typeof operand !== "string" || !boundedPath(operand))) return false;
      if (op === "$pull" && !linearQuery(operand)) return false;
      if ((op === "$push" || op === "$addToSet") && isPlainObject(operand)) {
        if (Object.keys(operand).some((k) => k.startsWith("$") && !PUSH_MODIFIERS.has(k))) return false;
        if (operand.$sort !== undefined && !plainFlags(operand.$sort, SORT_FLAGS) && !SORT_FLAGS.has(operand.$sort)) return false;
      }
    }
  }
  return true;
}

/** Accumulators of `$group` that keep one value, or one entry per document, per group. */
const LINEAR_ACCUMULATORS = new Set(["$sum", "$avg", "$min", "$max", "$first", "$last", "$push", "$addToSet", "$count"]);

/** A field path (`"$a.b"`, `"$$ROOT"`) or a literal that is not an expression. */
function fieldOrLiteral(value: unknown): boolean {
  if (typeof value === "string") return !value.startsWith("$$") || value === "$$ROOT" || value === "$$CURRENT";
  return value === null || typeof value === "number" || typeof value === "boolean";
}

function linearGroup(spec: unknown): boolean {
  if (!isPlainObject(spec)) return false;
  for (const [key, value] of Object.entries(spec)) {
    if (key === "_id") {
      const ok =
        fieldOrLiteral(value) || (isPlainObject(value) && Object.entries(value).every(([k, v]) => !k.startsWith("$") && fieldOrLiteral(v)));
      if (!ok) return false;
      continue;
    }
    if (!isPlainObject(value)) return false;
    const entries = Object.entries(value);
    if (entries.length !== 1) return false;
    const [op, operand] = entries[0] as [string, unknown];
    if (!LINEAR_ACCUMULATORS.has(op)) return false;
    if (!(fieldOrLiteral(operand) || (op === "$count" && isPlainObject(operand) && Object.keys(operand).length === 0))) return false;
  }
  return true;
}

function linearStage(stage: unknown): boolean {
  if (!isPlainObject(stage)) return false;
  const entries = Object.entries(stage);
  if (entries.length !== 1) return false;
  const [name, spec] = entries[0] as [string, unknown];
  switch (name) {
    case "$match":
      return linearQuery(spec);
    case "$sort":
      return plainFlags(spec, SORT_FLAGS);
    case "$limit":
    case "$skip":
      return typeof spec === "number";
    case "$count":
      return typeof spec === "string";
    case "$unwind":
      return typeof spec === "string" || (isPlainObject(spec) && typeof spec.path === "string");
    case "$project":
      return (
        isPlainObject(spec) && Object.values(spec).every((v) => PROJECTION_FLAGS.has(v) || (typeof v === "string" && fieldOrLiteral(v)))
      );
    case "$unset":
      return typeof spec === "string" || (Array.isArray(spec) && spec.every((v) => typeof v === "string"));
    case "$group":
      return linearGroup(spec);
    default:
      return false;
  }
}

/**
 * True if the main thread may evaluate this call itself (see the module comment).
 * @param name - the method
 * @param args - the `arguments` array (already validated by `parseArgs`)
 */
export function isLinearCall(name: MethodName, args: unknown[]): boolean {
  const a = args[0];
  if (!isPlainObject(a)) return false;
  if (name === "aggregate") return Array.isArray(a.pipeline) && a.pipeline.length <= 64 && a.pipeline.every(linearStage);
  if (name === "insertOne" || name === "insertMany") return true;
  return (
    linearQuery(a.query) &&
    linearQuery(a.filter) &&
    plainFlags(a.project, PROJECTION_FLAGS) &&
    plainFlags(a.projection, PROJECTION_FLAGS) &&
    plainFlags(a.sort, SORT_FLAGS) &&
    linearUpdate(a.update) &&
    (a.arrayFilters === undefined || (Array.isArray(a.arrayFilters) && a.arrayFilters.every((f) => linearQuery(f))))
  );
}
