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
 * `$abs`, `$ceil` and `$floor` keep the type (`$round` and `$trunc`: bsonRounding.ts). Operations without an Int64
 * or a Decimal128 stay mingo's.
 * @packageDocumentation
 */
import { Decimal128, Long } from "bson";
import { Decimal } from "decimal.js";
import { evalExpr } from "mingo/core";
import * as accumulatorOperators from "mingo/operators/accumulator";
import * as expressionOperators from "mingo/operators/expression";
import type { Options } from "mingo/types";
import { bsonTypeName, isBsonNumber, isNumeric } from "./bsonNumbers.js";
import { mongoError } from "./errors.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;
type AccumulatorOperator = (collection: unknown[], expr: unknown, options: Options) => unknown;

const mingoExpression = expressionOperators as unknown as Record<string, ExpressionOperator>;
const mingoAccumulator = accumulatorOperators as unknown as Record<string, AccumulatorOperator>;

/** Decimal128's arithmetic: 34 digits, half to even, its exponent range. */
export const D = Decimal.clone({ precision: 34, rounding: Decimal.ROUND_HALF_EVEN, minE: -6176, maxE: 6144, toExpNeg: -7, toExpPos: 34 });

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const bsonTypeOf = (v: unknown): unknown => (v as { _bsontype?: unknown })._bsontype;
const isDecimal = (v: unknown): boolean => typeof v === "object" && v !== null && bsonTypeOf(v) === "Decimal128";
const isLong = (v: unknown): boolean => typeof v === "object" && v !== null && bsonTypeOf(v) === "Long";
const isNil = (v: unknown): v is null | undefined => v === null || v === undefined;

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

/** A double's text as MongoDB converts it to a Decimal128: 15 significant digits (a whole number within 2^53 exactly, as it may have been an Int32 or an Int64). */
export function doubleText(v: number): string {
  return Number.isSafeInteger(v) || !Number.isFinite(v) ? String(v) : v.toPrecision(15);
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

/**
 * A date moved by a number of milliseconds as MongoDB moves it: an integer exactly, a double
 * rounded half away from zero (C's llround), a Decimal128 half to even; beyond the Int64 range, or
 * beyond what a JavaScript Date holds (±8.64e15 ms), "date overflow".
 */
function moved(date: Date, ms: unknown, sign: 1 | -1): Date {
  const overflow = (): never => {
    throw mongoError("date overflow");
  };
  let delta: bigint;
  const type = bsonTypeName(ms);
  if (type === "decimal") {
    const d = toDecimal(ms);
    if (!d.isFinite()) overflow();
    delta = BigInt(d.toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).toFixed(0));
  } else if (type === "double") {
    const x = toDouble(ms);
    if (!(x >= -(2 ** 63) && x < 2 ** 63)) overflow();
    delta = BigInt(Math.sign(x) * Math.round(Math.abs(x)));
  } else {
    delta = toBigInt(ms);
  }
  const result = BigInt(date.getTime()) + BigInt(sign) * delta;
  if (result < -8_640_000_000_000_000n || result > 8_640_000_000_000_000n) overflow();
  return new Date(Number(result));
}

function add(args: unknown[]): unknown {
  const at = args.findIndex((v) => v instanceof Date);
  if (args.filter((v) => v instanceof Date).length > 1) throw mongoError("only one date allowed in an $add expression");
  const other = args.find((v) => !isNumeric(v) && !(v instanceof Date));
  if (other !== undefined) throw mongoError(`$add only supports numeric or date types, not ${bsonTypeName(other)}`);
  if (at < 0) return sum(args);
  // the numbers before the date are summed in their type, each one after moves the date on its own
  let date = at > 0 ? moved(args[at] as Date, sum(args.slice(0, at)), 1) : (args[at] as Date);
  for (const v of args.slice(at + 1)) date = moved(date, v, 1);
  return date;
}

function subtract(args: unknown[]): unknown {
  if (args.length !== 2) throw mongoError(`Expression $subtract takes exactly 2 arguments. ${args.length} were passed in.`);
  const [a, b] = args;
  if (a instanceof Date) {
    if (b instanceof Date) return Long.fromNumber(a.getTime() - b.getTime());
    if (isNumeric(b)) return moved(a, b, -1);
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
  if (args.length !== 2) throw mongoError(`Expression $divide takes exactly 2 arguments. ${args.length} were passed in.`);
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
    // $abs keeps a Decimal128's digits (`-1.50` gives `1.50`); the smallest Int64 has no Int64 absolute value
    if (isDecimal(value)) return fromDecimal(result, name === "$abs" ? exponentOf(value) : undefined);
    if (name === "$abs" && toBigInt(value) === INT64_MIN) throw mongoError("can't take $abs of long long min");
    return longOrDouble(BigInt(result.toFixed(0)), result.toNumber());
  };
}

/**
 * The expression operators of this file, to lay over mingo's.
 * @throws ServerError 400 `MongoDBError` (as the operators run) for an operand that is not a number, a division by zero, or a bad `place`
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

/** mingo's number test: a JavaScript number, not NaN. */
const isPlainNumber = (v: unknown): v is number => typeof v === "number" && !Number.isNaN(v);
/** What `$sum` and `$avg` add up: numbers of every type, a JavaScript NaN left out as mingo leaves it out. */
const isSummed = (v: unknown): boolean => isNumeric(v) && !(typeof v === "number" && Number.isNaN(v));

/**
 * The accumulators of this file, to lay over mingo's (mingo's semantics where no Int64 or Decimal128 is among the values).
 * @throws nothing of their own: values that are not numbers are left out
 */
export const bsonArithmeticAccumulators: Record<string, AccumulatorOperator> = {
  $sum: (collection, expr, options) => {
    if (typeof expr === "number") return mingoAccumulator.$sum?.(collection, expr, options);
    const values = mingoAccumulator.$push?.(collection, expr, options) as unknown[];
    if (values.some(isBsonNumber)) return sum(values.filter(isSummed));
    return values.reduce<number>((acc, v) => (isPlainNumber(v) ? acc + v : acc), 0);
  },
  $avg: (collection, expr, options) => {
    const values = mingoAccumulator.$push?.(collection, expr, options) as unknown[];
    if (values.some(isDecimal)) {
      const numbers = values.filter(isSummed);
      return fromDecimal(toDecimal(sum(numbers)).dividedBy(numbers.length));
    }
    const numbers = values.some(isBsonNumber) ? values.filter(isSummed) : values.filter(isPlainNumber);
    if (numbers.length === 0) return null;
    return numbers.reduce<number>((acc, v) => acc + toDouble(v), 0) / numbers.length;
  },
};
