/**
 * The values MongoDB's date operators read: a date (Value::coerceToDate: a date, an ObjectId's
 * timestamp, a Timestamp's seconds), integers (Value::integral64Bit), a `timezone` argument
 * (makeTimeZone), and the spec object of an operator with its known arguments.
 * @packageDocumentation
 */
import { Decimal } from "decimal.js";
import { evalExpr } from "mingo/core";
import type { Options } from "mingo/types";
import { timeZone, UTC_ZONE, type Zone } from "./bsonDatesZones.js";
import { bsonType, bsonTypeName } from "./bsonNumbers.js";
import { isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { isNil } from "./expressionArgs.js";
import { INT64_MAX, INT64_MIN } from "./numberText.js";

/** The arguments of an operator given as an object. */
export type Spec = Record<string, unknown>;

/**
 * True when the spec gives the argument.
 * @param spec - an operator's arguments
 * @param key - the argument's name
 */
export const has = (spec: Spec, key: string): boolean => Object.hasOwn(spec, key) && spec[key] !== undefined;

/**
 * A value as MongoDB's Value::toString shows it in messages.
 * @param v - anything
 */
export function shown(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object" && v !== null && bsonType(v) === undefined) return JSON.stringify(v);
  return String(v);
}

/**
 * The spec object of an operator, with only the arguments it knows.
 * @param expr - the operator's argument
 * @param known - the names of its arguments
 * @param notObject - the message for an argument that is no object
 * @param unknown - the message for an unknown argument, before its name
 * @param after - the message for an unknown argument, after its name
 * @throws ServerError 400 `MongoDBError` for an argument that is no object or an unknown argument
 */
export function specOf(expr: unknown, known: string[], notObject: string, unknown: string, after = ""): Spec {
  if (!isPlainObject(expr)) throw mongoError(notObject);
  for (const key of Object.keys(expr)) if (!known.includes(key)) throw mongoError(`${unknown}${key}${after}`);
  return expr;
}

/**
 * The zone of a `timezone` argument (MongoDB's makeTimeZone): UTC without one, null for null.
 * @param obj - the document
 * @param spec - the operator's arguments
 * @param options - mingo's options
 * @throws ServerError 400 `MongoDBError` for a value that is no string (40517), an unknown zone (40485)
 */
export function zoneArg(obj: unknown, spec: Spec, options: Options): Zone | null {
  if (!has(spec, "timezone")) return UTC_ZONE;
  const id = evalExpr(obj, spec.timezone, options);
  if (isNil(id)) return null;
  if (typeof id !== "string") throw mongoError(`timezone must evaluate to a string, found ${bsonTypeName(id)}`);
  return timeZone(id);
}

/**
 * A value read as a date, as MongoDB's Value::coerceToDate: a date, an ObjectId's timestamp, a
 * Timestamp's seconds (its high 32 bits, unsigned) × 1000. `$toDate` and `$convert` read an
 * ObjectId and a Timestamp with it too (dateConversions.ts).
 * @param value - not null
 * @returns milliseconds since the epoch
 * @throws ServerError 400 `MongoDBError` "can't convert from BSON type … to Date" (16006)
 */
export function coerceToDate(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  const type = bsonType(value);
  if (type === "ObjectId") return (value as { getTimestamp(): Date }).getTimestamp().getTime();
  if (type === "Timestamp") {
    const ts = value as { t?: number; high?: number };
    return (typeof ts.t === "number" ? ts.t : (ts.high ?? 0) >>> 0) * 1000;
  }
  throw mongoError(`can't convert from BSON type ${bsonTypeName(value)} to Date`);
}

/**
 * The decimal text of a number of any BSON type (a JS number, Int64, Decimal128, Int32, Double).
 * @param v - anything
 * @returns undefined for anything but a number
 */
export function numberText(v: unknown): string | undefined {
  if (typeof v === "number") return String(v);
  const type = bsonType(v);
  const numeric = type === "Long" || type === "Decimal128" || type === "Int32" || type === "Double";
  return numeric ? (v as { toString(): string }).toString() : undefined;
}

/**
 * A number of any BSON type that is a whole number within a 64-bit integer (MongoDB's
 * Value::integral64Bit: an Int32, an Int64, a whole double or Decimal128 in [-2^63, 2^63)).
 * @param v - anything
 * @returns the integer, exactly; undefined for anything else
 */
export function integral64Bit(v: unknown): bigint | undefined {
  const text = numberText(v);
  const d = text === undefined ? undefined : new Decimal(text);
  // beyond 20 digits it cannot fit (and its digits are not written out)
  if (!d?.isInteger() || d.abs().gte(1e20)) return undefined;
  const n = BigInt(d.toFixed(0));
  return n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
}
