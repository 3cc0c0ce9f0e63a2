/**
 * `$round` and `$trunc` as MongoDB's `evaluateRoundOrTrunc` (expression.cpp): the number is
 * quantized as a Decimal128 to the exponent `-place`, half to even (`$round`) or toward zero
 * (`$trunc`). A double is first converted to a Decimal128 of 34 significant digits of its exact
 * binary value, so `2.51` (2.50999…) rounds to 3 and `1.35` (1.3500…09) to 1.4 at one place, where
 * rounding the double itself gives 2 and 1.3; the result is a double again. An integer keeps its
 * value for `place >= 0` and becomes an Int64 where the rounded value leaves 32 bits. A result
 * that needs more than a Decimal128's 34 digits is NaN, as IEEE 754's quantize makes it.
 * @packageDocumentation
 */
import { Decimal128, Long } from "bson";
import { evalExpr } from "mingo/core";
import type { Options } from "mingo/types";
import { bsonType, bsonTypeName, isNumeric } from "./bsonNumbers.js";
import { mongoError } from "./errors.js";
import { argumentList } from "./expressionArgs.js";
import { INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, formatStreamDouble } from "./numberText.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;

/** A finite decimal number: `sign × coefficient × 10^exponent`. */
export interface Exact {
  negative: boolean;
  coefficient: bigint;
  exponent: number;
}

const MAX_DIGITS = 34;

/**
 * A decimal text (`-1.250E+3`, `0.001`, `12`) as its exact parts, or undefined for NaN and infinities.
 * @param text - a Decimal128's or a double's text
 */
export function parseDecimal(text: string): Exact | undefined {
  const m = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return undefined;
  const fraction = m[3] ?? "";
  return { negative: m[1] === "-", coefficient: BigInt(`${m[2] ?? ""}${fraction}` || "0"), exponent: Number(m[4] ?? 0) - fraction.length };
}

/**
 * `exact` quantized to `exponent`, half to even or toward zero; undefined if the coefficient needs
 * more than 34 digits (IEEE 754's invalid operation).
 * @param exact - the number
 * @param exponent - the exponent of the result
 * @param halfEven - round half to even (else toward zero)
 */
export function quantize(exact: Exact, exponent: number, halfEven: boolean): Exact | undefined {
  let coefficient: bigint;
  if (exact.exponent >= exponent) {
    coefficient = exact.coefficient * 10n ** BigInt(exact.exponent - exponent);
  } else {
    const divisor = 10n ** BigInt(exponent - exact.exponent);
    coefficient = exact.coefficient / divisor;
    const rest = exact.coefficient % divisor;
    if (halfEven && (rest * 2n > divisor || (rest * 2n === divisor && coefficient % 2n === 1n))) coefficient += 1n;
  }
  if (coefficient.toString().length > MAX_DIGITS) return undefined;
  return { negative: exact.negative, coefficient, exponent };
}

const text = (e: Exact): string => `${e.negative ? "-" : ""}${e.coefficient}E${e.exponent}`;

/** The place argument: null stops the operator (null result); otherwise an integer from -20 to 100. */
function placeOf(name: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (!isNumeric(value)) throw mongoError(`can't convert from BSON type ${bsonTypeName(value)} to long`);
  const n = typeof value === "number" ? value : Number((value as { toString(): string }).toString());
  // coerceToLong comes first in MongoDB: NaN, infinities and doubles beyond an Int64 fail there
  if (typeof value === "number" && !(value >= -(2 ** 63) && value < 2 ** 63)) {
    throw mongoError(`Can't coerce out of range value ${formatStreamDouble(value)} to long`);
  }
  if (!Number.isInteger(n) || n < INT32_MIN || n > INT32_MAX) throw mongoError(`precision argument to  ${name} must be a integral value`);
  if (n < -20 || n > 100) throw mongoError(`cannot apply ${name} with precision value ${n} value must be in [-20, 100]`);
  return n;
}

/** Whether a number is one of the integer types (a JS whole number is an Int32 or an Int64 in the store, see `bsonTypeName`). */
function isIntegerType(value: unknown): boolean {
  const name = bsonTypeName(value);
  return name === "int" || name === "long";
}

/**
 * A number rounded as `$round` (half to even) or `$trunc` (toward zero) rounds it.
 * @param name - the operator, for messages
 * @param value - a number of any BSON type
 * @param place - the decimal place, -20 to 100
 * @param halfEven - `$round` (true) or `$trunc` (false)
 * @returns a number of the input's type (an integer may become an Int64)
 * @throws ServerError 400 `MongoDBError` when an Int64 result leaves the Int64 range
 */
function roundNumber(name: string, value: unknown, place: number, halfEven: boolean): unknown {
  const type = bsonType(value);
  if (type === "Decimal128") {
    const exact = parseDecimal(String(value));
    if (!exact) return value; // NaN and infinities stay
    const out = quantize(exact, -place, halfEven);
    return Decimal128.fromString(out ? text(out) : "NaN");
  }
  const plain = typeof value === "number" ? value : Number(String(value));
  if (type !== "Long" && !(type === "Int32" || isIntegerType(value))) {
    // a double: its 34 significant digits (toPrecision reads the exact binary value)
    if (!Number.isFinite(plain)) return plain;
    const exact = parseDecimal(plain.toPrecision(MAX_DIGITS));
    const out = exact && quantize({ ...exact, negative: Object.is(plain, -0) || plain < 0 }, -place, halfEven);
    return out ? Number(text(out)) : NaN;
  }
  if (place >= 0) return type === "Int32" ? plain : value;
  const whole = BigInt(String(value));
  const out = quantize({ negative: whole < 0n, coefficient: whole < 0n ? -whole : whole, exponent: 0 }, -place, halfEven);
  const result = out ? (out.negative ? -1n : 1n) * out.coefficient * 10n ** BigInt(out.exponent) : undefined;
  if (result === undefined || result < INT64_MIN || result > INT64_MAX) {
    throw mongoError(`invalid conversion from Decimal128 result in ${name} resulting from arguments: [${String(value)}, ${place}]`);
  }
  // an Int32 stays one where the result fits; an Int64 (a JS whole number beyond 32 bits is one) stays an Int64
  const long = type === "Long" || bsonTypeName(value) === "long";
  return !long && result >= BigInt(INT32_MIN) && result <= BigInt(INT32_MAX) ? Number(result) : Long.fromBigInt(result);
}

/**
 * `$round` or `$trunc`: `[number, place?]`, or the number alone; null when either is null or missing.
 * @throws ServerError 400 `MongoDBError` for a wrong count of arguments, a number or place that is not numeric, a place that is not an integer from -20 to 100
 */
function roundingOperator(name: "$round" | "$trunc", halfEven: boolean): ExpressionOperator {
  return (obj, expr, options) => {
    const args = argumentList(name, expr, 1, 2);
    const value = evalExpr(obj, args[0], options);
    if (value === null || value === undefined) return null;
    if (!isNumeric(value)) throw mongoError(`${name} only supports numeric types, not ${bsonTypeName(value)}`);
    const place = args.length > 1 ? placeOf(name, evalExpr(obj, args[1], options)) : 0;
    return place === null ? null : roundNumber(name, value, place, halfEven);
  };
}

/**
 * `$round` and `$trunc`, to lay over mingo's.
 * @throws ServerError 400 `MongoDBError` (as the operators run), see {@link roundNumber}
 */
export const bsonRoundingExpressions: Record<string, ExpressionOperator> = {
  $round: roundingOperator("$round", true),
  $trunc: roundingOperator("$trunc", false),
};
