/**
 * MongoDB's date expression operators (5.0–7.0 semantics), in place of mingo's, which differ:
 *
 * - `$year`, `$month`, `$dayOfMonth`, `$hour`, `$minute`, `$second`, `$millisecond`,
 *   `$dayOfYear`, `$dayOfWeek`, `$week`, `$isoWeek`, `$isoWeekYear`, `$isoDayOfWeek`: a date, an
 *   ObjectId (its timestamp) or a Timestamp (its seconds), given alone, as `[date]` or as
 *   `{date, timezone}`; null for a null or missing date or time zone; `$week` as MongoDB counts
 *   weeks (TimeZone::week), `$isoWeekYear` an Int64 as in MongoDB;
 * - `$dateToParts`, `$dateFromParts` (defaults, carries of out-of-range parts, ISO week dates,
 *   MongoDB's bounds and messages), `$dateToString` (MongoDB's specifiers, `%z` as `-0530`,
 *   `onNull`), `$dateFromString` (timelib's formats, `format`, `onNull`, `onError`, an error
 *   without `onError`);
 * - `$dateAdd`, `$dateSubtract`, `$dateDiff`, `$dateTrunc` (bsonDatesArithmetic.ts);
 * - time zones: `"UTC"`, Olson names with the offset in effect at each date (Intl), `±HH[[:]MM]`,
 *   MongoDB's 40485 for an unknown one (bsonDatesZones.ts).
 *
 * `$toDate` and `$convert` to `"date"` are bsonConversions.ts's (dateConversions.ts); a string
 * read as `$dateFromString` reads it is bsonDatesParse.ts's dateFromString(text, UTC_ZONE).
 *
 * Dates are JavaScript `Date`s; parts are whole numbers (stored as Int32).
 * @packageDocumentation
 */
import { Long } from "bson";
import { evalExpr } from "mingo/core";
import type { Options } from "mingo/types";
import {
  civilMs,
  fieldsOf,
  isoWeekDateMs,
  isoWeekDateOf,
  MAX_DATE_MS,
  weekOfYear,
  type IsoWeekDate,
  type LocalFields,
} from "./bsonDatesCalendar.js";
import { bsonDateArithmeticExpressions } from "./bsonDatesArithmetic.js";
import { coerceToDate, has, integral64Bit, shown, specOf, zoneArg, type Spec } from "./bsonDatesInput.js";
import { isNil } from "./expressionArgs.js";
import { formatDate, ISO_FORMAT, validateFromStringFormat, validateToStringFormat } from "./bsonDatesFormat.js";
import { dateFromString } from "./bsonDatesParse.js";
import { instantOf, offsetAt, timeZone, UTC_ZONE } from "./bsonDatesZones.js";
import { bsonTypeName } from "./bsonNumbers.js";
import { isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { conversionFailure } from "./numberText.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;

/** The `date` and `timezone` of a single-date operator: `<date>`, `[<date>]`, or `{date, timezone}`. */
function dateOperand(op: string, expr: unknown): Spec {
  if (Array.isArray(expr)) {
    if (expr.length !== 1) throw mongoError(`${op} accepts exactly one argument if given an array, but was given ${expr.length}`);
    return { date: expr[0] as unknown };
  }
  if (!isPlainObject(expr) || Object.keys(expr)[0]?.startsWith("$")) return { date: expr };
  for (const key of Object.keys(expr)) {
    if (key !== "date" && key !== "timezone") throw mongoError(`unrecognized option to ${op}: "${key}"`);
  }
  if (!has(expr, "date")) throw mongoError(`missing 'date' argument to ${op}, provided: ${op}: ${JSON.stringify(expr)}`);
  return expr;
}

/** An operator on one date in a zone (MongoDB's DateExpressionAcceptingTimeZone). */
function singleDate(op: string, part: (f: LocalFields, iso: () => IsoWeekDate) => unknown): ExpressionOperator {
  return (obj, expr, options) => {
    const spec = dateOperand(op, expr);
    const value = evalExpr(obj, spec.date, options);
    if (isNil(value)) return null;
    const t = coerceToDate(value);
    let zone = UTC_ZONE;
    if (has(spec, "timezone")) {
      const id = evalExpr(obj, spec.timezone, options);
      if (isNil(id)) return null;
      if (typeof id !== "string") {
        throw mongoError(`${op} requires a string for the timezone argument, but was given a ${bsonTypeName(id)} (${shown(id)})`);
      }
      zone = timeZone(id);
    }
    const local = t + offsetAt(zone, t);
    return part(fieldsOf(local), () => isoWeekDateOf(local));
  };
}

/** `$dateToParts`: the parts of a date in a zone, or its ISO 8601 parts with `iso8601: true`. */
const dateToParts: ExpressionOperator = (obj, expr, options) => {
  const spec = specOf(
    expr,
    ["date", "timezone", "iso8601"],
    "$dateToParts only supports an object as its argument",
    "Unrecognized argument to $dateToParts: ",
  );
  if (!has(spec, "date")) throw mongoError("Missing 'date' parameter to $dateToParts");
  const date = evalExpr(obj, spec.date, options);
  const zone = zoneArg(obj, spec, options);
  if (zone === null) return null;
  const iso8601 = has(spec, "iso8601") ? evalExpr(obj, spec.iso8601, options) : false;
  if (isNil(iso8601)) return null;
  if (typeof iso8601 !== "boolean") throw mongoError(`iso8601 must evaluate to a bool, found ${bsonTypeName(iso8601)}`);
  if (isNil(date)) return null;
  const t = coerceToDate(date);
  const local = t + offsetAt(zone, t);
  const { year, month, day, hour, minute, second, millisecond } = fieldsOf(local);
  if (!iso8601) return { year, month, day, hour, minute, second, millisecond };
  const { isoWeekYear, isoWeek, isoDayOfWeek } = isoWeekDateOf(local);
  return { isoWeekYear, isoWeek, isoDayOfWeek, hour, minute, second, millisecond };
};

/** A part's value as an integer (MongoDB's integral64Bit), or null for null; its default when absent. */
function integerPart(obj: unknown, spec: Spec, name: string, fallback: number, bounded: boolean, options: Options): number | null {
  if (!has(spec, name)) return fallback;
  const v = evalExpr(obj, spec[name], options);
  if (isNil(v)) return null;
  const integer = integral64Bit(v);
  if (integer === undefined) {
    throw mongoError(`'${name}' must evaluate to an integer, found ${bsonTypeName(v)} with value ${shown(v)}`);
  }
  const n = Number(integer);
  if (bounded && (n < -32768 || n > 32767)) {
    throw mongoError(`'${name}' must evaluate to a value in the range [-32768, 32767]; value ${n} is not in range`);
  }
  return n;
}

/**
 * `$dateFromParts`: a date from a year, month and day (or an ISO week year, week and day of the
 * week), hour, minute, second and millisecond in a zone; parts out of range carry over.
 */
const dateFromParts: ExpressionOperator = (obj, expr, options) => {
  const natural = ["year", "month", "day"];
  const isoNames = ["isoWeekYear", "isoWeek", "isoDayOfWeek"];
  const spec = specOf(
    expr,
    [...natural, ...isoNames, "hour", "minute", "second", "millisecond", "timezone"],
    "$dateFromParts only supports an object as its argument",
    "Unrecognized argument to $dateFromParts: ",
  );
  const hasYear = has(spec, "year");
  const hasIso = has(spec, "isoWeekYear");
  if (!hasYear && !hasIso) throw mongoError("$dateFromParts requires either 'year' or 'isoWeekYear' to be present");
  if (hasYear && isoNames.some((k) => has(spec, k))) throw mongoError("$dateFromParts does not allow mixing natural dates with ISO dates");
  if (hasIso && natural.some((k) => has(spec, k))) throw mongoError("$dateFromParts does not allow mixing ISO dates with natural dates");
  // each part in MongoDB's order, the first null one giving null
  const parts = (list: [string, number, boolean][]): number[] | null => {
    const values: number[] = [];
    for (const [name, fallback, bounded] of list) {
      const v = integerPart(obj, spec, name, fallback, bounded, options);
      if (v === null) return null;
      values.push(v);
    }
    return values;
  };
  const time = parts([
    ["hour", 0, true],
    ["minute", 0, true],
    ["second", 0, false],
    ["millisecond", 0, false],
  ]);
  if (time === null) return null;
  const zone = zoneArg(obj, spec, options);
  if (zone === null) return null;
  const date = hasYear
    ? parts([
        ["year", 1970, false],
        ["month", 1, true],
        ["day", 1, true],
      ])
    : parts([
        ["isoWeekYear", 1970, false],
        ["isoWeek", 1, true],
        ["isoDayOfWeek", 1, true],
      ]);
  if (date === null) return null;
  const [first = 1970, second = 1, third = 1] = date;
  if (first < 1 || first > 9999) {
    throw mongoError(`'${hasYear ? "year" : "isoWeekYear"}' must evaluate to an integer in the range 1 to 9999, found ${first}`);
  }
  const [h = 0, mi = 0, s = 0, ms = 0] = time;
  const midnight = hasYear ? civilMs(first, second, third) : isoWeekDateMs(first, second, third);
  const t = instantOf(zone, midnight + ((h * 60 + mi) * 60 + s) * 1000 + ms);
  if (!(Math.abs(t) <= MAX_DATE_MS)) throw mongoError("$dateFromParts: the date is out of the range a date can hold");
  return new Date(t);
};

/** `$dateToString`: a date in a format (MongoDB's default `%Y-%m-%dT%H:%M:%S.%LZ`) and zone; `onNull` for a null date. */
const dateToString: ExpressionOperator = (obj, expr, options) => {
  const spec = specOf(
    expr,
    ["date", "format", "timezone", "onNull"],
    "$dateToString only supports an object as its argument",
    "Unrecognized argument to $dateToString: ",
  );
  if (!has(spec, "date")) throw mongoError("Missing 'date' parameter to $dateToString");
  const date = evalExpr(obj, spec.date, options);
  const format = has(spec, "format") ? evalExpr(obj, spec.format, options) : ISO_FORMAT;
  if (!isNil(format)) {
    if (typeof format !== "string") {
      throw mongoError(`$dateToString requires that 'format' be a string, found: ${bsonTypeName(format)} with value ${shown(format)}`);
    }
    validateToStringFormat(format);
  }
  const zone = zoneArg(obj, spec, options);
  if (isNil(date)) return has(spec, "onNull") ? evalExpr(obj, spec.onNull, options) : null;
  if (zone === null || isNil(format)) return null;
  return formatDate(format, coerceToDate(date), zone);
};

/** `$dateFromString`: a date from a string (bsonDatesParse.ts); `onNull`, and `onError` for a string it cannot read. */
const dateFromStringExpr: ExpressionOperator = (obj, expr, options) => {
  if (!isPlainObject(expr)) throw mongoError(`$dateFromString only supports an object as an argument, found: ${bsonTypeName(expr)}`);
  const spec = specOf(expr, ["dateString", "timezone", "format", "onNull", "onError"], "", "Unrecognized argument to $dateFromString: ");
  if (!has(spec, "dateString")) throw mongoError("Missing 'dateString' parameter to $dateFromString");
  const input = evalExpr(obj, spec.dateString, options);
  const format = has(spec, "format") ? evalExpr(obj, spec.format, options) : undefined;
  if (!isNil(format)) {
    if (typeof format !== "string") {
      throw mongoError(`$dateFromString requires that 'format' be a string, found: ${bsonTypeName(format)} with value ${shown(format)}`);
    }
    validateFromStringFormat(format);
  }
  const zone = zoneArg(obj, spec, options);
  if (isNil(input)) return has(spec, "onNull") ? evalExpr(obj, spec.onNull, options) : null;
  try {
    if (typeof input !== "string") {
      throw conversionFailure(
        `$dateFromString requires that 'dateString' be a string, found: ${bsonTypeName(input)} with value ${shown(input)}`,
      );
    }
    if (zone === null || (has(spec, "format") && isNil(format))) return null;
    return dateFromString(input, zone, format as string | undefined);
  } catch (err) {
    // onError replaces a conversion failure only (MongoDB's ConversionFailure)
    if (!has(spec, "onError") || !(err as { conversion?: boolean }).conversion) throw err;
    return evalExpr(obj, spec.onError, options);
  }
};

/**
 * MongoDB's date expression operators, to lay over mingo's in the expression context (see the
 * file's comment for what differs).
 * @throws ServerError 400 `MongoDBError` (as the operators run), with MongoDB's messages: a
 * malformed argument, a part that is no integer or out of range, an unknown time zone ("unrecognized
 * time zone identifier"), a value that is no date ("can't convert from BSON type … to Date"), a bad
 * format ("Invalid format character …"), a year beyond 0–9999 in `$dateToString`, a string
 * `$dateFromString` cannot read without `onError` ("Error parsing date string …")
 */
export const bsonDateExpressions: Record<string, ExpressionOperator> = {
  $year: singleDate("$year", (f) => f.year),
  $month: singleDate("$month", (f) => f.month),
  $dayOfMonth: singleDate("$dayOfMonth", (f) => f.day),
  $hour: singleDate("$hour", (f) => f.hour),
  $minute: singleDate("$minute", (f) => f.minute),
  $second: singleDate("$second", (f) => f.second),
  $millisecond: singleDate("$millisecond", (f) => f.millisecond),
  $dayOfYear: singleDate("$dayOfYear", (f) => f.dayOfYear),
  $dayOfWeek: singleDate("$dayOfWeek", (f) => f.dayOfWeek),
  $week: singleDate("$week", (f) => weekOfYear(f)),
  $isoWeek: singleDate("$isoWeek", (_f, iso) => iso().isoWeek),
  // TimeZone::isoYear is a long long: an Int64, as in MongoDB
  $isoWeekYear: singleDate("$isoWeekYear", (_f, iso) => Long.fromNumber(iso().isoWeekYear)),
  $isoDayOfWeek: singleDate("$isoDayOfWeek", (_f, iso) => iso().isoDayOfWeek),
  $dateToParts: dateToParts,
  $dateFromParts: dateFromParts,
  $dateToString: dateToString,
  $dateFromString: dateFromStringExpr,
  ...bsonDateArithmeticExpressions,
};
