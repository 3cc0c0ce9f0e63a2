/**
 * The operators that compare values, over MongoDB's comparison of BSON values (bsonCompare.ts, bsonNumbers.ts)
 * where mingo's falls short:
 *
 * - query operators `$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`, `$in`, `$nin`: a number of any
 *   BSON type matches by value (`{price: {$gt: 10}}` finds `Decimal128("10.5")`); other values
 *   keep mingo's semantics; `$type` (bsonTypes.ts) knows every BSON type (`"decimal"`, `"long"`, `"objectId"`, …)
 *   and, as MongoDB, matches an array holding a value of the type;
 * - expression operators `$cmp`, `$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`, and the accumulators
 *   `$max`, `$min` (also their expression form, which mingo runs through them): MongoDB's order
 *   across types, nulls and missing values left out of `$max`/`$min`;
 * (Sorts are in bsonSort.ts.)
 * @packageDocumentation
 */
import * as accumulatorOperators from "mingo/operators/accumulator";
import * as queryOperators from "mingo/operators/query";
import type { AnyObject, Options } from "mingo/types";
import { ensureArray, isNil, resolve } from "mingo/util";
import { evalExpr } from "mingo/core";
import { bsonEqual, compareBson } from "./bsonCompare.js";
import { compareNumbers, isNaNNumber, isNumeric, numberHashKey } from "./bsonNumbers.js";
import { someLeafValue } from "./bsonSort.js";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { elemMatchOperator } from "./nestedArrays.js";
import { mongoError } from "./errors.js";
import { expressionTypeName, typeOperator } from "./bsonTypes.js";
import { isRegexValue, queryRegexOf, type QueryRegex } from "./bsonRegexQueryValues.js";

type Predicate = (obj: AnyObject) => boolean;
type QueryOperator = (selector: string, value: unknown, options: Options) => Predicate;
type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;
type AccumulatorOperator = (collection: unknown[], expr: unknown, options: Options) => unknown;

const mingoQuery = queryOperators as unknown as Record<string, QueryOperator>;
const mingoAccumulator = accumulatorOperators as unknown as Record<string, AccumulatorOperator>;

const fieldOf = (obj: AnyObject, selector: string): unknown => resolve(obj, selector, { unwrapArray: true });

/**
 * True if `test` holds for one of the values an equality (`$eq`, `$ne`, `$in`, `$nin`) compares
 * with, as MongoDB finds them: each
 * value the path reaches ({@link leafValues}: through the documents of arrays, never into an array
 * nested in an array by a field name), and the elements of each such value that is an array, one
 * level down; `undefined` where the path is missing, which a null equality matches (`{"a.b": null}`
 * matches `a: 4`, `a: {}` and `a: [{b: 3}, {}]`, not `a: [1, 2]` or `a: []`). mingo's flattened the
 * values as deep as the path has dots, and took values from elements it should not.
 */
function someEqualityValue(obj: AnyObject, parts: string[], test: (v: unknown) => boolean): boolean {
  return someLeafValue(obj, parts, (v) => test(v) || (Array.isArray(v) && v.some(test)));
}

/** `$eq` with {@link bsonEqual}; null matches a missing field. */
function eqTest(selector: string, wanted: unknown): (obj: AnyObject) => boolean {
  const parts = selector.split(".");
  const test = isNil(wanted) ? isNil : (v: unknown) => bsonEqual(v, wanted);
  return (obj) => someEqualityValue(obj, parts, test);
}

/** A hashable key of a value that is not a number, or undefined for values compared one by one (documents, arrays, other BSON types). */
function scalarKey(v: unknown): string | undefined {
  switch (typeof v) {
    case "string":
      return `s${v}`;
    case "boolean":
      return v ? "t" : "f";
    default:
  }
  if (v === null) return "null";
  if (v instanceof Date) return `d${v.getTime()}`;
  const type = (v as { _bsontype?: unknown })._bsontype;
  return type === "ObjectId" ? `o${(v as { toHexString(): string }).toHexString()}` : undefined;
}

/**
 * An element of `$in`/`$nin` that is an operator document (its first key starts with `$`, a
 * DBRef aside), which MongoDB refuses (expression_parser.cpp `parseInExpression`).
 */
function isOperatorDocument(item: unknown): boolean {
  if (!isPlainObject(item) || !(Object.keys(item)[0] ?? "").startsWith("$")) return false;
  return !(Object.hasOwn(item, "$ref") && Object.hasOwn(item, "$id"));
}

/**
 * `$in` with mingo's semantics (a missing field matches `null`, an array field matches by its
 * elements or as a whole) and numbers of every BSON type equal by value; a regular expression is
 * MongoDB's query regex (bsonRegexQueryValues.ts: PCRE, strings and symbols by pattern, stored
 * regexes by pattern and flags); an operator document is refused.
 * The list is hashed once, so each document costs a lookup per value it holds (mingo's own `$in`
 * scanned the whole list for every document: 30 s for 5,000 values over 50,000 documents); numbers
 * are looked up by {@link numberHashKey}, a plain double by its text.
 */
function inOperator(name: "$in" | "$nin"): QueryOperator {
  return (selector, value) => {
    if (!Array.isArray(value)) throw mongoError(`${name} needs an array`);
    const keys = new Set<string>();
    const numberKeys = new Set<string>();
    const others: unknown[] = [];
    const regexes: QueryRegex[] = [];
    for (const item of value) {
      if (isNumeric(item)) {
        numberKeys.add(numberHashKey(item));
        continue;
      }
      if (isOperatorDocument(item)) throw mongoError("cannot nest $ under $in");
      const regex = queryRegexOf(item);
      if (regex !== undefined) {
        regexes.push(regex);
        continue;
      }
      const key = scalarKey(item);
      if (key === undefined) others.push(item);
      else keys.add(key);
    }
    const matchesNull = value.some((v) => v === null);
    const matches = (v: unknown): boolean => {
      if (isNumeric(v)) return numberKeys.has(numberHashKey(v));
      const key = scalarKey(v);
      if (key !== undefined && keys.has(key)) return true;
      return (key === undefined && others.some((o) => bsonEqual(v, o))) || regexes.some((re) => re.matches(v));
    };
    // an array field matches by an element, or as a whole (`{a: {$in: [[1, 2]]}}` finds `a: [1, 2]`), as `$eq` does
    const parts = selector.split(".");
    const test = (obj: AnyObject): boolean => someEqualityValue(obj, parts, (v) => (isNil(v) ? matchesNull : matches(v)));
    return name === "$in" ? test : (obj) => !test(obj);
  };
}

/**
 * A range operator: against a number, any number of any BSON type compares by value (NaN only
 * with NaN, and only where the operator allows equality); against anything else, mingo's.
 */
function rangeOperator(name: "$gt" | "$gte" | "$lt" | "$lte", holds: (c: number) => boolean): QueryOperator {
  return (selector, value, options) => {
    // expression_parser.cpp `parseComparison`
    if (isRegexValue(value)) throw mongoError(`Can't have RegEx as arg to predicate over field '${selector}'.`);
    const original = mingoQuery[name]?.(selector, value, options) as Predicate;
    // `{$gte: null}` and `{$lte: null}` match null and missing fields, as `{$eq: null}` does
    if (value === null) return name === "$gte" || name === "$lte" ? eqTest(selector, null) : () => false;
    if (!isNumeric(value)) return original;
    const wantedNaN = isNaNNumber(value);
    return (obj) =>
      ensureArray(fieldOf(obj, selector)).some((v) => {
        if (!isNumeric(v)) return false;
        const c = compareNumbers(v, value);
        const isNaN = isNaNNumber(v);
        if (isNaN || wantedNaN) return isNaN && wantedNaN && holds(0);
        return holds(c);
      });
  };
}

/**
 * The hash key of a value `$all`, `$in` and `$pullAll` look up (numbers by value), or undefined
 * for values compared one by one (documents, arrays, regular expressions, other BSON types).
 * @param v - a value
 */
export function hashKey(v: unknown): string | undefined {
  if (v === undefined || v === null) return "null";
  if (isNumeric(v)) return `n${numberHashKey(v)}`;
  return scalarKey(v);
}

/** The values `$all` looks among: those an equality compares with ({@link someEqualityValue}). */
function heldValues(obj: AnyObject, parts: string[]): unknown[] {
  const out: unknown[] = [];
  someEqualityValue(obj, parts, (v) => {
    out.push(v);
    return false;
  });
  return out;
}

/**
 * `$all`: the field holds each listed value, as `$eq` matches it (numbers by value; an array field
 * by its elements, one level down, or as a whole; values from documents in arrays each on their
 * own), a regular expression as MongoDB's query regex (bsonRegexQueryValues.ts) matching a value
 * the field is or holds;
 * an empty list matches nothing. Lists of hashable values are hashed once (each document costs a
 * lookup per value it holds). A list of `$elemMatch` conditions is each `$elemMatch`; mixing them with values,
 * or an operator condition, is MongoDB's error.
 * @throws ServerError 400 `MongoDBError` for a list that is not an array, or is not consistent
 */
const allOperator: QueryOperator = (selector, value, options) => {
  if (!Array.isArray(value)) throw mongoError("$all needs an array");
  const elemMatches = value.filter((v) => isPlainObject(v) && "$elemMatch" in v).length;
  if (elemMatches > 0) {
    if (elemMatches !== value.length) throw mongoError("$all/$elemMatch has to be consistent");
    // each condition as an `$elemMatch` of its own (nestedArrays.ts), all of them holding
    const tests = value.map((v) => elemMatchOperator(selector, (v as Doc).$elemMatch, options));
    return (obj) => tests.every((test) => test(obj));
  }
  if (value.some((v) => isPlainObject(v) && Object.keys(v).some((k) => k.startsWith("$")))) throw mongoError("no $ expressions in $all");
  const parts = selector.split(".");
  const wantedKeys = value.map(hashKey);
  const hashable = wantedKeys.every((k) => k !== undefined);
  const regexes = value.map(queryRegexOf);
  return (obj) => {
    if (value.length === 0) return false;
    const held = heldValues(obj, parts);
    if (hashable) {
      const keys = new Set(held.map(hashKey));
      return wantedKeys.every((k) => keys.has(k));
    }
    return value.every((wanted, i) => {
      const regex = regexes[i];
      if (regex !== undefined) return held.some((v) => regex.matches(v));
      return held.some((v) => bsonEqual(v, wanted)) || (isNil(wanted) && held.some(isNil));
    });
  };
};

/**
 * The query operators of this file, to lay over mingo's.
 * @throws ServerError 400 `MongoDBError` `$in needs an array` / `$nin needs an array` for another
 * argument, `cannot nest $ under $in` for an operator document in it; `Can't have regex as arg to
 * $ne.` and `Can't have RegEx as arg to predicate over field '<path>'.` (`$gt`, `$gte`, `$lt`,
 * `$lte`) for a regex; a regex's errors (bsonRegexQueryValues.ts `compileQueryRegex`); `$all`'s errors
 */
export const bsonQueryOperators: Record<string, QueryOperator> = {
  $eq: (selector, value) => eqTest(selector, value),
  $ne: (selector, value) => {
    // expression_parser.cpp `parseSubField`, SERVER-1705
    if (isRegexValue(value)) throw mongoError("Can't have regex as arg to $ne.");
    const test = eqTest(selector, value);
    return (obj) => !test(obj);
  },
  $gt: rangeOperator("$gt", (c) => c > 0),
  $gte: rangeOperator("$gte", (c) => c >= 0),
  $lt: rangeOperator("$lt", (c) => c < 0),
  $lte: rangeOperator("$lte", (c) => c <= 0),
  $in: inOperator("$in"),
  $nin: inOperator("$nin"),
  $type: typeOperator,
  $all: allOperator,
};

/** Two operands of a comparison expression, evaluated. */
function operands(name: string, obj: unknown, expr: unknown, options: Options): [unknown, unknown] {
  if (!Array.isArray(expr) || expr.length !== 2)
    throw mongoError(`Expression ${name} takes exactly 2 arguments. ${Array.isArray(expr) ? expr.length : 1} were passed in.`);
  return evalExpr(obj, expr, options) as [unknown, unknown];
}

/** Two evaluated operands in MongoDB's order, a missing one below null (`$eq: ["$missing", null]` is false). */
function compareOperands(a: unknown, b: unknown): number {
  if ((a === undefined) !== (b === undefined) && isNil(a) && isNil(b)) return a === undefined ? -1 : 1;
  return compareBson(a, b);
}

function comparison(name: string, holds: (c: number) => boolean): ExpressionOperator {
  return (obj, expr, options) => {
    const [a, b] = operands(name, obj, expr, options);
    return holds(compareOperands(a, b));
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

/** `$max` and `$min` over the values their expression took (mingo's `$push` of it), for windows (windowMemo.ts). */
export const bsonExtremeReducers: Record<string, (values: unknown[]) => unknown> = {
  $max: (values) => extreme(values, 1),
  $min: (values) => extreme(values, -1),
};

function extremeAccumulator(name: "$max" | "$min"): AccumulatorOperator {
  return (collection, expr, options) => bsonExtremeReducers[name]!(mingoAccumulator.$push?.(collection, expr, options) as unknown[]);
}

/**
 * The expression operators of this file, to lay over mingo's.
 * @throws ServerError 400 `MongoDBError` for a comparison not given exactly 2 arguments
 */
export const bsonExpressionOperators: Record<string, ExpressionOperator> = {
  $cmp: (obj, expr, options) => {
    const [a, b] = operands("$cmp", obj, expr, options);
    return compareOperands(a, b);
  },
  $eq: comparison("$eq", (c) => c === 0),
  $ne: comparison("$ne", (c) => c !== 0),
  $gt: comparison("$gt", (c) => c > 0),
  $gte: comparison("$gte", (c) => c >= 0),
  $lt: comparison("$lt", (c) => c < 0),
  $lte: comparison("$lte", (c) => c <= 0),
  $type: (obj, expr, options) => expressionTypeName(evalExpr(obj, Array.isArray(expr) && expr.length === 1 ? expr[0] : expr, options)),
  $isNumber: (obj, expr, options) => isNumeric(evalExpr(obj, Array.isArray(expr) && expr.length === 1 ? expr[0] : expr, options)),
};

/** The accumulators of this file, to lay over mingo's. */
export const bsonAccumulators: Record<string, AccumulatorOperator> = {
  $max: extremeAccumulator("$max"),
  $min: extremeAccumulator("$min"),
};
