/**
 * Arithmetic over numbers of every BSON type, which mingo does only over JavaScript numbers: its
 * `$sum` and `$avg` left an Int64 or a Decimal128 out (a total of Decimal128 prices was 0), and
 * `$add`, `$subtract`, `$multiply` and `$divide` refused them. Here, as in MongoDB:
 *
 * - with a Decimal128 among the operands, the result is a Decimal128 (34 significant digits,
 *   rounded half to even, through decimal.js); a double joins with 15 significant digits, as
 *   MongoDB converts it;
 * - with an Int64 and whole numbers only, an Int64 (a double where it overflows);
 * - otherwise, and for `$divide` and `$avg` without a Decimal128, a double.
 *
 * `$abs`, `$ceil` and `$floor` keep the type (`$round` and `$trunc`: bsonRounding.ts). A date moves
 * as MongoDB 5.0–7.0 moves it (see `add` and `subtract`). Operations without an Int64, a Decimal128
 * or a date stay mingo's.
 * @packageDocumentation
 */
import { Decimal128, Long } from "bson";
import { Decimal } from "decimal.js";
import { evalExpr } from "mingo/core";
import * as expressionOperators from "mingo/operators/expression";
import type { Options } from "mingo/types";
import { bsonTypeName, isBsonNumber, isNumeric } from "./bsonNumbers.js";
import { mongoError } from "./errors.js";
import { argumentList, isNil } from "./expressionArgs.js";
import { INT64_MAX, INT64_MIN, doubleText, formatStreamDouble } from "./numberText.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;

const mingoExpression = expressionOperators as unknown as Record<string, ExpressionOperator>;

/** Decimal128's arithmetic: 34 digits, half to even, its exponent range. */
export const D = Decimal.clone({ precision: 34, rounding: Decimal.ROUND_HALF_EVEN, minE: -6176, maxE: 6144, toExpNeg: -7, toExpPos: 34 });

const bsonTypeOf = (v: unknown): unknown => (v as { _bsontype?: unknown })._bsontype;
const isDecimal = (v: unknown): boolean => typeof v === "object" && v !== null && bsonTypeOf(v) === "Decimal128";
const isLong = (v: unknown): boolean => typeof v === "object" && v !== null && bsonTypeOf(v) === "Long";

/** A number as a plain double. */
const toDouble = (v: unknown): number => (typeof v === "number" ? v : Number(String(v)));

/**
 * A number as decimal.js holds it: a double with 15 significant digits, as MongoDB converts it.
 * @param v - a number of any BSON type
 */
export function toDecimal(v: unknown): Decimal {
  if (typeof v !== "number") return new D(String(v));
  return new D(doubleText(v));
}

/**
 * A Decimal128 of a result; with `exponent` (IEEE 754's preferred exponent of an exact sum or
 * product), written with the trailing zeros it implies, as MongoDB keeps them: `9.50 + 1` is
 * `10.50`, `9.5 × 2` is `19.0`; within what a Decimal128 holds (34 digits, exponents from -6176).
 */
export function fromDecimal(d: Decimal, exponent?: number): Decimal128 {
  if (exponent !== undefined && exponent < 0 && d.isFinite()) {
    const target = Math.max(exponent, -6176, d.isZero() ? -Infinity : d.e + 1 - 34);
    if (target < 0 && d.decimalPlaces() <= -target) return Decimal128.fromStringWithRounding(d.toFixed(-target));
  }
  return Decimal128.fromStringWithRounding(d.toString());
}

/** The exponent of a number's last digit as a Decimal128 holds it (`9.50`: -2; a whole number: 0). */
function exponentOf(v: unknown): number {
  const text = typeof v === "number" ? (Number.isSafeInteger(v) || !Number.isFinite(v) ? "0" : v.toPrecision(15)) : String(v);
  const m = /^-?\d*(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  return m ? Number(m[2] ?? 0) - (m[1]?.length ?? 0) : 0;
}

/** An Int64 where the value fits, else the double. */
function longOrDouble(value: bigint, double: number): Long | number {
  return value >= INT64_MIN && value <= INT64_MAX ? Long.fromBigInt(value) : double;
}

/** An Int64, or a double that holds a whole number exactly within 2^53 (beyond, MongoDB's result is a double). */
const isWhole = (v: unknown): boolean => isLong(v) || (typeof v === "number" && Number.isSafeInteger(v));
const toBigInt = (v: unknown): bigint => BigInt(String(v));

/** How numbers combine: Decimal128, Int64 (all whole, one an Int64), or double. */
function kindOf(values: unknown[]): "decimal" | "long" | "double" {
  if (values.some(isDecimal)) return "decimal";
  return values.some(isLong) && values.every(isWhole) ? "long" : "double";
}

/**
 * The sum of numbers of any BSON types, typed as MongoDB types it (see the file's comment).
 * @param values - numbers (see `isNumeric`)
 * @throws nothing: an overflow gives a double, or a Decimal128 infinity
 */
export function sum(values: unknown[]): unknown {
  switch (kindOf(values)) {
    case "decimal":
      return fromDecimal(
        values.reduce<Decimal>((acc, v) => acc.plus(toDecimal(v)), new D(0)),
        values.reduce<number>((acc, v) => Math.min(acc, exponentOf(v)), 0),
      );
    case "long":
      return longOrDouble(
        values.reduce<bigint>((acc, v) => acc + toBigInt(v), 0n),
        values.reduce<number>((acc, v) => acc + toDouble(v), 0),
      );
    default:
      return values.reduce<number>((acc, v) => acc + toDouble(v), 0);
  }
}

/**
 * The product of numbers of any BSON types, typed as MongoDB types it.
 * @param values - numbers (see `isNumeric`)
 * @throws nothing: an overflow gives a double, or a Decimal128 infinity
 */
export function product(values: unknown[]): unknown {
  switch (kindOf(values)) {
    case "decimal":
      return fromDecimal(
        values.reduce<Decimal>((acc, v) => acc.times(toDecimal(v)), new D(1)),
        values.reduce<number>((acc, v) => acc + exponentOf(v), 0),
      );
    case "long":
      return longOrDouble(
        values.reduce<bigint>((acc, v) => acc * toBigInt(v), 1n),
        values.reduce<number>((acc, v) => acc * toDouble(v), 1),
      );
    default:
      return values.reduce<number>((acc, v) => acc * toDouble(v), 1);
  }
}

function negate(v: unknown): unknown {
  if (isDecimal(v)) return fromDecimal(toDecimal(v).negated(), exponentOf(v));
  if (isLong(v)) return (v as Long).negate();
  return -toDouble(v);
}

/** `$literal`s of evaluated values, so that mingo's operator does not evaluate them again. */
const literals = (values: unknown[]): unknown[] => values.map(($literal) => ({ $literal }));

/**
 * An expression operator that runs `own` over its evaluated operands when one is an Int64, a
 * Decimal128 or a date, and mingo's otherwise.
 */
function arithmetic(name: string, own: (args: unknown[]) => unknown): ExpressionOperator {
  return (obj, expr, options) => {
    if (!Array.isArray(expr)) return mingoExpression[name]?.(obj, expr, options);
    const args = evalExpr(obj, expr, options) as unknown[];
    if (!args.some((v) => isBsonNumber(v) || v instanceof Date)) return mingoExpression[name]?.(obj, literals(args), options);
    if (args.some(isNil)) return null;
    return own(args);
  };
}

function numbersOnly(name: string, args: unknown[]): void {
  const other = args.find((v) => !isNumeric(v));
  if (other !== undefined) throw mongoError(`${name} only supports numeric types, not ${bsonTypeName(other)}`);
}

/** The milliseconds a JavaScript Date holds at most either side of the epoch (MongoDB's dates are 64-bit). */
const MAX_DATE_MS = 8_640_000_000_000_000n;

/** A date `ms` milliseconds after the epoch, or `message` when a JavaScript Date cannot hold it. */
function dateAt(ms: bigint, message: string): Date {
  if (ms < -MAX_DATE_MS || ms > MAX_DATE_MS) throw mongoError(message);
  return new Date(Number(ms));
}

/**
 * `$add` with a date, as MongoDB 5.0–7.0's AddState: the date's milliseconds and the numbers are
 * summed in the widest type, then an Int64 total is the date, a double total is rounded half away
 * from zero (C's llround) within the Int64 range, a Decimal128 total half to even.
 */
function addToDate(date: Date, numbers: unknown[]): Date {
  const total = sum([date.getTime(), ...numbers]);
  const overflow = "date overflow in $add";
  if (isDecimal(total)) {
    const d = toDecimal(total);
    if (!d.isFinite()) throw mongoError(overflow);
    return dateAt(BigInt(d.toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).toFixed(0)), overflow);
  }
  if (isLong(total) || (typeof total === "number" && Number.isSafeInteger(total))) return dateAt(toBigInt(total), overflow);
  const x = toDouble(total);
  if (!(x >= -(2 ** 63) && x < 2 ** 63)) throw mongoError(overflow);
  return dateAt(BigInt(Math.sign(x) * Math.round(Math.abs(x))), overflow);
}

/** A number as MongoDB 5.0–7.0's `coerceToLong` makes it: a double truncated, a Decimal128 rounded half to even. */
function coercedLong(v: unknown): bigint {
  const type = bsonTypeName(v);
  const outOfRange = (shown: string): never => {
    throw mongoError(`Can't coerce out of range value ${shown} to long`);
  };
  if (type === "decimal") {
    const d = toDecimal(v).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN);
    if (!d.isFinite() || d.greaterThan(INT64_MAX.toString()) || d.lessThan(INT64_MIN.toString())) outOfRange(String(v));
    return BigInt(d.toFixed(0));
  }
  if (type === "double") {
    const x = toDouble(v);
    if (!(x >= -(2 ** 63) && x < 2 ** 63)) outOfRange(formatStreamDouble(x));
    return BigInt(Math.trunc(x));
  }
  return toBigInt(v);
}

function add(args: unknown[]): unknown {
  if (args.filter((v) => v instanceof Date).length > 1) throw mongoError("only one date allowed in an $add expression");
  const other = args.find((v) => !isNumeric(v) && !(v instanceof Date));
  if (other !== undefined) throw mongoError(`$add only supports numeric or date types, not ${bsonTypeName(other)}`);
  const date = args.find((v): v is Date => v instanceof Date);
  return date
    ? addToDate(
        date,
        args.filter((v) => v !== date),
      )
    : sum(args);
}

function subtract(args: unknown[]): unknown {
  argumentList("$subtract", args, 2);
  const [a, b] = args;
  if (a instanceof Date) {
    if (b instanceof Date) return Long.fromNumber(a.getTime() - b.getTime());
    if (isNumeric(b)) return dateAt(BigInt(a.getTime()) - coercedLong(b), "date overflow");
    throw mongoError(`can't $subtract ${bsonTypeName(b)} from Date`);
  }
  if (!isNumeric(a) || !isNumeric(b)) throw mongoError(`can't $subtract ${bsonTypeName(b)} from ${bsonTypeName(a)}`);
  // Int64s subtract exactly (negating the smallest Int64 would wrap)
  if (kindOf(args) === "long") return longOrDouble(toBigInt(a) - toBigInt(b), toDouble(a) - toDouble(b));
  return sum([a, negate(b)]);
}

function multiply(args: unknown[]): unknown {
  numbersOnly("$multiply", args);
  return product(args);
}

function divide(args: unknown[]): unknown {
  argumentList("$divide", args, 2);
  numbersOnly("$divide", args);
  const [a, b] = args;
  if (args.some(isDecimal)) {
    if (toDecimal(b).isZero()) throw mongoError("can't $divide by zero");
    return fromDecimal(toDecimal(a).dividedBy(toDecimal(b)));
  }
  if (toDouble(b) === 0) throw mongoError("can't $divide by zero");
  return toDouble(a) / toDouble(b);
}

/**
 * A one-number operator (`$abs`, `$ceil`, `$floor`) that runs `own` over an Int64 or a Decimal128,
 * and mingo's otherwise.
 */
function unary(name: string, own: (d: Decimal) => Decimal): ExpressionOperator {
  return (obj, expr, options) => {
    const value = evalExpr(obj, expr, options);
    if (!isBsonNumber(value)) return mingoExpression[name]?.(obj, { $literal: value }, options);
    const result = own(toDecimal(value));
    // $abs keeps a Decimal128's digits and exponent (`-1.50` gives `1.50`, `-1E+3` gives `1E+3`)
    if (isDecimal(value)) return name === "$abs" ? Decimal128.fromString(String(value).replace(/^-/, "")) : fromDecimal(result);
    // the smallest Int64 has no Int64 absolute value
    if (name === "$abs" && isLong(value) && toBigInt(value) === INT64_MIN) throw mongoError("can't take $abs of long long min");
    return longOrDouble(BigInt(result.toFixed(0)), result.toNumber());
  };
}

/**
 * The expression operators of this file, to lay over mingo's.
 * @throws ServerError 400 `MongoDBError` (as the operators run) for an operand that is not a number, a division by zero, or a date moved out of range
 */
export const bsonArithmeticExpressions: Record<string, ExpressionOperator> = {
  $add: arithmetic("$add", add),
  $subtract: arithmetic("$subtract", subtract),
  $multiply: arithmetic("$multiply", multiply),
  $divide: arithmetic("$divide", divide),
  $abs: unary("$abs", (d) => d.abs()),
  $ceil: unary("$ceil", (d) => d.ceil()),
  $floor: unary("$floor", (d) => d.floor()),
};
