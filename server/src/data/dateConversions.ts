/**
 * Values converted to a date as MongoDB's conversion table converts them (`$toDate`, `$convert`
 * to `"date"`): an Int64, a double or a Decimal128 as milliseconds since the epoch (truncated,
 * within the Int64 range), an ObjectId or a Timestamp by its seconds, a string as `$dateFromString`
 * reads it (bsonDatesParse.ts) in UTC unless it names its zone; a boolean and other types are not converted (nor is an Int32 in MongoDB, but a whole double is
 * one here, so it converts).
 * @packageDocumentation
 */
import { MAX_DATE_MS } from "./bsonDatesCalendar.js";
import { coerceToDate } from "./bsonDatesInput.js";
import { dateFromString } from "./bsonDatesParse.js";
import { UTC_ZONE } from "./bsonDatesZones.js";
import { conversionFailure, formatStreamDouble } from "./numberText.js";

function fromMillis(ms: number, shown: string): Date {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) {
    throw conversionFailure(`Conversion would overflow target type in $convert with no onError value: ${shown}`);
  }
  return new Date(ms);
}

/**
 * A value as a date, as MongoDB's conversion table makes it.
 * @param value - not null or missing
 * @param from - its type name (`bsonTypeName`)
 * @throws ServerError 400 `MongoDBError` (a conversion failure) for a type the table does not convert, a NaN or infinite number, or a date out of range
 */
export function dateOf(value: unknown, from: string): Date {
  switch (from) {
    case "date":
      return value as Date;
    case "objectId":
    case "timestamp":
      // as the date operators read them (Value::coerceToDate): the ObjectId's time, the Timestamp's seconds × 1000
      return new Date(coerceToDate(value));
    case "string":
      return dateFromString(value as string, UTC_ZONE);
    case "int": // a whole double is stored as an Int32 here, and MongoDB converts a double
    case "long":
      return fromMillis(Number(String(value)), String(value));
    case "double": {
      const d = Number(value);
      if (Number.isNaN(d)) throw conversionFailure("Attempt to convert NaN value to integer type in $convert with no onError value");
      if (!Number.isFinite(d))
        throw conversionFailure("Attempt to convert infinity value to integer type in $convert with no onError value");
      return fromMillis(Math.trunc(d), formatStreamDouble(d));
    }
    case "decimal": {
      const text = String(value);
      if (text === "NaN") throw conversionFailure("Attempt to convert NaN value to integer type in $convert with no onError value");
      if (/Infinity/.test(text))
        throw conversionFailure("Attempt to convert infinity value to integer type in $convert with no onError value");
      return fromMillis(Math.trunc(Number(text)), text);
    }
    default:
      throw conversionFailure(`Unsupported conversion from ${from} to date in $convert with no onError value`);
  }
}
