/**
 * Values converted to a date as MongoDB's conversion table converts them (`$toDate`, `$convert`
 * to `"date"`): an Int64, a double or a Decimal128 as milliseconds since the epoch (truncated,
 * within the Int64 range), an ObjectId or a Timestamp by its seconds, a string as a date in UTC
 * unless it names its offset; an Int32, a boolean and other types are not converted.
 * @packageDocumentation
 */
import type { ObjectId, Timestamp } from "bson";
import { conversionFailure, formatStreamDouble } from "./numberText.js";

/** The milliseconds a JavaScript Date holds at most either side of the epoch. */
const MAX_DATE_MS = 8.64e15;

/** An ISO 8601 date as MongoDB reads one without a format: date, optional time, optional offset. */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function fromMillis(ms: number, shown: string): Date {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) {
    throw conversionFailure(`Conversion would overflow target type in $convert with no onError value: ${shown}`);
  }
  return new Date(ms);
}

/**
 * A date from its ISO 8601 text, in UTC unless the text names an offset.
 * @param text - e.g. `2021-03-04`, `2021-03-04T05:06:07.123+02:00`, `2021-03-04 05:06:07`
 * @throws ServerError 400 `MongoDBError` (a conversion failure) for other text
 */
export function parseIsoDate(text: string): Date {
  const m = ISO_DATE.exec(text.trim());
  const fail = (): never => {
    throw conversionFailure(`Error parsing date string '${text}'`);
  };
  if (!m) return fail();
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone = "Z"] = m;
  const month = Number(mo);
  const day = Number(d);
  const ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s), Number(frac.padEnd(3, "0").slice(0, 3)));
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) fail();
  let offset = 0;
  if (zone.toUpperCase() !== "Z") {
    const digits = zone.slice(1).replace(":", "");
    offset = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0")) * (zone.startsWith("-") ? -1 : 1);
  }
  return new Date(ms - offset * 60_000);
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
      return (value as ObjectId).getTimestamp();
    case "timestamp":
      return new Date((value as Timestamp).t * 1000);
    case "string":
      return parseIsoDate(value as string);
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
