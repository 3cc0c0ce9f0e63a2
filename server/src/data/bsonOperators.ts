/**
 * The operators that compare values, over MongoDB's comparison of BSON values (bsonCompare.ts)
 * where mingo's falls short:
 *
 * - query operators `$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`, `$in`, `$nin`: a number of any
 *   BSON type matches by value (`{price: {$gt: 10}}` finds `Decimal128("10.5")`); other values
 *   keep mingo's semantics; `$type` knows every BSON type (`"decimal"`, `"long"`, `"objectId"`, …)
 *   and, as MongoDB, matches an array holding a value of the type;
 * - expression operators `$cmp`, `$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`, and the accumulators
 *   `$max`, `$min` (also their expression form, which mingo runs through them): MongoDB's order
 *   across types, nulls and missing values left out of `$max`/`$min`;
 * - sorts (`find`'s `sort` and the `$sort` stage): MongoDB's order, an array by its smallest element
 *   ascending and its largest descending, an empty array before null.
 * @packageDocumentation
 */
import { Lazy, type Iterator } from "mingo/lazy";
import * as accumulatorOperators from "mingo/operators/accumulator";
import * as queryOperators from "mingo/operators/query";
import type { AnyObject, Options } from "mingo/types";
import { ensureArray, flatten, isNil, resolve } from "mingo/util";
import { evalExpr } from "mingo/core";
import { bsonEqual, compareBson, compareNumbers, isBsonNumber, isNumeric } from "./bsonCompare.js";
import { mongoError } from "./errors.js";
import { checkSortSpec } from "./sortSpec.js";

type Predicate = (obj: AnyObject) => boolean;
type QueryOperator = (selector: string, value: unknown, options: Options) => Predicate;
type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;
type AccumulatorOperator = (collection: unknown[], expr: unknown, options: Options) => unknown;

const mingoQuery = queryOperators as unknown as Record<string, QueryOperator>;
const mingoAccumulator = accumulatorOperators as unknown as Record<string, AccumulatorOperator>;

/** The number of levels of arrays a selector may step through (mingo's depth: its dots). */
const depthOf = (selector: string): number => selector.split(".").length - 1;
const fieldOf = (obj: AnyObject, selector: string): unknown => resolve(obj, selector, { unwrapArray: true });

/** mingo's `$eq`, with {@link bsonEqual}. */
function matchesEq(value: unknown, wanted: unknown, depth: number): boolean {
  if (bsonEqual(value, wanted)) return true;
  if (isNil(value) && isNil(wanted)) return true;
  if (!Array.isArray(value)) return false;
  return value.some((v) => bsonEqual(v, wanted)) || flatten(value, depth).some((v) => bsonEqual(v, wanted));
}

/** `$in`: mingo's, and by value where a number of another BSON type is involved. */
function inOperator(name: "$in" | "$nin"): QueryOperator {
  return (selector, value, options) => {
    if (!Array.isArray(value)) throw mongoError(`${name} needs an array`);
    const original = mingoQuery.$in?.(selector, value, options) as Predicate;
    const numbers = value.filter(isNumeric);
    const hasBsonNumber = numbers.some(isBsonNumber);
    const test = (obj: AnyObject): boolean => {
      if (original(obj)) return true;
      if (numbers.length === 0) return false;
      const field = fieldOf(obj, selector);
      const candidates = ensureArray(field).filter(isNumeric);
      if (!hasBsonNumber && !candidates.some(isBsonNumber)) return false;
      return candidates.some((c) => numbers.some((n) => compareNumbers(c, n) === 0));
    };
    return name === "$in" ? test : (obj) => !test(obj);
  };
}

/**
 * A range operator: against a number, any number of any BSON type compares by value (NaN only
 * with NaN, and only where the operator allows equality); against anything else, mingo's.
 */
function rangeOperator(name: "$gt" | "$gte" | "$lt" | "$lte", holds: (c: number) => boolean): QueryOperator {
  return (selector, value, options) => {
    const original = mingoQuery[name]?.(selector, value, options) as Predicate;
    if (!isNumeric(value)) return original;
    const wantedNaN = Number.isNaN(Number(String(value)));
    return (obj) =>
      ensureArray(fieldOf(obj, selector)).some((v) => {
        if (!isNumeric(v)) return false;
        const c = compareNumbers(v, value);
        const isNaN = Number.isNaN(Number(String(v)));
        if (isNaN || wantedNaN) return isNaN && wantedNaN && holds(0);
        return holds(c);
      });
  };
}

/** MongoDB's `$type` names of a value (with the numeric codes as strings). */
function typeNames(v: unknown): string[] {
  if (v === null) return ["null", "10"];
  if (v === undefined) return ["undefined", "6"];
  switch (typeof v) {
    case "number":
      // stored numbers lose Int32/Double (see bsonValues.ts): a whole number answers to both, as mingo did
      return Number.isInteger(v) ? ["number", "double", "1", "int", "16", "long", "18"] : ["number", "double", "1"];
    case "string":
      return ["string", "2"];
    case "boolean":
      return ["bool", "8"];
    default:
  }
  if (Array.isArray(v)) return ["array", "4"];
  if (v instanceof Date) return ["date", "9"];
  if (v instanceof RegExp) return ["regex", "11"];
  if (ArrayBuffer.isView(v)) return ["binData", "5"];
  const names: Record<string, string[]> = {
    ObjectId: ["objectId", "7"],
    Long: ["long", "18", "number"],
    Decimal128: ["decimal", "19", "number"],
    Int32: ["int", "16", "number"],
    Double: ["double", "1", "number"],
    Binary: ["binData", "5"],
    Timestamp: ["timestamp", "17"],
    BSONRegExp: ["regex", "11"],
    BSONSymbol: ["symbol", "14"],
    Code: (v as { scope?: unknown }).scope ? ["javascriptWithScope", "15"] : ["javascript", "13"],
    MinKey: ["minKey", "-1"],
    MaxKey: ["maxKey", "127"],
    DBRef: ["object", "3"],
  };
  return names[(v as { _bsontype?: string })._bsontype ?? ""] ?? ["object", "3"];
}

/** `$type` with every BSON type; an array matches "array" and the types of its elements. */
const typeOperator: QueryOperator = (selector, value) => {
  // the argument is checked before (queryChecks.ts)
  const wanted = ensureArray(value).map(String);
  const matches = (v: unknown) => typeNames(v).some((n) => wanted.includes(n));
  return (obj) => {
    const field = resolve(obj, selector);
    if (field === undefined) return false;
    return matches(field) || (Array.isArray(field) && field.some(matches));
  };
};

/** The query operators of this file, to lay over mingo's. */
export const bsonQueryOperators: Record<string, QueryOperator> = {
  $eq: (selector, value) => {
    const depth = depthOf(selector);
    return (obj) => matchesEq(fieldOf(obj, selector), value, depth);
  },
  $ne: (selector, value) => {
    const depth = depthOf(selector);
    return (obj) => !matchesEq(fieldOf(obj, selector), value, depth);
  },
  $gt: rangeOperator("$gt", (c) => c > 0),
  $gte: rangeOperator("$gte", (c) => c >= 0),
  $lt: rangeOperator("$lt", (c) => c < 0),
  $lte: rangeOperator("$lte", (c) => c <= 0),
  $in: inOperator("$in"),
  $nin: inOperator("$nin"),
  $type: typeOperator,
};

/** Two operands of a comparison expression, evaluated. */
function operands(name: string, obj: unknown, expr: unknown, options: Options): [unknown, unknown] {
  if (!Array.isArray(expr) || expr.length !== 2)
    throw mongoError(`Expression ${name} takes exactly 2 arguments. ${Array.isArray(expr) ? expr.length : 1} were passed in.`);
  return evalExpr(obj, expr, options) as [unknown, unknown];
}

function comparison(name: string, holds: (c: number) => boolean): ExpressionOperator {
  return (obj, expr, options) => {
    const [a, b] = operands(name, obj, expr, options);
    // a missing operand is below null here (MongoDB: `$eq: ["$missing", null]` is false)
    if ((a === undefined) !== (b === undefined) && isNil(a) && isNil(b)) return holds(a === undefined ? -1 : 1);
    return holds(compareBson(a, b));
  };
}

/** `$max`/`$min` of values: nulls and missing values left out; none: null. */
function extreme(values: unknown[], sign: 1 | -1): unknown {
  let best: unknown = null;
  for (const v of values) {
    if (isNil(v)) continue;
    if (best === null || compareBson(v, best) * sign > 0) best = v;
  }
  return best;
}

function extremeAccumulator(sign: 1 | -1): AccumulatorOperator {
  return (collection, expr, options) => {
    const values = mingoAccumulator.$push?.(collection, expr, options) as unknown[];
    return extreme(values, sign);
  };
}

/** The expression operators of this file, to lay over mingo's. */
export const bsonExpressionOperators: Record<string, ExpressionOperator> = {
  $cmp: (obj, expr, options) => {
    const [a, b] = operands("$cmp", obj, expr, options);
    return compareBson(a, b);
  },
  $eq: comparison("$eq", (c) => c === 0),
  $ne: comparison("$ne", (c) => c !== 0),
  $gt: comparison("$gt", (c) => c > 0),
  $gte: comparison("$gte", (c) => c >= 0),
  $lt: comparison("$lt", (c) => c < 0),
  $lte: comparison("$lte", (c) => c <= 0),
};

/** The accumulators of this file, to lay over mingo's. */
export const bsonAccumulators: Record<string, AccumulatorOperator> = {
  $max: extremeAccumulator(1),
  $min: extremeAccumulator(-1),
};

/** A document's sort key for one field: an array by its smallest (or largest) element. */
function sortKey(doc: AnyObject, path: string, direction: 1 | -1): unknown {
  const value = resolve(doc, path);
  if (!Array.isArray(value)) return value;
  const items = flatten(value, depthOf(path) + 1);
  if (items.length === 0) return EMPTY_ARRAY;
  let best = items[0];
  for (const item of items) if (compareBson(item, best) * direction < 0) best = item;
  return best;
}

/** Sorts before null, as an empty array does in MongoDB's sorts. */
const EMPTY_ARRAY = Symbol("empty array");

function compareKeys(a: unknown, b: unknown): number {
  if (a === EMPTY_ARRAY || b === EMPTY_ARRAY) return a === b ? 0 : a === EMPTY_ARRAY ? -1 : 1;
  return compareBson(a, b);
}

/**
 * Documents in MongoDB's sort order (a stable sort: ties keep their order).
 * @param docs - the documents (not changed)
 * @param spec - the sort specification, its orders 1 or -1
 * @throws ServerError 400 `MongoDBError` for another order (sortSpec.ts)
 */
export function sortDocs<T extends AnyObject>(docs: readonly T[], spec: Record<string, unknown>): T[] {
  checkSortSpec(spec);
  const fields = Object.entries(spec).map(([path, dir]) => ({ path, dir: dir as 1 | -1 }));
  const keyed = docs.map((doc) => ({ doc, keys: fields.map((f) => sortKey(doc, f.path, f.dir)) }));
  keyed.sort((x, y) => {
    for (let i = 0; i < fields.length; i++) {
      const c = compareKeys(x.keys[i], y.keys[i]);
      if (c !== 0) return c * (fields[i]?.dir ?? 1);
    }
    return 0;
  });
  return keyed.map((k) => k.doc);
}

/** The `$sort` stage over {@link sortDocs}. */
export const sortStage = (collection: Iterator, expr: unknown): Iterator => {
  checkSortSpec(expr);
  return collection.transform((docs) => Lazy(sortDocs(docs as AnyObject[], expr as Record<string, unknown>)));
};
