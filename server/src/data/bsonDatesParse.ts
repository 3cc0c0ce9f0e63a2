/**
 * `$dateFromString`'s conversion of a string to a date, as MongoDB's TimeZoneDatabase::fromString:
 * the string parsed by timelib, with a format (timelib_parse_from_format_with_map over MongoDB's
 * specifiers, here) or without one (bsonDatesScan.ts); any error or warning fails the conversion;
 * a string without a time is at midnight; a zone in the string wins, else the `timezone` argument
 * applies (an Olson zone with its offset at that date), and the two together are an error unless
 * the argument is UTC.
 * @packageDocumentation
 */
import { civilMs, fieldsOf, isoWeekDateMs, MAX_DATE_MS } from "./bsonDatesCalendar.js";
import { scanDate } from "./bsonDatesScan.js";
import { isDigit, issueAt, MAX_ISSUES, TextCursor, validity, ZONE_NOT_FOUND, type Issue, type ParsedTime } from "./bsonDatesText.js";
import { instantOf, isUtcZone, type Zone } from "./bsonDatesZones.js";
import { conversionFailure } from "./numberText.js";

/** The ISO 8601 week date fields of a format (`%G`, `%V`, `%u`). */
interface IsoFields {
  year?: number;
  week?: number;
  day?: number;
}

/**
 * Parses a string with a `$dateFromString` format, as timelib does with MongoDB's map of
 * specifiers: `%Y` up to 4 digits, `%m`/`%d`/`%H` up to 2, `%M`/`%S` exactly 2, `%L` 1–3 (a
 * fraction: `%L` of `5` is 500 ms), `%j` a day of the year after the year (timelib counts it
 * from 0), `%G`/`%V`/`%u` an ISO week date, `%b`/`%B` a month name, `%z` a zone (`+0530`,
 * `-05:30`, `Z`, `EST`), `%Z` minutes (`+330`), `%%` a `%`; other characters literally, and so
 * the other specifiers MongoDB 7.0 lets through (`%U` and `%w` match a `U` or a `w`). MongoDB
 * hands timelib the format as a C string: it ends at its first NUL.
 * @param whole - a format that passed validateFromStringFormat
 * @param text - the string
 * @returns the fields, with timelib's errors and warnings (none thrown)
 */
function parseWithFormat(whole: string, text: string): ParsedTime {
  const nul = whole.indexOf("\0");
  const format = nul < 0 ? whole : whole.slice(0, nul);
  const t: ParsedTime = { errors: [], warnings: [] };
  const c = new TextCursor(text);
  const iso: IsoFields = {};
  let f = 0;
  let prefix = false;
  while (f < format.length && c.char !== "\0") {
    const begin = c.pos;
    const spec = format[f] ?? "";
    if (prefix === (spec === "%")) {
      if (spec !== c.char) t.errors.push(issueAt(text, begin, "Format literal not found"));
      c.pos++;
      f++;
      prefix = false;
      continue;
    }
    f++;
    prefix = !prefix;
    if (!prefix) readSpecifier(spec, c, t, iso, (message) => t.errors.push(issueAt(text, begin, message)));
  }
  if (c.char !== "\0") t.errors.push(issueAt(text, c.pos, "Trailing data"));
  if (f < format.length) t.errors.push(issueAt(text, c.pos, "Not enough data available to satisfy format"));
  if (t.h !== undefined || t.i !== undefined || t.s !== undefined || t.us !== undefined) {
    t.h ??= 0;
    t.i ??= 0;
    t.s ??= 0;
    t.us ??= 0;
  }
  isoDate(t, iso, (message) => t.errors.push(issueAt(text, c.pos, message)));
  if (iso.year === undefined && (iso.week !== undefined || iso.day !== undefined)) {
    t.warnings.push(issueAt(text, c.pos, "The parsed date was invalid"));
  }
  validity(t, true, true, issueAt(text, c.pos, ""));
  return t;
}

/** One specifier of a format. */
function readSpecifier(spec: string, c: TextCursor, t: ParsedTime, iso: IsoFields, error: (message: string) => void): void {
  // TIMELIB_CHECK_NUMBER: an error, but the number is still looked for
  const checkNumber = (): void => {
    if (!isDigit(c.char)) error("Unexpected data found.");
  };
  const read = (max: number, message: string): number | undefined => {
    const n = c.number(max);
    if (n === undefined) error(message);
    return n;
  };
  switch (spec) {
    case "Y":
      checkNumber();
      t.y = read(4, "A four digit year could not be found");
      return;
    case "m":
      checkNumber();
      t.m = read(2, "A two digit month could not be found");
      return;
    case "d":
      checkNumber();
      t.d = read(2, "A two digit day could not be found");
      return;
    case "H":
      checkNumber();
      t.h = read(2, "A two digit hour could not be found");
      return;
    case "M":
    case "S": {
      checkNumber();
      const n = c.numberEx(2);
      if (n === undefined || n.length !== 2) error(`A two digit ${spec === "M" ? "minute" : "second"} could not be found`);
      else if (spec === "M") t.i = n.value;
      else t.s = n.value;
      return;
    }
    case "L": {
      checkNumber();
      const n = c.numberEx(3);
      if (n === undefined) error("A three digit millisecond could not be found");
      else t.us = n.value * 10 ** (3 - n.length) * 1000;
      return;
    }
    case "j":
      dayOfYear(c, t, checkNumber, error);
      return;
    case "b":
    case "B": {
      const m = c.monthName();
      if (m === 0) error("A textual month could not be found");
      else t.m = m;
      return;
    }
    case "G":
      iso.year = read(4, "A four digit ISO year could not be found");
      return;
    case "V":
      iso.week = ranged(read(2, "A two digit ISO week could not be found"), 53, "ISO Week must be between 1 and 53", error);
      return;
    case "u":
      iso.day = ranged(read(1, "A single digit day of week could not be found"), 7, "Day of week must be between 1 and 7", error);
      return;
    case "z": {
      const { zone, notFound } = c.zone();
      if (notFound) error(ZONE_NOT_FOUND);
      else t.zone = zone;
      return;
    }
    case "Z": {
      const seconds = c.tzMinutes();
      if (seconds === undefined) error("Invalid timezone offset in minutes");
      else t.zone = { seconds };
      return;
    }
    default:
      // `%%`: a literal percent sign
      if (spec !== c.char) error("The format separator does not match");
      c.pos++;
  }
}

function ranged(n: number | undefined, max: number, message: string, error: (message: string) => void): number | undefined {
  if (n !== undefined && (n < 1 || n > max)) {
    error(message);
    return undefined;
  }
  return n;
}

/** `%j`: January with that day + 1, normalised (timelib's TIMELIB_FORMAT_DAY_OF_YEAR). */
function dayOfYear(c: TextCursor, t: ParsedTime, checkNumber: () => void, error: (message: string) => void): void {
  checkNumber();
  if (t.y === undefined) error("A 'day of year' can only come after a year has been found");
  const n = c.number(3);
  if (n === undefined) {
    error("A three digit day-of-year could not be found");
    return;
  }
  if (t.y === undefined) return;
  const f = fieldsOf(civilMs(t.y, 1, n + 1));
  Object.assign(t, { y: f.year, m: f.month, d: f.day });
}

/** `%G-%V-%u`: the date of an ISO week date (week and day default to 1); no mixing with `%Y`/`%m`/`%d`. */
function isoDate(t: ParsedTime, iso: IsoFields, error: (message: string) => void): void {
  const mixed = "Mixing of ISO dates with natural dates is not allowed";
  if (t.y !== undefined && (iso.week !== undefined || iso.year !== undefined || iso.day !== undefined)) error(mixed);
  if (iso.year === undefined) return;
  if (t.y !== undefined || t.m !== undefined || t.d !== undefined) error(mixed);
  const f = fieldsOf(isoWeekDateMs(iso.year, iso.week ?? 1, iso.day ?? 1));
  Object.assign(t, { y: f.year, m: f.month, d: f.day });
}

const describe = (e: Issue): string =>
  `; ${e.position}: ${e.message === ZONE_NOT_FOUND ? "passing a time zone identifier as part of the string is not allowed" : e.message} '${e.char}'`;

/**
 * A string converted to a date, as MongoDB's `$dateFromString` converts it (and `$toDate` and
 * `$convert`, with the UTC zone).
 * @param input - the string
 * @param zone - the `timezone` argument (UTC without one)
 * @param format - the format, checked by validateFromStringFormat; free-form parsing without one
 * @throws ServerError 400 `MongoDBError`, a conversion failure (MongoDB's ConversionFailure, which
 * `onError` catches): "Error parsing date string …", "an incomplete date/time string has been
 * found, with elements missing: …", "you cannot pass in a date/time string with … together with a
 * timezone argument"
 */
export function dateFromString(input: string, zone: Zone, format?: string): Date {
  const t = format === undefined ? scanDate(input) : parseWithFormat(format, input);
  const issues = [...t.errors, ...t.warnings].slice(0, MAX_ISSUES);
  if (issues.length > 0) throw conversionFailure(`Error parsing date string '${input}'${issues.map(describe).join("")}`);
  if (t.h === undefined && t.i === undefined && t.s === undefined) t.h = t.i = t.s = t.us = 0;
  const { y, m, d, h, i, s } = t;
  if (y === undefined || m === undefined || d === undefined || h === undefined || i === undefined || s === undefined) {
    throw conversionFailure(`an incomplete date/time string has been found, with elements missing: "${input}"`);
  }
  if (t.zone && !isUtcZone(zone)) {
    throw conversionFailure(
      t.zone.abbr === undefined
        ? "you cannot pass in a date/time string with GMT offset together with a timezone argument"
        : `you cannot pass in a date/time string with time zone information ('${t.zone.abbr}') together with a timezone argument`,
    );
  }
  // timelib_update_ts: the day of the week, then the relative days and seconds, in local time
  let days = d + (t.relDays ?? 0);
  if (t.weekday !== undefined && t.weekday >= 0) {
    const difference = t.weekday - new Date(civilMs(y, m, d)).getUTCDay();
    days += difference < 0 ? difference + 7 : difference;
  }
  const micros = (t.us ?? 0) + (t.relUs ?? 0);
  const carry = Math.floor(micros / 1e6);
  const local = civilMs(y, m, days) + ((h * 60 + i) * 60 + s + (t.relSeconds ?? 0) + carry) * 1000;
  const seconds = t.zone ? local - t.zone.seconds * 1000 : instantOf(zone, local);
  const us = micros - carry * 1e6;
  // Date_t of seconds and microseconds: the milliseconds truncated toward zero
  const ms = seconds + (seconds < 0 ? Math.ceil(us / 1000) : Math.floor(us / 1000));
  if (!(Math.abs(ms) <= MAX_DATE_MS)) throw conversionFailure(`Error parsing date string '${input}': the date is out of range`);
  return new Date(ms);
}
