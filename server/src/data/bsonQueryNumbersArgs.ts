/**
 * The numeric arguments of the query operators `$mod`, `$bitsAllSet`, `$bitsAllClear`,
 * `$bitsAnySet`, `$bitsAnyClear`, `$size` and `$exists`, read as MongoDB's parser reads them
 * (expression_parser.cpp `parseMOD`, `parseBitTest`, `parseBitPositionsArray`, the `$size` and
 * `$exists` cases of `parseSubField`; bsonelement.cpp `parseIntegerElementToLong` and its
 * variants; bsonelement.h `tryCoerce`, `trueValue`), each problem with MongoDB's message.
 * @packageDocumentation
 */
import { bsonType, isNumeric } from "./bsonNumbers.js";
import { elementText } from "./bsonText.js";
import { INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN } from "./numberText.js";

/** A value, or MongoDB's message for why the argument cannot give one. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(problem: string): Parsed<T> => ({ ok: false, problem });

/** 2^63 as a double: the first double past the Int64 range (BSONElement::kLongLongMaxPlusOneAsDouble). */
const TWO_63 = 2 ** 63;

/** A Decimal128 as sign, digits and exponent (`-12.5` → `-`, `125`, `-1`); NaN and infinities by name. */
type DecimalParts = { kind: "finite"; neg: boolean; digits: string; exp: number } | { kind: "nan" } | { kind: "inf" };

const DECIMAL_TEXT = /^(-)?(\d+)(?:\.(\d*))?(?:E([+-]?\d+))?$/i;

function decimalParts(v: unknown): DecimalParts {
  const text = String(v);
  if (text === "NaN") return { kind: "nan" };
  if (text.endsWith("Infinity")) return { kind: "inf" };
  const m = DECIMAL_TEXT.exec(text);
  if (!m) return { kind: "nan" };
  const fraction = m[3] ?? "";
  const digits = `${m[2] ?? ""}${fraction}`.replace(/^0+/, "");
  return { kind: "finite", neg: m[1] === "-", digits, exp: Number(m[4] ?? 0) - fraction.length };
}

/**
 * A finite Decimal128 rounded toward zero, and whether that lost a fraction; undefined when its
 * magnitude is past 10^20 (no Int64 is that large, and no BigInt of 6,000 digits gets built).
 */
function truncatedDecimal(parts: Extract<DecimalParts, { kind: "finite" }>): { value: bigint; exact: boolean } | undefined {
  const { digits, exp, neg } = parts;
  if (digits === "") return { value: 0n, exact: true };
  let whole: string;
  let exact = true;
  if (exp >= 0) {
    if (digits.length + exp > 20) return undefined;
    whole = digits + "0".repeat(exp);
  } else {
    const keep = digits.length + exp;
    whole = keep > 0 ? digits.slice(0, keep) : "0";
    exact = /^0*$/.test(keep > 0 ? digits.slice(keep) : digits);
  }
  const value = BigInt(whole);
  return { value: neg ? -value : value, exact };
}

const inInt64 = (n: bigint): boolean => n >= INT64_MIN && n <= INT64_MAX;

/** A JS number or a bson `Int32`/`Double` wrapper as its double; undefined for other values. */
function doubleOf(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  const type = bsonType(v);
  return type === "Int32" || type === "Double" ? (v as { valueOf(): number }).valueOf() : undefined;
}

/**
 * A number as MongoDB's `tryCoerce<long long>` reads it: a double or Decimal128 rounded toward
 * zero, NaN and infinities refused ("Unable to coerce NaN/Inf to integral type"), values outside
 * the Int64 range refused ("Out of bounds coercing to integral value").
 * @param v - a number of any BSON type (see {@link isNumeric})
 */
export function coerceToInt64(v: unknown): Parsed<bigint> {
  const d = doubleOf(v);
  if (d !== undefined) {
    if (!Number.isFinite(d)) return fail("Unable to coerce NaN/Inf to integral type");
    if (d >= TWO_63 || d < -TWO_63) return fail("Out of bounds coercing to integral value");
    return ok(BigInt(Math.trunc(d)));
  }
  if (bsonType(v) === "Long") return ok(BigInt(String(v)));
  const parts = decimalParts(v);
  if (parts.kind !== "finite") return fail("Unable to coerce NaN/Inf to integral type");
  const truncated = truncatedDecimal(parts);
  return truncated !== undefined && inInt64(truncated.value) ? ok(truncated.value) : fail("Out of bounds coercing to integral value");
}

/**
 * A field's number as a 64-bit integer when it is one exactly (an integral double or Decimal128
 * within the Int64 range, any Int32 or Int64), else undefined: the values `$bits*` test. MongoDB's
 * classic matcher refuses NaN, fractions and out-of-range doubles (expression_leaf.cpp
 * `BitTestMatchExpression::matchesSingleElement`); its SBE plans convert every number losslessly to
 * Int64 or fail (sbe_stage_builder_filter.cpp `generateBitTestExpr`), so a Decimal128 holds a whole
 * number or never matches (jstests/core/query/bittest.js: Decimal NaN, ±Infinity, 2^63 and 1.1 do not).
 * @param v - anything
 */
export function exactInt64(v: unknown): bigint | undefined {
  const d = doubleOf(v);
  if (d !== undefined) return Number.isInteger(d) && d < TWO_63 && d >= -TWO_63 ? BigInt(d) : undefined;
  const type = bsonType(v);
  if (type === "Long") return BigInt(String(v));
  if (type !== "Decimal128") return undefined;
  const parts = decimalParts(v);
  if (parts.kind !== "finite") return undefined;
  const truncated = truncatedDecimal(parts);
  return truncated?.exact === true && inInt64(truncated.value) ? truncated.value : undefined;
}

/**
 * A number argument as MongoDB's `parseIntegerElementToLong` reads it: an integral value within
 * the Int64 range (FailedToParse otherwise, naming the element as `name: value`).
 * @param name - the element's field name in messages (the operator, or an array index)
 * @param v - the argument
 */
export function integerArgument(name: string, v: unknown): Parsed<bigint> {
  if (!isNumeric(v)) return fail(`Expected a number in: ${elementText(name, v)}`);
  const d = doubleOf(v);
  if (d !== undefined) {
    if (Number.isNaN(d)) return fail(`Expected an integer, but found NaN in: ${elementText(name, v)}`);
    if (d >= TWO_63 || d < -TWO_63) return fail(`Cannot represent as a 64-bit integer: ${elementText(name, v)}`);
    if (!Number.isInteger(d)) return fail(`Expected an integer: ${elementText(name, v)}`);
    return ok(BigInt(d));
  }
  if (bsonType(v) === "Long") return ok(BigInt(String(v)));
  // a Decimal128 through toLongExact: any fraction, NaN, infinity or overflow is the same refusal
  const exact = exactInt64(v);
  return exact === undefined ? fail(`Cannot represent as a 64-bit integer: ${elementText(name, v)}`) : ok(exact);
}

/**
 * As {@link integerArgument}, not negative (`parseIntegerElementToNonNegativeLong`).
 * @param name - the element's field name in messages
 * @param v - the argument
 */
export function nonNegativeLongArgument(name: string, v: unknown): Parsed<bigint> {
  const n = integerArgument(name, v);
  if (n.ok && n.value < 0n) return fail(`Expected a non-negative number in: ${elementText(name, v)}`);
  return n;
}

/**
 * As {@link integerArgument}, within the Int32 range and not negative (`parseIntegerElementToNonNegativeInt`).
 * @param name - the element's field name in messages
 * @param v - the argument
 */
export function nonNegativeIntArgument(name: string, v: unknown): Parsed<number> {
  const n = integerArgument(name, v);
  if (!n.ok) return n;
  if (n.value < BigInt(INT32_MIN) || n.value > BigInt(INT32_MAX)) return fail(`Cannot represent ${elementText(name, v)} in an int`);
  if (n.value < 0n) return fail(`Expected a non-negative number in: ${elementText(name, v)}`);
  return ok(Number(n.value));
}

/**
 * `$mod`'s divisor and remainder (expression_parser.cpp `parseMOD`, then the divisor check of
 * `ModMatchExpression`): two numbers of any BSON type, each rounded toward zero to an Int64.
 * @param value - the argument of `$mod`
 */
export function modArguments(value: unknown): Parsed<{ divisor: bigint; remainder: bigint }> {
  if (!Array.isArray(value)) return fail("malformed mod, needs to be an array");
  if (value.length === 0) return fail("malformed mod, not enough elements");
  if (!isNumeric(value[0])) return fail("malformed mod, divisor not a number");
  if (value.length === 1) return fail("malformed mod, not enough elements");
  if (!isNumeric(value[1])) return fail("malformed mod, remainder not a number");
  if (value.length > 2) return fail("malformed mod, too many elements");
  const divisor = coerceToInt64(value[0]);
  if (!divisor.ok) return fail(`malformed mod, divisor value is invalid :: caused by :: ${divisor.problem}`);
  const remainder = coerceToInt64(value[1]);
  if (!remainder.ok) return fail(`malformed mod, remainder value is invalid :: caused by :: ${remainder.problem}`);
  if (divisor.value === 0n) return fail("divisor cannot be 0");
  return ok({ divisor: divisor.value, remainder: remainder.value });
}

/**
 * `$size`'s argument: a whole number of any BSON type within the Int32 range, not negative.
 * @param value - the argument of `$size`
 */
export function sizeArgument(value: unknown): Parsed<number> {
  const n = nonNegativeIntArgument("$size", value);
  return n.ok ? n : fail(`Failed to parse $size. ${n.problem}`);
}

/**
 * A value's truth as MongoDB's `BSONElement::trueValue` gives it, which `$exists` follows: false
 * for false, null, undefined and a zero of any number type (a Decimal128 zero of any exponent
 * too); true for everything else, NaN, `""`, `{}` and `[]` included.
 * @param v - anything
 */
export function trueValue(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  const d = doubleOf(v);
  if (d !== undefined) return d !== 0;
  const type = bsonType(v);
  if (type === "Long") return (v as { isZero(): boolean }).isZero() === false;
  if (type === "Decimal128") {
    const parts = decimalParts(v);
    return parts.kind !== "finite" || parts.digits !== "";
  }
  return true;
}
