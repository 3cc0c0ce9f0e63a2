/**
 * String expressions as MongoDB 5.0–7.0 evaluates them (expression.cpp), over UTF-8 bytes where
 * MongoDB counts bytes: `$substrBytes`/`$substr` and `$indexOfBytes` take byte offsets (mingo took
 * UTF-16 units: `$indexOfBytes` of "b" in "a∫∫b" is 7, not 3), a count past the end takes the
 * rest, a negative count all of it, a fractional offset is truncated, and an offset inside a
 * character fails; `$toUpper`/`$toLower` change ASCII letters only ("straße" → "STRAßE") and
 * `$strcasecmp` compares the bytes after that; `$substr*`, the case operators and `$strcasecmp`
 * take numbers and dates as Value::coerceToString writes them, null and missing as "". `$split`
 * of null is null and an empty separator fails; `$indexOfCP` counts code points; `$substrCP`
 * refuses a negative start or length. The single-argument operators take an argument list
 * (`{$toUpper: ["$a"]}`); `$trim` and the `$replace*` operators are in bsonStringsRewrite.ts.
 * @packageDocumentation
 */
import { evalExpr } from "mingo/core";
import type { Options } from "mingo/types";
import { bsonTypeName, isNumeric } from "./bsonNumbers.js";
import { bsonStringRewriteExpressions } from "./bsonStringsRewrite.js";
import { codePointCount, coerceToLong, coerceToString, int32Of, nextCodePoint, valueText } from "./bsonStringsValues.js";
import { mongoError } from "./errors.js";
import { argumentList, evaluatedArguments, isNil } from "./expressionArgs.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;

const typeOf = (v: unknown): string => bsonTypeName(v);
/** A UTF-8 continuation byte (10xxxxxx). */
const isContinuation = (b: number | undefined): boolean => b !== undefined && (b & 0xc0) === 0x80;

const substrBytes: ExpressionOperator = (obj, expr, options) => {
  const [input, start, length] = evaluatedArguments("$substrBytes", expr, 3, 3, obj, options);
  const bytes = Buffer.from(coerceToString(input), "utf8");
  if (!isNumeric(start)) throw mongoError(`$substrBytes:  starting index must be a numeric type (is BSON type ${typeOf(start)})`);
  if (!isNumeric(length)) throw mongoError(`$substrBytes:  length must be a numeric type (is BSON type ${typeOf(length)})`);
  const lower = coerceToLong(start);
  if (lower < 0n) throw mongoError(`$substrBytes:  starting index must be non-negative (got: ${lower})`);
  const size = BigInt(bytes.length);
  const signedCount = coerceToLong(length);
  const count = signedCount < 0n ? size : signedCount;
  if (lower < size && isContinuation(bytes[Number(lower)])) {
    throw mongoError("$substrBytes:  Invalid range, starting index is a UTF-8 continuation byte.");
  }
  if (lower + count < size && isContinuation(bytes[Number(lower + count)])) {
    throw mongoError("$substrBytes:  Invalid range, ending index is in the middle of a UTF-8 character.");
  }
  if (lower >= size) return "";
  const end = lower + count < size ? lower + count : size;
  return bytes.subarray(Number(lower), Number(end)).toString("utf8");
};

/** A `$substrCP` start or length: a number with an exact 32-bit integer value. */
function cpArgument(v: unknown, what: string): number {
  if (!isNumeric(v)) throw mongoError(`$substrCP: ${what} must be a numeric type (is BSON type ${typeOf(v)})`);
  const n = int32Of(v);
  if (n === undefined) throw mongoError(`$substrCP: ${what} cannot be represented as a 32-bit integral value: ${valueText(v)}`);
  return n;
}

const substrCP: ExpressionOperator = (obj, expr, options) => {
  const [input, start, length] = evaluatedArguments("$substrCP", expr, 3, 3, obj, options);
  const text = coerceToString(input);
  const first = cpArgument(start, "starting index");
  const count = cpArgument(length, "length");
  if (count < 0) throw mongoError("$substrCP: length must be a nonnegative integer.");
  if (first < 0) throw mongoError("$substrCP: the starting index must be nonnegative integer.");
  let from = 0;
  for (let k = 0; k < first; k++) {
    if (from >= text.length) return "";
    from = nextCodePoint(text, from);
  }
  let to = from;
  for (let k = 0; k < count && to < text.length; k++) to = nextCodePoint(text, to);
  return text.slice(from, to);
};

/** The one string argument of `$strLenBytes`/`$strLenCP`. */
function lengthInput(name: string, expr: unknown, obj: unknown, options: Options): string {
  const [value] = evaluatedArguments(name, expr, 1, 1, obj, options);
  if (typeof value !== "string") throw mongoError(`${name} requires a string argument, found: ${typeOf(value)}`);
  return value;
}

const strLenBytes: ExpressionOperator = (obj, expr, options) => Buffer.byteLength(lengthInput("$strLenBytes", expr, obj, options), "utf8");

const strLenCP: ExpressionOperator = (obj, expr, options) => {
  const text = lengthInput("$strLenCP", expr, obj, options);
  let count = 0;
  for (let i = 0; i < text.length; i = nextCodePoint(text, i)) count++;
  return count;
};

/** ASCII letters only, as boost::to_upper/to_lower in the C locale. */
const upperAscii = (s: string): string => s.replace(/[a-z]+/g, (m) => m.toUpperCase());
const lowerAscii = (s: string): string => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/** `$toUpper`/`$toLower`: one argument, read as coerceToString does, changed by `change`. */
function caseChange(name: string, change: (s: string) => string): ExpressionOperator {
  return (obj, expr, options) => {
    const [value] = evaluatedArguments(name, expr, 1, 1, obj, options);
    return change(coerceToString(value));
  };
}

const strcasecmp: ExpressionOperator = (obj, expr, options) => {
  const [a, b] = evaluatedArguments("$strcasecmp", expr, 2, 2, obj, options).map((v) => Buffer.from(upperAscii(coerceToString(v)), "utf8"));
  return Math.sign(Buffer.compare(a ?? Buffer.alloc(0), b ?? Buffer.alloc(0)));
};

const split: ExpressionOperator = (obj, expr, options) => {
  const [input, separator] = evaluatedArguments("$split", expr, 2, 2, obj, options);
  if (isNil(input) || isNil(separator)) return null;
  if (typeof input !== "string") {
    throw mongoError(`$split requires an expression that evaluates to a string as a first argument, found: ${typeOf(input)}`);
  }
  if (typeof separator !== "string") {
    throw mongoError(`$split requires an expression that evaluates to a string as a second argument, found: ${typeOf(separator)}`);
  }
  if (separator === "") throw mongoError("$split requires a non-empty separator");
  return input.split(separator);
};

/** A start or end index of `$indexOfBytes`/`$indexOfCP`: an exact, nonnegative 32-bit integer. */
function indexArgument(name: string, v: unknown, what: string): number {
  const n = int32Of(v);
  if (n === undefined) {
    // MongoDB's message has no space after the operator's name
    throw mongoError(`${name}requires an integral ${what}, found a value of type: ${typeOf(v)}, with value: ${valueText(v)}`);
  }
  if (n < 0) throw mongoError(`${name} requires a nonnegative ${what}, found: ${valueText(v)}`);
  return n;
}

/**
 * The arguments of `$indexOfBytes`/`$indexOfCP`, evaluated as MongoDB does: the string first
 * (null or missing answers null before the others), then the token, start and end.
 */
function indexOfArguments(
  name: string,
  expr: unknown,
  obj: unknown,
  options: Options,
): [string, string, () => number, () => number | undefined] | null {
  const args = argumentList(name, expr, 2, 4);
  const input = evalExpr(obj, args[0], options);
  if (isNil(input)) return null;
  if (typeof input !== "string") throw mongoError(`${name} requires a string as the first argument, found: ${typeOf(input)}`);
  const token = evalExpr(obj, args[1], options);
  if (typeof token !== "string") throw mongoError(`${name} requires a string as the second argument, found: ${typeOf(token)}`);
  const start = (): number => (args.length > 2 ? indexArgument(name, evalExpr(obj, args[2], options), "starting index") : 0);
  const end = (): number | undefined =>
    args.length > 3 ? indexArgument(name, evalExpr(obj, args[3], options), "ending index") : undefined;
  return [input, token, start, end];
}

const indexOfBytes: ExpressionOperator = (obj, expr, options) => {
  const parsed = indexOfArguments("$indexOfBytes", expr, obj, options);
  if (parsed === null) return null;
  const [input, token, startOf, endOf] = parsed;
  const bytes = Buffer.from(input, "utf8");
  const start = startOf();
  const end = Math.min(bytes.length, endOf() ?? bytes.length);
  if (start > bytes.length || end < start) return -1;
  return bytes.subarray(0, end).indexOf(Buffer.from(token, "utf8"), start);
};

const indexOfCP: ExpressionOperator = (obj, expr, options) => {
  const parsed = indexOfArguments("$indexOfCP", expr, obj, options);
  if (parsed === null) return null;
  const [input, token, startOf, endOf] = parsed;
  const start = startOf();
  // `from` and `to` are the UTF-16 indexes of code points `start` and `end`
  let length = 0;
  let from = input.length;
  for (let i = 0; i < input.length; i = nextCodePoint(input, i), length++) if (length === start) from = i;
  const end = Math.min(length, endOf() ?? length);
  if (end < start) return -1;
  if (input === "" && token === "") return 0;
  let to = from;
  for (let cp = start; cp < end; cp++) to = nextCodePoint(input, to);
  // the token starts at a code point before the end, and may run past it (MongoDB's loop)
  const hit = input.indexOf(token, from);
  return hit < 0 || hit >= to ? -1 : start + codePointCount(input, from, hit);
};

/**
 * The operators of this file and of bsonStringsRewrite.ts, to lay over mingo's.
 * @throws ServerError 400 `MongoDBError` (as the operators run) for a wrong number of arguments, an argument of the wrong type, a value that is no string where one is required, an offset that splits a UTF-8 character or is negative, an empty `$split` separator, with MongoDB's messages
 */
export const bsonStringExpressions: Record<string, ExpressionOperator> = {
  $substr: substrBytes,
  $substrBytes: substrBytes,
  $substrCP: substrCP,
  $strLenBytes: strLenBytes,
  $strLenCP: strLenCP,
  $toUpper: caseChange("$toUpper", upperAscii),
  $toLower: caseChange("$toLower", lowerAscii),
  $strcasecmp: strcasecmp,
  $split: split,
  $indexOfBytes: indexOfBytes,
  $indexOfCP: indexOfCP,
  ...bsonStringRewriteExpressions,
};
