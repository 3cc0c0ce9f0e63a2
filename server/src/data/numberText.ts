/**
 * Numbers to and from text as MongoDB's conversions write and read them: its NumberParser
 * (parse_number.cpp: no leading whitespace, no trailing text, base 10 for integers, strtod for
 * doubles with a range error), fmt's shortest form of a double (`$toString`), and the C++ stream
 * form of a double in messages.
 * @packageDocumentation
 */
import type { ServerError } from "../contracts.js";
import { Decimal128 } from "bson";
import { bsonType, bsonTypeName } from "./bsonNumbers.js";
import { mongoError } from "./errors.js";

/** The largest Int32. */
export const INT32_MAX = 2 ** 31 - 1;
/** The smallest Int32. */
export const INT32_MIN = -(2 ** 31);
/** The smallest Int64. */
export const INT64_MIN = -(2n ** 63n);
/** The largest Int64. */
export const INT64_MAX = 2n ** 63n - 1n;

/**
 * A double's text as MongoDB converts it to a Decimal128: 15 significant digits (a whole number
 * within 2^53 exactly, as it may have been an Int32 or an Int64).
 * @param v - the double
 */
export function doubleText(v: number): string {
  return Number.isSafeInteger(v) || !Number.isFinite(v) ? String(v) : v.toPrecision(15);
}

/** An input as messages show it: a very long one cut (MongoDB shows it whole). */
const shown = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

/**
 * A conversion failure (MongoDB's `ConversionFailure`): the error `$convert`'s `onError` replaces.
 * @param message - MongoDB's message
 * @returns the error, marked `conversion`
 */
export function conversionFailure(message: string): ServerError {
  return Object.assign(mongoError(message), { conversion: true });
}

function parseFailure(text: string, reason: string): ServerError {
  return conversionFailure(`Failed to parse number '${shown(text)}' in $convert with no onError value: ${reason}`);
}

function rejectHex(text: string): void {
  if (/^0[xX]/.test(text)) throw conversionFailure(`Illegal hexadecimal input in $convert with no onError value: ${shown(text)}`);
}

/**
 * An integer from its decimal text, as NumberParser reads it with base 10: an optional sign, then
 * digits and nothing else.
 * @param text - the text
 * @param min - the target type's smallest value
 * @param max - its largest
 * @throws ServerError 400 `MongoDBError` (a conversion failure) for anything else or a value out of the range
 */
export function parseInteger(text: string, min: bigint, max: bigint): bigint {
  rejectHex(text);
  const m = /^([+-]?)(.*)$/s.exec(text);
  const digits = m?.[2] ?? "";
  if (digits === "") throw parseFailure(text, "No digits");
  const consumed = /^\d*/.exec(digits)?.[0] ?? "";
  if (consumed.length !== digits.length) throw parseFailure(text, "Did not consume whole string.");
  // more than 19 significant digits overflows any integer type (MongoDB stops there too)
  if (consumed.replace(/^0+/, "").length > 19) throw parseFailure(text, "Overflow");
  const value = m?.[1] === "-" ? -BigInt(consumed) : BigInt(consumed);
  if (value < min || value > max) throw parseFailure(text, "Overflow");
  return value;
}

/** What C's strtod reads: a decimal number, or an infinity or NaN, in any letter case. */
const STRTOD = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i;

/**
 * A double from its text, as NumberParser reads it (strtod): no leading whitespace or trailing
 * text, `inf`/`infinity`/`nan` in any case; a value that overflows or underflows a double fails.
 * @param text - the text
 * @throws ServerError 400 `MongoDBError` (a conversion failure) for anything else
 */
export function parseDouble(text: string): number {
  rejectHex(text);
  if (text === "") throw parseFailure(text, "Empty string");
  if (/^\s/.test(text)) throw parseFailure(text, "Leading whitespace");
  if (!STRTOD.test(text)) {
    throw parseFailure(text, /^[+-]?(?:\d|\.\d|inf|nan)/i.test(text) ? "Did not consume whole string." : "Did not consume any digits");
  }
  const word = text.replace(/^[+-]/, "").toLowerCase();
  const negative = text.startsWith("-");
  if (word.startsWith("inf")) return negative ? -Infinity : Infinity;
  if (word === "nan") return NaN;
  const value = Number(text);
  const nonZero = /[1-9]/.test(text.replace(/[eE].*$/, ""));
  // strtod's ERANGE: an overflow, or an underflow to zero or to a subnormal double
  if (!Number.isFinite(value) || (nonZero && Math.abs(value) < 2.2250738585072014e-308)) throw parseFailure(text, "Out of range");
  return value;
}

/**
 * A double as `$toString` writes it: the fewest digits that read back as the same double (MongoDB
 * 8.0's fmt form; 5.0–7.0 wrote six significant digits, `1.23457e+06`, losing the rest), in exponent form below 1e-4 and from 1e16 on (`1e+16`, `1e-05`),
 * `-0`, `NaN`, `Infinity` and `-Infinity` as such.
 * @param d - the double
 */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return "NaN";
  if (!Number.isFinite(d)) return d < 0 ? "-Infinity" : "Infinity";
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  const [mantissa = "", exp = "0"] = d.toExponential().split("e");
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 16) return `${mantissa}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  return String(d);
}

/**
 * A double as a C++ stream writes it in MongoDB's messages (`%g`, 6 significant digits): `3e+09`,
 * `2.14748e+09`, `1.5`.
 * @param d - the double
 */
export function formatStreamDouble(d: number): string {
  if (Number.isNaN(d)) return "nan";
  if (!Number.isFinite(d)) return d < 0 ? "-inf" : "inf";
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  const [mantissa = "", exp = "0"] = d.toExponential(5).split("e");
  const exponent = Number(exp);
  const trim = (s: string): string => (s.includes(".") ? s.replace(/\.?0+$/, "") : s);
  if (exponent < -4 || exponent >= 6) return `${trim(mantissa)}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  return trim(d.toFixed(Math.max(0, 5 - exponent)));
}

/** The decimal texts `$toDecimal` reads (not decimal.js's hexadecimal or binary forms). */
const DECIMAL_TEXT = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|Infinity|NaN)$/;

/**
 * A value converted to a Decimal128 as `$toDecimal` and `$convert` do (null for null or missing).
 * @param value - a number, boolean, date or decimal string
 * @throws ServerError 400 `MongoDBError` for a string that is not a decimal number or another type
 */
export function decimalOf(value: unknown): Decimal128 | null {
  if (value === null || value === undefined) return null;
  if (bsonType(value) === "Decimal128") return value as Decimal128;
  if (typeof value === "number") return Decimal128.fromString(doubleText(value));
  const type = bsonType(value);
  if (type === "Long" || type === "Int32" || type === "Double") return Decimal128.fromString((value as { toString(): string }).toString());
  if (typeof value === "boolean") return Decimal128.fromString(value ? "1" : "0");
  if (value instanceof Date) return Decimal128.fromString(String(value.getTime()));
  if (typeof value === "string") {
    if (!DECIMAL_TEXT.test(value)) throw conversionFailure(`Failed to parse number '${shown(value)}' in $convert with no onError value`);
    try {
      return Decimal128.fromStringWithRounding(value.replace(/^\+/, ""));
    } catch {
      throw conversionFailure(`Failed to parse number '${shown(value)}' in $convert with no onError value: out of range`);
    }
  }
  throw conversionFailure(`Unsupported conversion from ${bsonTypeName(value)} to decimal in $convert with no onError value`);
}
