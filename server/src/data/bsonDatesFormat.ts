/**
 * `$dateToString`'s formats, as MongoDB's TimeZone::outputDateWithFormat writes them, and the
 * format check of `$dateToString` and `$dateFromString` (checkFormatString).
 * @packageDocumentation
 */
import { fieldsOf, isoWeekDateOf, weekOfYear, type IsoWeekDate, type LocalFields } from "./bsonDatesCalendar.js";
import { offsetAt, type Zone } from "./bsonDatesZones.js";
import { mongoError } from "./errors.js";

/** The format of `$dateToString` without `format` (MongoDB 5.0–7.0, whatever the zone). */
export const ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%LZ";

/** The specifiers `$dateToString` writes (`%b` and `%B` since MongoDB 7.0). */
const TO_STRING_SPECIFIERS = new Set("bBdGHjLmMSwuUVYzZ");
/** The specifiers `$dateFromString` reads. */
const FROM_STRING_SPECIFIERS = new Set("bBdGHjLmMSuVYzZ");

const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

function checkFormat(format: string, allowed: Set<string>): void {
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== "%") continue;
    const c = format[++i];
    if (c === undefined) throw mongoError("Unmatched '%' at end of format string");
    if (c !== "%" && !allowed.has(c)) throw mongoError(`Invalid format character '%${c}' in format string`);
  }
}

/**
 * Checks a `$dateToString` format.
 * @param format - the format
 * @throws ServerError 400 `MongoDBError` "Unmatched '%' at end of format string" (18535) or
 * "Invalid format character '%q' in format string" (18536)
 */
export function validateToStringFormat(format: string): void {
  checkFormat(format, TO_STRING_SPECIFIERS);
}

/**
 * Checks a `$dateFromString` format (no `%w` or `%U`).
 * @param format - the format
 * @throws ServerError 400 `MongoDBError` as {@link validateToStringFormat}
 */
export function validateFromStringFormat(format: string): void {
  checkFormat(format, FROM_STRING_SPECIFIERS);
}

/** A number zero-padded to `width` digits, within MongoDB's 0–9999 (insertPadded). */
function padded(n: number, width: number): string {
  if (n < 0 || n > 9999) {
    throw mongoError(`Could not convert date to string: date component was outside the supported range of 0-9999: ${n}`);
  }
  return String(n).padStart(width, "0");
}

/**
 * A date written in a format: `%Y` year, `%m` month, `%d` day, `%H` hour, `%M` minute, `%S`
 * second, `%L` millisecond, `%j` day of the year, `%w` day of the week (1 = Sunday), `%U` week
 * (Sunday-based, 00–53), `%G` ISO year, `%V` ISO week, `%u` ISO day of the week (1 = Monday),
 * `%b`/`%B` month name, `%z` offset as ±hhmm (-05:30 is `-0530`), `%Z` offset in minutes, `%%`.
 * @param format - a format that passed {@link validateToStringFormat}
 * @param t - the instant, milliseconds since the epoch
 * @param zone - the zone of the fields
 * @throws ServerError 400 `MongoDBError` for a year outside 0–9999 in `%Y` or `%G` (18537)
 */
export function formatDate(format: string, t: number, zone: Zone): string {
  const offset = offsetAt(zone, t);
  const local = t + offset;
  const f = fieldsOf(local);
  const iso = (): IsoWeekDate => isoWeekDateOf(local);
  let out = "";
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== "%") {
      out += c;
      continue;
    }
    out += specifier(format[++i], f, offset, iso);
  }
  return out;
}

function specifier(c: string | undefined, f: LocalFields, offset: number, iso: () => IsoWeekDate): string {
  switch (c) {
    case "%":
      return "%";
    case "Y":
      return padded(f.year, 4);
    case "m":
      return padded(f.month, 2);
    case "d":
      return padded(f.day, 2);
    case "H":
      return padded(f.hour, 2);
    case "M":
      return padded(f.minute, 2);
    case "S":
      return padded(f.second, 2);
    case "L":
      return padded(f.millisecond, 3);
    case "j":
      return padded(f.dayOfYear, 3);
    case "w":
      return padded(f.dayOfWeek, 1);
    case "U":
      return padded(weekOfYear(f), 2);
    case "G":
      return padded(iso().isoWeekYear, 4);
    case "V":
      return padded(iso().isoWeek, 2);
    case "u":
      return padded(iso().isoDayOfWeek, 1);
    case "b":
      return (MONTH_NAMES[f.month - 1] ?? "").slice(0, 3);
    case "B":
      return MONTH_NAMES[f.month - 1] ?? "";
    case "z": {
      // hours and minutes each truncated toward zero, the sign apart: -05:30 is -0530, -00:30 is -0030
      const seconds = Math.trunc(offset / 1000);
      return (
        (seconds < 0 ? "-" : "+") + padded(Math.abs(Math.trunc(seconds / 3600)), 2) + padded(Math.abs(Math.trunc(seconds / 60)) % 60, 2)
      );
    }
    case "Z":
      return String(Math.trunc(offset / 60_000) || 0);
    default:
      // not reached: the format was checked
      return "";
  }
}
