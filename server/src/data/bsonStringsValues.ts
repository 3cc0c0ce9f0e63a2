/**
 * The values MongoDB's string operators read, as its Value class reads them: any scalar as text
 * (coerceToString: a double with six significant digits, a date in ISO form, null and missing as
 * ""), a value as messages show it (toString), a number as a 64-bit integer (coerceToLong) or as a
 * 32-bit one that must be exact (integral).
 * @packageDocumentation
 */
import { ISO_FORMAT, formatDate } from "./bsonDatesFormat.js";
import { UTC_ZONE } from "./bsonDatesZones.js";
import { D, toDecimal } from "./bsonArithmetic.js";
import { bsonType, bsonTypeName } from "./bsonNumbers.js";
import { isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { INT32_MAX, INT32_MIN, INT64_MIN, formatStreamDouble } from "./numberText.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A Timestamp's seconds and increment. */
function timestampParts(v: unknown): [number, number] {
  const ts = v as { t: number; i: number };
  return [ts.t, ts.i];
}

/** A date in ISO form, as MongoDB formats it (years 0–9999 only). */
function isoText(d: Date): string {
  return formatDate(ISO_FORMAT, d.getTime(), UTC_ZONE);
}

/** A double as a C++ stream writes it; an integral JS number is an Int32 or an Int64. */
function numberText(n: number): string {
  return bsonTypeName(n) === "double" ? formatStreamDouble(n) : String(n);
}

/** A number of any BSON type as coerceToString writes it, or undefined for anything else. */
function numericText(v: unknown): string | undefined {
  if (typeof v === "number") return numberText(v);
  const type = bsonType(v);
  if (type === "Long" || type === "Decimal128") return String(v);
  if (type === "Int32" || type === "Double") return numberText((v as { value: number }).value);
  return undefined;
}

/**
 * A value as MongoDB's Value::coerceToString turns it into text: a number as a C++ stream writes
 * it (`12.3456789` → `12.3457`, `1e+20`), a Decimal128 in its own form, a date in ISO form, a
 * Timestamp as `Jan  1 00:00:00:1` (its seconds in the server's zone, UTC here), a symbol's or
 * code's text, and null or missing as "".
 * @param v - anything
 * @throws ServerError 400 `MongoDBError` "can't convert from BSON type … to String" (16007) for any other type, and for a date outside years 0–9999
 */
export function coerceToString(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (v instanceof Date) {
    try {
      return isoText(v);
    } catch (err) {
      throw mongoError(`failed while coercing date to string :: caused by :: ${(err as Error).message}`);
    }
  }
  const number = numericText(v);
  if (number !== undefined) return number;
  const type = bsonType(v);
  if (type === "Timestamp") {
    const [secs, inc] = timestampParts(v);
    const d = new Date(secs * 1000);
    const two = (n: number): string => String(n).padStart(2, "0");
    const clock = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
    return `${MONTHS[d.getUTCMonth()] ?? ""} ${String(d.getUTCDate()).padStart(2, " ")} ${clock}:${inc}`;
  }
  if (type === "BSONSymbol") return (v as { value: string }).value;
  const code = v as { code?: string; scope?: unknown };
  if (type === "Code" && (code.scope === null || code.scope === undefined)) return code.code ?? "";
  const name = type === "Code" ? "javascriptWithScope" : bsonTypeName(v);
  throw mongoError(`can't convert from BSON type ${name} to String`);
}

/**
 * A value as MongoDB's Value::toString shows it in messages: a string in double quotes, a number
 * as coerceToString writes it, a date in ISO form, arrays and objects with their elements.
 * @param v - anything
 */
export function valueText(v: unknown): string {
  if (v === undefined) return "MISSING";
  if (v === null) return "null";
  if (typeof v === "string") return `"${v}"`;
  if (typeof v === "boolean") return String(v);
  if (v instanceof Date) {
    try {
      return isoText(v);
    } catch {
      return "illegal date";
    }
  }
  if (Array.isArray(v)) return `[${v.map(valueText).join(", ")}]`;
  if (v instanceof RegExp) return `/${v.source}/${v.flags}`;
  if (isPlainObject(v))
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}: ${valueText(x)}`)
      .join(", ")}}`;
  const number = numericText(v);
  if (number !== undefined) return number;
  const bson = v as { toHexString?: () => string; pattern?: string; options?: string; code?: string; value?: string };
  switch (bsonType(v)) {
    case "Timestamp":
      return `Timestamp(${timestampParts(v).join(", ")})`;
    case "ObjectId":
      return bson.toHexString?.() ?? "";
    case "BSONRegExp":
      return `/${bson.pattern ?? ""}/${bson.options ?? ""}`;
    case "MinKey":
    case "MaxKey":
      return bsonType(v) ?? "";
    case "Code":
      return `Code("${bson.code ?? ""}")`;
    case "BSONSymbol":
      return `Symbol("${bson.value ?? ""}")`;
    default:
      return bsonTypeName(v);
  }
}

/**
 * A number as MongoDB's Value::coerceToLong reads it: an integer as it is, a double truncated, a
 * Decimal128 rounded half to even (its NaN, or a value beyond 64 bits, as the smallest Int64, as
 * the Intel library converts it).
 * @param v - a number of any BSON type
 * @throws ServerError 400 `MongoDBError` "Can't coerce out of range value … to long" (31109) for a double beyond 64 bits or NaN
 */
export function coerceToLong(v: unknown): bigint {
  const type = bsonType(v);
  if (type === "Decimal128") {
    const d = toDecimal(v).toDecimalPlaces(0, D.ROUND_HALF_EVEN);
    return d.isFinite() && d.gte(-(2 ** 63)) && d.lt(2 ** 63) ? BigInt(d.toFixed(0)) : INT64_MIN;
  }
  if (type === "Long") return BigInt(String(v));
  const n = typeof v === "number" ? v : (v as { value: number }).value;
  if (Number.isSafeInteger(n)) return BigInt(n);
  if (!(n >= -(2 ** 63) && n < 2 ** 63)) throw mongoError(`Can't coerce out of range value ${formatStreamDouble(n)} to long`);
  return BigInt(Math.trunc(n));
}

/**
 * A number that is exactly a 32-bit integer (MongoDB's Value::integral, then coerceToInt): an
 * Int32, an Int64, a double or a Decimal128 with such a value (`2.0`, not `2.5` or `2^31`).
 * @param v - anything
 * @returns the integer; undefined for anything else
 */
export function int32Of(v: unknown): number | undefined {
  const type = bsonType(v);
  let n: number | undefined;
  if (typeof v === "number") n = v;
  else if (type === "Int32" || type === "Double") n = (v as { value: number }).value;
  else if (type === "Long" || type === "Decimal128") {
    const d = toDecimal(v);
    if (d.isInteger() && d.abs().lte(2 ** 31)) n = d.toNumber();
  }
  return n !== undefined && Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX ? n + 0 : undefined;
}

/**
 * The UTF-16 index after the code point at `i` (a surrogate pair is one code point).
 * @param s - the string
 * @param i - a UTF-16 index in `s`
 */
export const nextCodePoint = (s: string, i: number): number => i + ((s.codePointAt(i) ?? 0) > 0xffff ? 2 : 1);

/**
 * The code points of `s` from `from` to `to`.
 * @param s - the string
 * @param from - a UTF-16 index at a code point's start
 * @param to - a UTF-16 index at a code point's start, not before `from`
 */
export function codePointCount(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i = nextCodePoint(s, i)) n++;
  return n;
}
