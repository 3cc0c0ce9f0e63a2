/**
 * Type conversions as MongoDB's `$convert` makes them (its `ConversionTable` in expression.cpp,
 * 5.0–7.0; a double's text as 8.0 writes it, see numberText.ts's `formatDouble`): `$convert` and the `$toInt`, `$toLong`, `$toDouble`, `$toDecimal`, `$toBool`,
 * `$toString`, `$toObjectId` and `$toDate` shorthands. mingo's parsed `" 1"`, `"0x10"` and
 * `"1e3"` as integers, converted an Int64 beyond 2^53 only with an error, turned a date into an
 * int and `true` into a date, and evaluated a converted string again as an expression (a stored
 * `"$19.99"` became a field path). Here the input is evaluated once, numbers are parsed as
 * MongoDB's NumberParser parses them (numberText.ts), and a conversion the table does not have
 * fails with MongoDB's "Unsupported conversion" message, which `onError` catches.
 * @packageDocumentation
 */
import { Decimal128, Long, ObjectId } from "bson";
import { evalExpr } from "mingo/core";
import type { Options } from "mingo/types";
import { bsonType, bsonTypeName } from "./bsonNumbers.js";
import { parseDecimal, quantize } from "./bsonRounding.js";
import { mongoError } from "./errors.js";
import { isNil } from "./expressionArgs.js";
import {
  INT32_MAX,
  INT32_MIN,
  INT64_MAX,
  INT64_MIN,
  conversionFailure,
  decimalOf,
  formatDouble,
  formatStreamDouble,
  parseDouble,
  parseInteger,
} from "./numberText.js";
import { dateOf } from "./dateConversions.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;

/** The targets of the conversion table, by MongoDB's type name. */
type Target = "double" | "string" | "objectId" | "bool" | "date" | "int" | "long" | "decimal";

/** MongoDB's type names and codes, for `to`. */
const TYPE_CODES: Record<string, number> = {
  double: 1, string: 2, object: 3, array: 4, binData: 5, undefined: 6, objectId: 7, bool: 8, date: 9, null: 10, regex: 11,
  dbPointer: 12, javascript: 13, symbol: 14, javascriptWithScope: 15, int: 16, timestamp: 17, long: 18, decimal: 19, minKey: -1, maxKey: 127,
}; // prettier-ignore
const NAME_OF_CODE = new Map(Object.entries(TYPE_CODES).map(([name, code]) => [code, name]));
const TARGETS = new Set<string>(["double", "string", "objectId", "bool", "date", "int", "long", "decimal"]);

/** The text of a BSON number class (Long, Int32, Double, Decimal128). */
const textOf = (v: unknown): string => (v as { toString(): string }).toString();

function unsupported(from: string, to: string): never {
  throw conversionFailure(`Unsupported conversion from ${from} to ${to} in $convert with no onError value`);
}

/** A number's value as a BigInt after truncation toward zero, with MongoDB's checks for an integer target. */
function truncated(value: unknown, from: string): bigint {
  if (from === "decimal") {
    const text = String(value);
    if (text === "NaN") throw conversionFailure("Attempt to convert NaN value to integer type in $convert with no onError value");
    if (/Infinity/.test(text))
      throw conversionFailure("Attempt to convert infinity value to integer type in $convert with no onError value");
    // toward zero at exponent 0; a value of more than 34 integer digits is far beyond any integer type
    const exact = parseDecimal(text);
    const whole = exact && quantize(exact, 0, false);
    if (!whole) throw conversionFailure(`Conversion would overflow target type in $convert with no onError value: ${text}`);
    return whole.negative ? -whole.coefficient : whole.coefficient;
  }
  if (from === "long" || from === "int") return BigInt(String(value));
  const d = Number(value);
  if (Number.isNaN(d)) throw conversionFailure("Attempt to convert NaN value to integer type in $convert with no onError value");
  if (!Number.isFinite(d)) throw conversionFailure("Attempt to convert infinity value to integer type in $convert with no onError value");
  return BigInt(Math.trunc(d));
}

/** An integer conversion's result within `[min, max]`, or MongoDB's overflow failure naming the input. */
function inRange(n: bigint, min: bigint, max: bigint, value: unknown, from: string): bigint {
  if (n >= min && n <= max) return n;
  const shown = from === "double" ? formatStreamDouble(Number(value)) : from === "decimal" ? String(value) : "";
  throw conversionFailure(`Conversion would overflow target type in $convert with no onError value: ${shown}`);
}

const asLong = (n: bigint): Long => Long.fromBigInt(n);

function toInt(value: unknown, from: string): number {
  if (from === "bool") return value ? 1 : 0;
  if (from === "string") return Number(parseInteger(value as string, BigInt(INT32_MIN), BigInt(INT32_MAX)));
  if (from !== "double" && from !== "int" && from !== "long" && from !== "decimal") unsupported(from, "int");
  return Number(inRange(truncated(value, from), BigInt(INT32_MIN), BigInt(INT32_MAX), value, from));
}

function toLong(value: unknown, from: string): Long {
  if (from === "bool") return asLong(value ? 1n : 0n);
  if (from === "date") return asLong(BigInt((value as Date).getTime()));
  if (from === "string") return asLong(parseInteger(value as string, INT64_MIN, INT64_MAX));
  if (from === "double") {
    // MongoDB's range is [-2^63, 2^63): the double 2^63 is out
    const d = Number(value);
    if (Number.isFinite(d) && (d < -(2 ** 63) || d >= 2 ** 63)) inRange(INT64_MAX + 1n, INT64_MIN, INT64_MAX, value, from);
  }
  if (from !== "double" && from !== "int" && from !== "long" && from !== "decimal") unsupported(from, "long");
  return asLong(inRange(truncated(value, from), INT64_MIN, INT64_MAX, value, from));
}

function toDouble(value: unknown, from: string): number {
  switch (from) {
    case "double":
    case "int":
    case "long":
      return Number(String(value));
    case "bool":
      return value ? 1 : 0;
    case "date":
      return (value as Date).getTime();
    case "string":
      return parseDouble(value as string);
    case "decimal": {
      const text = String(value);
      const d = Number(text);
      if (!Number.isFinite(d) && !/Infinity|NaN/.test(text)) {
        throw conversionFailure(`Conversion would overflow target type in $convert with no onError value: ${text}`);
      }
      if (d === 0 && /[1-9]/.test(text.replace(/E.*$/i, ""))) {
        throw conversionFailure(`Conversion would overflow target type in $convert with no onError value: ${text}`);
      }
      return d;
    }
    default:
      return unsupported(from, "double");
  }
}

function toStringValue(value: unknown, from: string): string {
  switch (from) {
    case "string":
      return value as string;
    case "double":
      return formatDouble(Number(value));
    case "int":
    case "long":
    case "decimal":
      return String(value);
    case "bool":
      return value ? "true" : "false";
    case "objectId":
      return (value as ObjectId).toHexString();
    case "date":
      return (value as Date).toISOString();
    default:
      return unsupported(from, "string");
  }
}

function toObjectId(value: unknown, from: string): ObjectId {
  if (from === "objectId") return value as ObjectId;
  if (from !== "string") unsupported(from, "objectId");
  const text = value as string;
  const problem =
    text.length !== 24
      ? `Invalid string length for parsing to OID, expected 24 but found ${text.length}`
      : /^[0-9a-fA-F]*$/.test(text)
        ? undefined
        : "Invalid character found in hex string";
  if (problem) throw conversionFailure(`Failed to parse objectId '${text}' in $convert with no onError value: ${problem}`);
  return new ObjectId(text);
}

/**
 * A value as MongoDB's `coerceToBool` sees it: false for null, missing, `false` and zeros of every
 * number type (a NaN double or decimal is true); true for everything else.
 * @param value - anything
 */
export function coerceToBool(value: unknown): boolean {
  if (isNil(value) || value === false) return false;
  if (typeof value === "number") return value !== 0 || Number.isNaN(value);
  const type = bsonType(value);
  if (type === "Decimal128") return !/^-?0(?:\.0*)?(?:E[+-]?\d+)?$/i.test(textOf(value));
  if (type === "Long" || type === "Int32" || type === "Double") return Number(textOf(value)) !== 0 || textOf(value) === "NaN";
  return true;
}

function toDecimal(value: unknown, from: string): Decimal128 {
  if (from === "objectId" || from === "object" || from === "array" || from === "regex" || from === "timestamp" || from === "binData") {
    unsupported(from, "decimal");
  }
  const out = decimalOf(value);
  if (out === null) unsupported(from, "decimal");
  return out;
}

/**
 * A value converted to a target type as MongoDB's conversion table converts it.
 * @param value - not null or missing
 * @param target - the target's type name
 * @returns the converted value
 * @throws ServerError 400 `MongoDBError` (a conversion failure, which `onError` catches) for a conversion the table does not have or a value it cannot convert
 */
function convertValue(value: unknown, target: Target): unknown {
  const from = bsonTypeName(value);
  switch (target) {
    case "int":
      return toInt(value, from);
    case "long":
      return toLong(value, from);
    case "double":
      return toDouble(value, from);
    case "decimal":
      return toDecimal(value, from);
    case "string":
      return toStringValue(value, from);
    case "objectId":
      return toObjectId(value, from);
    case "bool":
      return coerceToBool(value);
    case "date":
      return dateOf(value, from);
  }
}

/** `to` as a target type name; null when it is null or missing. */
function targetOf(to: unknown): string | null {
  if (isNil(to)) return null;
  if (typeof to === "string") {
    // "missing" is accepted as `$type` may give it; converting to it then fails (onError catches that)
    if (!(to in TYPE_CODES) && to !== "missing") throw mongoError(`Unknown type name: ${to}`);
    return to;
  }
  const code = typeof to === "number" ? to : bsonType(to) === undefined ? undefined : Number(textOf(to));
  if (code === undefined) throw mongoError(`$convert's 'to' argument must be a string or number, but is ${bsonTypeName(to)}`);
  if (!Number.isInteger(code)) throw mongoError("In $convert, numeric 'to' argument is not an integer");
  const name = NAME_OF_CODE.get(code);
  if (name === undefined) throw mongoError(`In $convert, numeric value for 'to' does not correspond to a BSON type: ${code}`);
  return name;
}

const CONVERT_FIELDS = new Set(["input", "to", "onError", "onNull"]);

/**
 * `$convert`: `{input, to, onError?, onNull?}`; `onNull` (or null) for a null or missing input,
 * null for a null `to`, `onError` for a failed conversion (not for a bad `to`).
 * @throws ServerError 400 `MongoDBError` for a malformed spec, an unknown `to`, or a failed conversion without `onError`
 */
export const convertExpression: ExpressionOperator = (obj, expr, options) => {
  if (typeof expr !== "object" || expr === null || Array.isArray(expr)) {
    throw mongoError(`$convert expects an object of named arguments but found: ${bsonTypeName(expr)}`);
  }
  for (const key of Object.keys(expr)) if (!CONVERT_FIELDS.has(key)) throw mongoError(`$convert found an unknown argument: ${key}`);
  const spec = expr as { input?: unknown; to?: unknown; onError?: unknown; onNull?: unknown };
  if (!("input" in spec)) throw mongoError("Missing 'input' parameter to $convert");
  if (!("to" in spec)) throw mongoError("Missing 'to' parameter to $convert");
  const target = targetOf(evalExpr(obj, spec.to, options));
  const input = evalExpr(obj, spec.input, options);
  if (isNil(input)) return spec.onNull === undefined ? null : evalExpr(obj, spec.onNull, options);
  if (target === null) return null;
  try {
    if (!TARGETS.has(target)) unsupported(bsonTypeName(input), target);
    return convertValue(input, target as Target);
  } catch (err) {
    if (spec.onError === undefined || !(err as { conversion?: boolean }).conversion) throw err;
    return evalExpr(obj, spec.onError, options);
  }
};

/** `$toInt` and its kind: the input converted, null for null or missing. */
function shorthand(target: Target): ExpressionOperator {
  return (obj, expr, options) => {
    const input = evalExpr(obj, Array.isArray(expr) && expr.length === 1 ? expr[0] : expr, options);
    return isNil(input) ? null : convertValue(input, target);
  };
}

/**
 * The conversion operators, to lay over mingo's.
 * @throws ServerError 400 `MongoDBError` (as the operators run): a conversion failure, see {@link convertExpression}
 */
export const bsonConversionExpressions: Record<string, ExpressionOperator> = {
  $convert: convertExpression,
  $toInt: shorthand("int"),
  $toLong: shorthand("long"),
  $toDouble: shorthand("double"),
  $toDecimal: shorthand("decimal"),
  $toBool: shorthand("bool"),
  $toString: shorthand("string"),
  $toObjectId: shorthand("objectId"),
  $toDate: shorthand("date"),
};
