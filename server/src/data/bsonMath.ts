/**
 * `$mod`, `$pow`, `$exp`, `$ln`, `$log`, `$log10` and `$sqrt` as MongoDB evaluates them
 * (expression.cpp): over every number type, a Decimal128 operand making the result a Decimal128
 * (34 digits, through decimal.js), integers staying integers where MongoDB keeps them (`$mod` of
 * two Int64s, `$pow` of integers that fits in 64 bits, exact), and MongoDB's errors for a zero
 * divisor, `0` to a negative power, logarithms of numbers that are not positive and square roots
 * of negative ones. mingo's took JavaScript numbers only, answered `$mod` of a missing field
 * with an error and `$mod` by zero with NaN, and `$ln` of 0 with -Infinity.
 * @packageDocumentation
 */
import { Long } from "bson";
import type { Decimal } from "decimal.js";
import type { Options } from "mingo/types";
import { D, fromDecimal, toDecimal } from "./bsonArithmetic.js";
import { bsonTypeName, isNumeric } from "./bsonNumbers.js";
import { mongoError } from "./errors.js";
import { evaluatedArguments, isNil } from "./expressionArgs.js";
import { INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, formatStreamDouble } from "./numberText.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;

const typeOf = (v: unknown): string => bsonTypeName(v);
const isDecimalValue = (v: unknown): boolean => typeOf(v) === "decimal";
const isIntegerValue = (v: unknown): boolean => typeOf(v) === "int" || typeOf(v) === "long";
const doubleOf = (v: unknown): number => (typeof v === "number" ? v : Number((v as { toString(): string }).toString()));
const bigOf = (v: unknown): bigint => BigInt((v as { toString(): string }).toString());

/** An integer result: an Int64 when an operand was one (or it leaves 32 bits), else an Int32. */
function integerResult(n: bigint, long: boolean): number | Long {
  if (!long && n >= BigInt(INT32_MIN) && n <= BigInt(INT32_MAX)) return Number(n);
  return Long.fromBigInt(n);
}

const mod: ExpressionOperator = (obj, expr, options) => {
  const [a, b] = evaluatedArguments("$mod", expr, 2, 2, obj, options);
  if (!isNumeric(a) || !isNumeric(b)) {
    if (isNil(a) || isNil(b)) return null;
    throw mongoError(`$mod only supports numeric types, not ${typeOf(a)} and ${typeOf(b)}`);
  }
  if (isDecimalValue(a) || isDecimalValue(b)) {
    const divisor = toDecimal(b);
    if (divisor.isZero()) throw mongoError("can't $mod by zero");
    return fromDecimal(toDecimal(a).mod(divisor));
  }
  if (doubleOf(b) === 0) throw mongoError("can't $mod by zero");
  if (!isIntegerValue(a) || !isIntegerValue(b)) return doubleOf(a) % doubleOf(b);
  const long = typeOf(a) === "long" || typeOf(b) === "long";
  // truncated, the sign of the dividend; the smallest integer mod -1 is 0, not an overflow
  return integerResult(bigOf(a) % bigOf(b), long);
};

const pow: ExpressionOperator = (obj, expr, options) => {
  const [base, exponent] = evaluatedArguments("$pow", expr, 2, 2, obj, options);
  if (isNil(base) || isNil(exponent)) return null;
  if (!isNumeric(base)) throw mongoError(`$pow's base must be numeric, not ${typeOf(base)}`);
  if (!isNumeric(exponent)) throw mongoError(`$pow's exponent must be numeric, not ${typeOf(exponent)}`);
  const zeroToNegative = "$pow cannot take a base of 0 and a negative exponent";
  if (isDecimalValue(base) || isDecimalValue(exponent)) {
    const b = toDecimal(base);
    const e = toDecimal(exponent);
    if (b.isZero() && e.isNegative()) throw mongoError(zeroToNegative);
    return fromDecimal(b.pow(e));
  }
  const b = doubleOf(base);
  const e = doubleOf(exponent);
  if (b === 0 && e < 0) throw mongoError(zeroToNegative);
  if (!isIntegerValue(base) || !isIntegerValue(exponent)) {
    // C's pow: 1 to any power, and -1 to an infinite one, is 1 (JavaScript's gives NaN)
    if (b === 1 || (b === -1 && !Number.isFinite(e))) return 1;
    return b ** e;
  }
  const long = typeOf(base) === "long" || typeOf(exponent) === "long";
  const bb = bigOf(base);
  const ee = bigOf(exponent);
  if (bb === 0n || bb === 1n) return integerResult(ee === 0n ? 1n : bb, long);
  if (bb === -1n) return integerResult(ee % 2n === 0n ? 1n : -1n, long);
  if (ee < 0n || ee > 63n) return b ** e;
  const result = bb ** ee;
  return result >= INT64_MIN && result <= INT64_MAX ? integerResult(result, long) : b ** e;
};

/**
 * A one-number operator: null for null or missing, MongoDB's type error, then `decimal` for a
 * Decimal128 (undefined falls through to `double`) and `double` for the others.
 */
function unary(name: string, decimal: (d: Decimal) => Decimal | undefined, double: (x: number) => number): ExpressionOperator {
  return (obj, expr, options) => {
    const [value] = evaluatedArguments(name, expr, 1, 1, obj, options);
    if (isNil(value)) return null;
    if (!isNumeric(value)) throw mongoError(`${name} only supports numeric types, not ${typeOf(value)}`);
    if (isDecimalValue(value)) {
      const out = decimal(toDecimal(value));
      if (out !== undefined) return fromDecimal(out);
    }
    return double(doubleOf(value));
  };
}

/** A logarithm's argument: positive or NaN, else MongoDB's error naming it as a C++ stream writes a double. */
function positive(x: number, message: string): number {
  if (!(x > 0) && !Number.isNaN(x)) throw mongoError(`${message}, but is ${formatStreamDouble(x)}`);
  return x;
}

const log: ExpressionOperator = (obj, expr, options) => {
  const [value, base] = evaluatedArguments("$log", expr, 2, 2, obj, options);
  if (isNil(value) || isNil(base)) return null;
  if (!isNumeric(value)) throw mongoError(`$log's argument must be numeric, not ${typeOf(value)}`);
  if (!isNumeric(base)) throw mongoError(`$log's base must be numeric, not ${typeOf(base)}`);
  if (isDecimalValue(value) || isDecimalValue(base)) {
    const v = toDecimal(value);
    const b = toDecimal(base);
    if (v.greaterThan(0) && b.greaterThan(0) && !b.equals(1)) return fromDecimal(v.ln().dividedBy(b.ln()));
  }
  const x = positive(doubleOf(value), "$log's argument must be a positive number");
  const b = doubleOf(base);
  if (!((b > 0 && b !== 1) || Number.isNaN(b))) {
    throw mongoError(`$log's base must be a positive number not equal to 1, but is ${formatStreamDouble(b)}`);
  }
  return Math.log(x) / Math.log(b);
};

const sqrtCheck = (negative: boolean): void => {
  if (negative) throw mongoError("$sqrt's argument must be greater than or equal to 0");
};

/**
 * The operators of this file, to lay over mingo's.
 * @throws ServerError 400 `MongoDBError` (as the operators run) for a wrong number of arguments, an operand that is not a number, or a value outside the operator's domain
 */
export const bsonMathExpressions: Record<string, ExpressionOperator> = {
  $mod: mod,
  $pow: pow,
  $exp: unary(
    "$exp",
    (d) => d.exp(),
    (x) => Math.exp(x),
  ),
  $ln: unary(
    "$ln",
    (d) => (d.greaterThan(0) ? d.ln() : undefined),
    (x) => Math.log(positive(x, "$ln's argument must be a positive number")),
  ),
  $log10: unary(
    "$log10",
    (d) => (d.greaterThan(0) ? D.log10(d) : undefined),
    (x) => Math.log10(positive(x, "$log10's argument must be a positive number")),
  ),
  $log: log,
  $sqrt: unary(
    "$sqrt",
    (d) => {
      sqrtCheck(d.lessThan(0));
      return d.sqrt();
    },
    (x) => {
      sqrtCheck(x < 0);
      return Math.sqrt(x);
    },
  ),
};
