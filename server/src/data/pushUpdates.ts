/**
 * `$push` as MongoDB applies it (push_node.cpp): with `$each`, the values go in at `$position`,
 * then the array is sorted by `$sort` (the whole elements, or a document of fields, each 1 or -1,
 * a missing field or a non-document element counting as null), then cut to `$slice`. The clauses
 * are checked as MongoDB parses them. mingo sorted by the first field of a `$sort` document only,
 * and took unknown clauses and any `$sort` value.
 * @packageDocumentation
 */
import { compareBson } from "./bsonCompare.js";
import { bsonType, bsonTypeName, roughNumber } from "./bsonNumbers.js";
import { isPlainObject, normalize, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { arrayAt } from "./arrayTargets.js";
import type { FieldRewrite } from "./pullUpdates.js";

/** A parsed `$push` field. */
interface PushSpec {
  values: unknown[];
  position?: number;
  /** compares two elements; undefined for no `$sort` */
  sort?: (a: unknown, b: unknown) => number;
  slice?: number;
}

const CLAUSES = new Set(["$each", "$slice", "$sort", "$position"]);

/** An integral number that fits in 64 bits, as MongoDB's parseIntegerElementToLong takes it (any Int64). */
function integer(v: unknown): number | undefined {
  const n = roughNumber(v);
  if (n === undefined || !Number.isInteger(n)) return undefined;
  if (bsonType(v) === "Long") return n;
  // a double of 2^63 does not fit; a Decimal128 of 2^63 - 1 reads as 2^63 here
  return n >= -(2 ** 63) && (n < 2 ** 63 || (bsonType(v) === "Decimal128" && n === 2 ** 63)) ? n : undefined;
}

/** The value at a dotted path of a document (indexes step into arrays), null where there is none. */
function fieldValue(doc: unknown, path: string[]): unknown {
  let at = doc;
  for (const part of path) {
    if (isPlainObject(at) && Object.hasOwn(at, part)) at = at[part];
    else if (Array.isArray(at) && /^\d+$/.test(part) && Number(part) < at.length) at = at[Number(part)];
    else return null;
  }
  return at === undefined ? null : at;
}

function sortOf(spec: unknown): (a: unknown, b: unknown) => number {
  const invalid = "The $sort element value must be either 1 or -1";
  // any number (an Int64, a Decimal128) equal to 1 or -1
  const whole = roughNumber(spec);
  if (whole !== undefined) {
    if (whole !== 1 && whole !== -1) throw mongoError(invalid);
    return (a, b) => compareBson(a, b) * whole;
  }
  if (!isPlainObject(spec))
    throw mongoError("The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields");
  const fields = Object.entries(spec);
  if (fields.length === 0) throw mongoError("The $sort pattern is empty when it should be a set of fields.");
  const keys: [string[], number][] = [];
  for (const [path, value] of fields) {
    const order = roughNumber(value);
    if (order !== 1 && order !== -1) throw mongoError(invalid);
    if (path === "") throw mongoError("The $sort field cannot be empty");
    if (path.split(".").includes("")) throw mongoError(`The $sort field is a dotted field but has an empty part: ${path}`);
    keys.push([path.split("."), order]);
  }
  return (a, b) => {
    for (const [path, order] of keys) {
      const c = compareBson(isPlainObject(a) ? fieldValue(a, path) : null, isPlainObject(b) ? fieldValue(b, path) : null);
      if (c !== 0) return c * order;
    }
    return 0;
  };
}

/**
 * Parses a `$push` field: a document with `$each` holds the clauses, anything else is the value.
 * @throws ServerError `MongoDBError` with MongoDB's message for a bad clause
 */
function parsePush(spec: unknown): PushSpec {
  if (!isPlainObject(spec) || !Object.hasOwn(spec, "$each")) return { values: [spec] };
  for (const clause of Object.keys(spec)) if (!CLAUSES.has(clause)) throw mongoError(`Unrecognized clause in $push: ${clause}`);
  const each = spec.$each;
  if (!Array.isArray(each)) throw mongoError(`The argument to $each in $push must be an array but it was of type: ${bsonTypeName(each)}`);
  const out: PushSpec = { values: each };
  if (Object.hasOwn(spec, "$slice")) {
    out.slice = integer(spec.$slice);
    if (out.slice === undefined)
      throw mongoError(`The value for $slice must be an integer value but was given type: ${bsonTypeName(spec.$slice)}`);
  }
  if (Object.hasOwn(spec, "$sort")) out.sort = sortOf(spec.$sort);
  if (Object.hasOwn(spec, "$position")) {
    out.position = integer(spec.$position);
    if (out.position === undefined)
      throw mongoError(`The value for $position must be an integer value, not of type: ${bsonTypeName(spec.$position)}`);
  }
  return out;
}

/**
 * Checks every `$push` field's clauses as MongoDB parses them.
 * @param update - the operators
 * @throws ServerError `MongoDBError` with MongoDB's message for the first bad one
 */
export function checkPushSpecs(update: Doc): void {
  const fields = update.$push;
  if (isPlainObject(fields)) for (const spec of Object.values(fields)) parsePush(spec);
}

/** The array after a push: values inserted at the position, then sorted (stably), then sliced. */
function pushed(current: unknown[], spec: PushSpec): unknown[] {
  const values = spec.values.map((v) => normalize(v));
  const size = current.length;
  const position = spec.position ?? size;
  const at = position >= 0 ? Math.min(position, size) : -position < size ? size + position : 0;
  const next = [...current.slice(0, at), ...values, ...current.slice(at)];
  if (spec.sort) next.sort(spec.sort);
  if (spec.slice === undefined || Math.abs(spec.slice) >= next.length) return next;
  return spec.slice >= 0 ? next.slice(0, spec.slice) : next.slice(next.length + spec.slice);
}

/**
 * The `$push` fields whose targets are arrays, with the new array. A missing target was made an
 * empty array before (applyUpdate.ts); a path mingo must refuse and conflicting paths stay
 * mingo's (which reports them).
 * @param doc - the document
 * @param update - the operators, with concrete paths
 * @param conflicts - whether a path conflicts with another of the update
 * @returns the rewrites
 * @throws ServerError `MongoDBError` for a bad clause
 */
export function pushedArrays(doc: Doc, update: Doc, conflicts: (path: string) => boolean): FieldRewrite[] {
  const fields = update.$push;
  if (!isPlainObject(fields)) return [];
  const out: FieldRewrite[] = [];
  for (const [path, spec] of Object.entries(fields)) {
    const parsed = parsePush(spec);
    const current = path.includes("$") || conflicts(path) ? undefined : arrayAt(doc, path, false);
    if (current !== undefined) out.push({ op: "$push", path, value: pushed(current, parsed) });
  }
  return out;
}
