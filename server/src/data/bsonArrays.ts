/**
 * Array expressions as MongoDB evaluates them where mingo's differ: `$first` and `$last` take the
 * array's own first and last element (mingo flattened an array of arrays: `[[0, 0], [1, 1]]` gave
 * 0); `$slice` of a null or missing array is null (an error); `$indexOfArray` from a start index
 * answers -1 when nothing is found (mingo answered `start - 1`); `$arrayToObject` keeps array
 * values and refuses malformed pairs (mingo flattened `["tags", ["a", "b"]]` to `"a"`); `$size` of
 * anything but an array fails (null gave null); `$mergeObjects` refuses strings and numbers (it
 * spread a string's characters); `$zip` uses `defaults` only past an array's end; `$sortArray`
 * sorts whole values in BSON order. The single-argument operators take MongoDB's argument list
 * (`{$size: ["$a"]}` is the size of `a`).
 * @packageDocumentation
 */
import { evalExpr } from "mingo/core";
import * as expressionOperators from "mingo/operators/expression";
import type { Options } from "mingo/types";
import { compareBson } from "./bsonCompare.js";
import { bsonTypeName, roughNumber } from "./bsonNumbers.js";
import { defineOwn, isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { evaluatedArguments, isNil } from "./expressionArgs.js";
import { INT32_MAX, INT32_MIN } from "./numberText.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;
const mingoExpression = expressionOperators as unknown as Record<string, ExpressionOperator>;

/**
 * An expression operator that is also an accumulator (`$first`, `$last`, `$mergeObjects`): mingo
 * calls the expression with the group's documents as `obj` in `$group`, `$bucket` and
 * `$bucketAuto`; mingo's own expression hands those calls to its accumulator, so they go there.
 */
function alsoAccumulator(name: string, expression: ExpressionOperator): ExpressionOperator {
  return (obj, expr, options) => {
    const mingo = mingoExpression[name];
    if (Array.isArray(obj) && mingo) return mingo(obj, expr, options);
    return expression(obj, expr, options);
  };
}

const shown = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : String(roughNumber(v) ?? JSON.stringify(v) ?? v));

/** A number that is a whole 32-bit integer, or undefined. */
function int32Of(v: unknown): number | undefined {
  const n = roughNumber(v);
  return n !== undefined && Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX ? n : undefined;
}

function firstOrLast(name: "$first" | "$last"): ExpressionOperator {
  return (obj, expr, options) => {
    const [array] = evaluatedArguments(name, expr, 1, 1, obj, options);
    if (isNil(array)) return null;
    if (!Array.isArray(array)) throw mongoError(`${name}'s argument must be an array, but is ${bsonTypeName(array)}`);
    const items: unknown[] = array;
    return name === "$first" ? items[0] : items[items.length - 1]; // undefined: the field is left out
  };
}

const size: ExpressionOperator = (obj, expr, options) => {
  const [array] = evaluatedArguments("$size", expr, 1, 1, obj, options);
  if (!Array.isArray(array)) throw mongoError(`The argument to $size must be an array. Type of the argument was: ${bsonTypeName(array)}`);
  return array.length;
};

const reverseArray: ExpressionOperator = (obj, expr, options) => {
  const [array] = evaluatedArguments("$reverseArray", expr, 1, 1, obj, options);
  if (isNil(array)) return null;
  if (!Array.isArray(array)) throw mongoError(`The argument to $reverseArray must be an array, but was of type: ${bsonTypeName(array)}`);
  return (array as unknown[]).slice().reverse();
};

const objectToArray: ExpressionOperator = (obj, expr, options) => {
  const [doc] = evaluatedArguments("$objectToArray", expr, 1, 1, obj, options);
  if (isNil(doc)) return null;
  if (!isPlainObject(doc)) throw mongoError(`$objectToArray requires a document input, found: ${bsonTypeName(doc)}`);
  return Object.entries(doc).map(([k, v]) => ({ k, v }));
};

const slice: ExpressionOperator = (obj, expr, options) => {
  const args = evaluatedArguments("$slice", expr, 2, 3, obj, options);
  const [array, second, third] = args;
  if (isNil(array) || isNil(second)) return null;
  if (!Array.isArray(array)) throw mongoError(`First argument to $slice must be an array, but is of type: ${bsonTypeName(array)}`);
  const integer = (v: unknown, which: "Second" | "Third"): number => {
    if (roughNumber(v) === undefined) {
      const numeric = which === "Second" ? "a numeric value" : "numeric";
      throw mongoError(`${which} argument to $slice must be ${numeric}, but is of type: ${bsonTypeName(v)}`);
    }
    const n = int32Of(v);
    if (n === undefined) throw mongoError(`${which} argument to $slice can't be represented as a 32-bit integer: ${shown(v)}`);
    return n;
  };
  const items: unknown[] = array;
  const a = integer(second, "Second");
  if (args.length === 2) return a >= 0 ? items.slice(0, a) : items.slice(Math.max(0, items.length + a));
  if (isNil(third)) return null;
  const n = integer(third, "Third");
  if (n <= 0) throw mongoError(`Third argument to $slice must be positive: ${shown(third)}`);
  const start = a >= 0 ? Math.min(a, items.length) : Math.max(0, items.length + a);
  return items.slice(start, start + n);
};

const indexOfArray: ExpressionOperator = (obj, expr, options) => {
  const args = evaluatedArguments("$indexOfArray", expr, 2, 4, obj, options);
  const [array, wanted, start, end] = args;
  if (isNil(array)) return null;
  if (!Array.isArray(array)) throw mongoError(`$indexOfArray requires an array as a first argument, found: ${bsonTypeName(array)}`);
  const index = (v: unknown, what: string, given: boolean, fallback: number): number => {
    if (!given) return fallback;
    const n = int32Of(v);
    if (n === undefined) {
      throw mongoError(`$indexOfArrayrequires an integral ${what}, found a value of type: ${bsonTypeName(v)}, with value: ${shown(v)}`);
    }
    if (n < 0) throw mongoError(`$indexOfArray requires a nonnegative ${what}, found: ${n}`);
    return n;
  };
  const from = index(start, "starting index", args.length > 2, 0);
  const to = Math.min(array.length, index(end, "ending index", args.length > 3, array.length));
  if (wanted === undefined) return -1; // a missing value equals no element (null is another type)
  for (let i = from; i < to; i++) if (compareBson(array[i], wanted) === 0) return i;
  return -1;
};

/** One `[k, v]` or `{k, v}` element of `$arrayToObject`, checked as MongoDB checks it. */
function pairOf(element: unknown, arrays: boolean): [string, unknown] {
  let key: unknown;
  let value: unknown;
  if (arrays) {
    if (!Array.isArray(element)) throw inconsistent();
    if (element.length !== 2) throw mongoError(`$arrayToObject requires an array of size 2 arrays,found array of size: ${element.length}`);
    [key, value] = element as unknown[];
    if (typeof key !== "string") {
      throw mongoError(
        `$arrayToObject requires an array of key-value pairs, where the key must be of type string. Found key type: ${bsonTypeName(key)}`,
      );
    }
  } else {
    if (!isPlainObject(element)) throw inconsistent();
    const keys = Object.keys(element).filter((key) => element[key] !== undefined);
    if (keys.length !== 2)
      throw mongoError(`$arrayToObject requires an object keys of 'k' and 'v'. Found incorrect number of keys:${keys.length}`);
    if (!keys.includes("k") || !keys.includes("v")) {
      throw mongoError(
        `$arrayToObject requires an object with keys 'k' and 'v'. Missing either or both keys from: ${JSON.stringify(keys)}`,
      );
    }
    key = element.k;
    value = element.v;
    if (typeof key !== "string") {
      throw mongoError(
        `$arrayToObject requires an object with keys 'k' and 'v', where the value of 'k' must be of type string. Found type: ${bsonTypeName(key)}`,
      );
    }
  }
  if (key.includes("\0")) throw mongoError("Key field cannot contain an embedded null byte");
  return [key, value];
}

const inconsistent = (): Error =>
  mongoError("$arrayToObject requires a consistent input format. Elements must all be arrays or all be objects.");

const arrayToObject: ExpressionOperator = (obj, expr, options) => {
  const [array] = evaluatedArguments("$arrayToObject", expr, 1, 1, obj, options);
  if (isNil(array)) return null;
  if (!Array.isArray(array)) throw mongoError(`$arrayToObject requires an array input, found: ${bsonTypeName(array)}`);
  const out: Record<string, unknown> = {};
  if (array.length === 0) return out;
  const arrays = Array.isArray(array[0]);
  if (!arrays && !isPlainObject(array[0])) throw mongoError(`Unrecognised input type format for $arrayToObject: ${bsonTypeName(array[0])}`);
  for (const element of array) {
    const [key, value] = pairOf(element, arrays);
    defineOwn(out, key, value); // a repeated key: the last value, in the first one's place
  }
  return out;
};

const mergeObjects: ExpressionOperator = (obj, expr, options) => {
  const out: Record<string, unknown> = {};
  for (const doc of (Array.isArray(expr) ? expr : [expr]).map((arg) => evalExpr(obj, arg, options))) {
    if (isNil(doc)) continue;
    if (!isPlainObject(doc))
      throw mongoError(`$mergeObjects requires object inputs, but input ${shown(doc)} is of type ${bsonTypeName(doc)}`);
    // a field whose value is missing is not in the document: it leaves an earlier value as it was
    for (const [key, value] of Object.entries(doc)) if (value !== undefined) defineOwn(out, key, value);
  }
  return out;
};

const ZIP_FIELDS = new Set(["inputs", "useLongestLength", "defaults"]);

const zip: ExpressionOperator = (obj, expr, options) => {
  if (!isPlainObject(expr)) throw mongoError(`$zip only supports an object as an argument, found ${bsonTypeName(expr)}`);
  for (const key of Object.keys(expr)) if (!ZIP_FIELDS.has(key)) throw mongoError(`$zip found an unknown argument: ${key}`);
  const { inputs, defaults, useLongestLength = false } = expr;
  if (inputs === undefined || (Array.isArray(inputs) && inputs.length === 0)) throw mongoError("$zip requires at least one input array");
  if (!Array.isArray(inputs)) throw mongoError(`inputs must be an array of expressions, found ${bsonTypeName(inputs)}`);
  if (typeof useLongestLength !== "boolean") throw mongoError(`useLongestLength must be a bool, found ${bsonTypeName(useLongestLength)}`);
  if (defaults !== undefined) {
    if (!Array.isArray(defaults)) throw mongoError(`defaults must be an array of expressions, found ${bsonTypeName(defaults)}`);
    // an empty defaults array is as none
    if (defaults.length > 0 && !useLongestLength) throw mongoError("cannot specify defaults unless useLongestLength is true");
    if (defaults.length > 0 && defaults.length !== inputs.length) throw mongoError("defaults and inputs must have the same length");
  }
  const arrays: unknown[][] = [];
  for (const input of inputs) {
    const array = evalExpr(obj, input, options);
    if (isNil(array)) return null;
    if (!Array.isArray(array)) throw mongoError(`$zip found a non-array expression in input: ${shown(array)}`);
    arrays.push(array);
  }
  const lengths = arrays.map((a) => a.length);
  const length = useLongestLength ? Math.max(...lengths) : Math.min(...lengths);
  // the defaults are evaluated only when some array is shorter than the result
  const shorter = lengths.some((l) => l < length);
  const fill = shorter ? ((defaults as unknown[] | undefined)?.map((d) => evalExpr(obj, d, options)) ?? []) : [];
  return Array.from({ length }, (_, i) => arrays.map((a, j) => (i < a.length ? a[i] : (fill[j] ?? null))));
};

const SORT_ARRAY_FIELDS = new Set(["input", "sortBy"]);

/** The value at a dotted path through documents only (an array on the way gives a missing value). */
function atPath(value: unknown, path: string): unknown {
  let at = value;
  for (const part of path.split(".")) {
    if (!isPlainObject(at) || !Object.hasOwn(at, part)) return undefined;
    at = at[part];
  }
  return at;
}

/**
 * `$sortArray` by a document, as MongoDB 5.2–7.0's PatternValueCmp: each field's value by its
 * path (not through arrays), compared whole in BSON order, a missing value first; elements that
 * are not documents have no fields. A stable sort.
 */
function sortByPattern(input: unknown[], sortBy: Record<string, unknown>): unknown[] {
  const fields = Object.entries(sortBy).map(([path, dir]) => {
    const d = roughNumber(dir);
    if (d !== 1 && d !== -1) throw mongoError("The $sort element value must be either 1 or -1");
    return { path, dir: d };
  });
  const compare = (x: unknown, y: unknown): number => {
    if (x === undefined || y === undefined) return (x === undefined ? 0 : 1) - (y === undefined ? 0 : 1);
    return compareBson(x, y);
  };
  return input.slice().sort((a, b) => {
    for (const { path, dir } of fields) {
      const c = compare(atPath(a, path), atPath(b, path));
      if (c !== 0) return c * dir;
    }
    return 0;
  });
}

const sortArray: ExpressionOperator = (obj, expr, options) => {
  if (!isPlainObject(expr)) throw mongoError(`$sortArray requires an object as an argument, found: ${bsonTypeName(expr)}`);
  for (const key of Object.keys(expr)) if (!SORT_ARRAY_FIELDS.has(key)) throw mongoError(`$sortArray found an unknown argument: ${key}`);
  if (!("input" in expr)) throw mongoError("$sortArray requires 'input' to be specified");
  if (!("sortBy" in expr)) throw mongoError("$sortArray requires 'sortBy' to be specified");
  const { sortBy } = expr;
  const direction = roughNumber(sortBy);
  if (!isPlainObject(sortBy) && direction !== 1 && direction !== -1) throw mongoError("The $sort element value must be either 1 or -1");
  const input = evalExpr(obj, expr.input, options);
  if (isNil(input)) return null;
  if (!Array.isArray(input)) throw mongoError(`The input argument to $sortArray must be an array, but was of type: ${bsonTypeName(input)}`);
  if (isPlainObject(sortBy)) return sortByPattern(input as unknown[], sortBy);
  return (input as unknown[]).slice().sort((a, b) => compareBson(a, b) * (direction ?? 1));
};

/**
 * The array expressions of this file, to lay over mingo's.
 * @throws ServerError 400 `MongoDBError` (as the operators run) for a wrong number of arguments or an argument of the wrong type, with MongoDB's messages
 */
export const bsonArrayExpressions: Record<string, ExpressionOperator> = {
  $first: alsoAccumulator("$first", firstOrLast("$first")),
  $last: alsoAccumulator("$last", firstOrLast("$last")),
  $size: size,
  $reverseArray: reverseArray,
  $objectToArray: objectToArray,
  $slice: slice,
  $indexOfArray: indexOfArray,
  $arrayToObject: arrayToObject,
  $mergeObjects: alsoAccumulator("$mergeObjects", mergeObjects),
  $zip: zip,
  $sortArray: sortArray,
};
