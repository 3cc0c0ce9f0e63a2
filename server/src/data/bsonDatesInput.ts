/**
 * The values MongoDB's date operators read: a date (Value::coerceToDate: a date, an ObjectId's
 * timestamp, a Timestamp's seconds) and the integer parts of `$dateFromParts`.
 * @packageDocumentation
 */
import { bsonType, bsonTypeName } from "./bsonNumbers.js";
import { mongoError } from "./errors.js";

/**
 * A value read as a date, as MongoDB's Value::coerceToDate: a date, an ObjectId's timestamp, a
 * Timestamp's seconds.
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
