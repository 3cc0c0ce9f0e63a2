import { Decimal128, Long, ObjectId, Timestamp } from "bson";
import { Context, evalExpr } from "mingo/core";
import * as mingoExpressions from "mingo/operators/expression";
import type { Options } from "mingo/types";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";
import { bsonDateExpressions } from "./bsonDates.js";
import { dateFromString } from "./bsonDatesParse.js";
import { UTC_ZONE } from "./bsonDatesZones.js";

// The operators laid over mingo's, as expressionContext() lays them (for the nested expressions).
const OPTIONS = { context: Context.init({ expression: { ...mingoExpressions, ...bsonDateExpressions } }) } as unknown as Options;

/** Calls one of the date operators directly, as mingo calls it: the document and the raw argument. */
function call(op: string, arg: unknown, doc: Record<string, unknown> = {}): unknown {
  const operator = bsonDateExpressions[op];
  if (!operator) throw new Error(`no operator ${op}`);
  return operator(doc, arg, OPTIONS);
}

/** Evaluates an expression over the operators (for expressions nesting several). */
const evaluate = (expr: unknown, doc: Record<string, unknown> = {}): unknown => evalExpr(doc, expr, OPTIONS);

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : `not a date: ${String(v)}`);
const D = (s: string): Date => new Date(s);
/** 2020-07-04T04:05:20Z */
const OID = new ObjectId("5f0000000000000000000000");
/** 2017-07-14T02:40:00Z */
const TS = new Timestamp({ t: 1500000000, i: 7 });

describe("$dateFromParts", () => {
  const fromParts = (spec: Record<string, unknown>): string => iso(call("$dateFromParts", spec));

  test("month and day default to 1, the time to 00:00:00.000", () => {
    expect(fromParts({ year: 2017 })).toBe("2017-01-01T00:00:00.000Z");
    expect(fromParts({ year: 2017, month: 7 })).toBe("2017-07-01T00:00:00.000Z");
    expect(fromParts({ year: 2017, month: 7, day: 4, hour: 11, minute: 56, second: 2, millisecond: 813 })).toBe("2017-07-04T11:56:02.813Z");
  });

  test("out-of-range parts carry over: February 30, month 13, zeros and negatives", () => {
    expect(fromParts({ year: 2017, month: 2, day: 30 })).toBe("2017-03-02T00:00:00.000Z");
    expect(fromParts({ year: 2016, month: 2, day: 30 })).toBe("2016-03-01T00:00:00.000Z");
    expect(fromParts({ year: 2017, month: 13, day: 1 })).toBe("2018-01-01T00:00:00.000Z");
    expect(fromParts({ year: 2017, month: 0, day: 0, hour: -1 })).toBe("2016-11-29T23:00:00.000Z");
    expect(fromParts({ year: 2017, month: -13 })).toBe("2015-11-01T00:00:00.000Z");
    expect(fromParts({ year: 2017, minute: 90, second: -1, millisecond: 1500 })).toBe("2017-01-01T01:30:00.500Z");
    expect(fromParts({ year: 1, month: 1, day: 1 })).toBe("0001-01-01T00:00:00.000Z");
  });

  test("MongoDB's bounds and messages", () => {
    expect(() => call("$dateFromParts", { year: 10000 })).toThrow("'year' must evaluate to an integer in the range 1 to 9999, found 10000");
    expect(() => call("$dateFromParts", { year: 0 })).toThrow("'year' must evaluate to an integer in the range 1 to 9999, found 0");
    expect(() => call("$dateFromParts", { year: 2017, hour: 40000 })).toThrow(
      "'hour' must evaluate to a value in the range [-32768, 32767]; value 40000 is not in range",
    );
    expect(() => call("$dateFromParts", { year: 2017, day: -32769 })).toThrow(
      "'day' must evaluate to a value in the range [-32768, 32767]",
    );
    expect(() => call("$dateFromParts", { year: 2017, month: 2.5 })).toThrow(
      "'month' must evaluate to an integer, found double with value 2.5",
    );
    expect(() => call("$dateFromParts", { year: "2017" })).toThrow("'year' must evaluate to an integer, found string with value \"2017\"");
    expect(() => call("$dateFromParts", { isoWeekYear: 10000 })).toThrow(
      "'isoWeekYear' must evaluate to an integer in the range 1 to 9999",
    );
    // seconds and milliseconds have no bound; whole doubles, Int64 and Decimal128 are integers
    expect(fromParts({ year: 2017, second: 86400 * 2, millisecond: Long.fromNumber(-1) })).toBe("2017-01-02T23:59:59.999Z");
    expect(fromParts({ year: 2017, month: Decimal128.fromString("7"), day: 4.0 })).toBe("2017-07-04T00:00:00.000Z");
  });

  test("argument checks", () => {
    expect(() => call("$dateFromParts", "2017")).toThrow("$dateFromParts only supports an object as its argument");
    expect(() => call("$dateFromParts", { year: 2017, days: 1 })).toThrow("Unrecognized argument to $dateFromParts: days");
    expect(() => call("$dateFromParts", { month: 1 })).toThrow("$dateFromParts requires either 'year' or 'isoWeekYear' to be present");
    expect(() => call("$dateFromParts", { year: 2017, isoWeek: 1 })).toThrow(
      "$dateFromParts does not allow mixing natural dates with ISO dates",
    );
    expect(() => call("$dateFromParts", { isoWeekYear: 2017, day: 1 })).toThrow(
      "$dateFromParts does not allow mixing ISO dates with natural dates",
    );
  });

  test("a null or missing part or time zone gives null", () => {
    expect(call("$dateFromParts", { year: 2017, month: "$missing" })).toBeNull();
    expect(call("$dateFromParts", { year: null })).toBeNull();
    expect(call("$dateFromParts", { year: 2017, hour: null })).toBeNull();
    expect(call("$dateFromParts", { year: 2017, timezone: "$tz" })).toBeNull();
  });

  test("ISO week dates: isoWeekYear, isoWeek, isoDayOfWeek (defaults 1), carrying over", () => {
    expect(fromParts({ isoWeekYear: 2017, isoWeek: 1, isoDayOfWeek: 1 })).toBe("2017-01-02T00:00:00.000Z");
    expect(fromParts({ isoWeekYear: 2015 })).toBe("2014-12-29T00:00:00.000Z");
    expect(fromParts({ isoWeekYear: 2020, isoWeek: 53, isoDayOfWeek: 7 })).toBe("2021-01-03T00:00:00.000Z");
    expect(fromParts({ isoWeekYear: 2017, isoWeek: 27, isoDayOfWeek: 2, hour: 11 })).toBe("2017-07-04T11:00:00.000Z");
    expect(fromParts({ isoWeekYear: 2017, isoWeek: 0, isoDayOfWeek: 1 })).toBe("2016-12-26T00:00:00.000Z");
    expect(fromParts({ isoWeekYear: 2017, isoWeek: 0, isoDayOfWeek: 8 })).toBe("2017-01-02T00:00:00.000Z");
  });

  test("fixed offsets with their sign: -05:30, +0530, -00:30, +03", () => {
    const at = (timezone: string): string => fromParts({ year: 2017, month: 1, day: 1, timezone });
    expect(at("-05:30")).toBe("2017-01-01T05:30:00.000Z");
    expect(at("+0530")).toBe("2016-12-31T18:30:00.000Z");
    expect(at("-00:30")).toBe("2017-01-01T00:30:00.000Z");
    expect(at("+03")).toBe("2016-12-31T21:00:00.000Z");
    expect(at("+00:00")).toBe("2017-01-01T00:00:00.000Z");
  });

  test("Olson zones use the offset in effect at that date (daylight saving time), gaps and overlaps as timelib", () => {
    const at = (month: number, day: number, hour: number, minute: number, timezone: string, year = 2021): string =>
      fromParts({ year, month, day, hour, minute, timezone });
    expect(at(7, 4, 0, 0, "America/New_York", 2017)).toBe("2017-07-04T04:00:00.000Z");
    expect(at(1, 4, 0, 0, "America/New_York", 2017)).toBe("2017-01-04T05:00:00.000Z");
    expect(at(7, 4, 0, 0, "Europe/London", 2017)).toBe("2017-07-03T23:00:00.000Z");
    // 02:30 does not exist in New York on 2021-03-14; 01:30 happens twice on 2021-11-07
    expect(at(3, 14, 2, 30, "America/New_York")).toBe("2021-03-14T07:30:00.000Z");
    expect(at(11, 7, 1, 30, "America/New_York")).toBe("2021-11-07T05:30:00.000Z");
    expect(at(3, 28, 2, 30, "Europe/Berlin")).toBe("2021-03-28T01:30:00.000Z");
    expect(at(10, 31, 2, 30, "Europe/Berlin")).toBe("2021-10-31T01:30:00.000Z");
  });
});

describe("$year, $month, … $isoDayOfWeek", () => {
  const ops = [
    "$year",
    "$month",
    "$dayOfMonth",
    "$hour",
    "$minute",
    "$second",
    "$millisecond",
    "$dayOfYear",
    "$dayOfWeek",
    "$week",
    "$isoWeek",
  ];
  const all = [...ops, "$isoWeekYear", "$isoDayOfWeek"];
  const parts = (arg: unknown, doc: Record<string, unknown> = {}): unknown[] => all.map((op) => call(op, arg, doc));

  test("each part of a date, as Int32 (whole numbers); $isoWeekYear an Int64, as in MongoDB", () => {
    const values = parts(D("2017-07-04T11:56:02.813Z"));
    expect(values.map(Number)).toEqual([2017, 7, 4, 11, 56, 2, 813, 185, 3, 27, 27, 2017, 2]);
    for (const v of values.slice(0, -2)) expect(Number.isInteger(v)).toBe(true);
    expect(values[11]).toBeInstanceOf(Long);
    expect(evaluate({ $type: { $year: "$d" } }, { d: D("2017-07-04") })).toBe("int");
  });

  test("a null or missing date gives null", () => {
    expect(parts(null)).toEqual(all.map(() => null));
    expect(parts("$missing")).toEqual(all.map(() => null));
    expect(parts({ date: "$missing", timezone: "Foo/Bar" })).toEqual(all.map(() => null));
    expect(call("$year", { date: D("2017-07-04"), timezone: null })).toBeNull();
  });

  test("an ObjectId is its timestamp, a Timestamp its seconds", () => {
    expect(parts(OID).map(Number)).toEqual([2020, 7, 4, 4, 5, 20, 0, 186, 7, 26, 27, 2020, 6]);
    expect(parts(TS).map(Number)).toEqual([2017, 7, 14, 2, 40, 0, 0, 195, 6, 28, 28, 2017, 5]);
    expect(call("$hour", "$_id", { _id: OID })).toBe(4);
  });

  test("the forms <date>, [<date>], {date, timezone} and an operator expression", () => {
    const doc = { d: D("2017-07-04T02:00:00Z") };
    expect(call("$dayOfMonth", "$d", doc)).toBe(4);
    expect(call("$dayOfMonth", ["$d"], doc)).toBe(4);
    expect(call("$dayOfMonth", { date: "$d", timezone: "America/New_York" }, doc)).toBe(3);
    expect(call("$dayOfMonth", { date: "$d", timezone: "+05:30" }, doc)).toBe(4);
    expect(call("$hour", { $add: ["$d", 3_600_000] }, doc)).toBe(3);
    expect(() => call("$year", ["$d", "$d"], doc)).toThrow("$year accepts exactly one argument if given an array, but was given 2");
    expect(() => call("$year", { date: "$d", tz: "UTC" }, doc)).toThrow('unrecognized option to $year: "tz"');
    expect(() => call("$year", { timezone: "UTC" }, doc)).toThrow("missing 'date' argument to $year");
    expect(() => call("$year", { date: "$d", timezone: 5 }, doc)).toThrow(
      "$year requires a string for the timezone argument, but was given a int (5)",
    );
    expect(() => call("$year", "2017-07-04")).toThrow("can't convert from BSON type string to Date");
  });

  test("$week counts Sunday-based weeks from 0 (TimeZone::week)", () => {
    const week = (s: string): unknown => call("$week", D(s));
    expect(week("2024-01-06T12:00:00Z")).toBe(0);
    expect(week("2024-01-07T12:00:00Z")).toBe(1);
    expect(week("2023-01-01T12:00:00Z")).toBe(1);
    expect(week("2023-12-31T12:00:00Z")).toBe(53);
    expect(week("2017-01-01T00:00:00Z")).toBe(1);
  });

  test("ISO weeks near New Year", () => {
    expect(call("$isoWeekYear", D("2024-12-30T00:00:00Z"))).toEqual(Long.fromNumber(2025));
    expect(call("$isoWeek", D("2024-12-30T00:00:00Z"))).toBe(1);
    expect(call("$isoWeekYear", D("2021-01-01T00:00:00Z"))).toEqual(Long.fromNumber(2020));
    expect(call("$isoWeek", D("2021-01-01T00:00:00Z"))).toBe(53);
    expect(call("$isoDayOfWeek", D("2021-01-03T00:00:00Z"))).toBe(7);
    // in New York it is still 2024-12-29, a Sunday of week 52 of 2024
    expect(call("$isoWeekYear", { date: D("2024-12-30T03:00:00Z"), timezone: "America/New_York" })).toEqual(Long.fromNumber(2024));
    expect(call("$dayOfWeek", { date: D("2024-12-30T03:00:00Z"), timezone: "America/New_York" })).toBe(1);
  });

  test("$dateToParts: the parts in a zone, or the ISO 8601 parts", () => {
    const date = D("2024-12-30T23:34:56.789Z");
    expect(call("$dateToParts", { date, timezone: "+05:30" })).toEqual({
      year: 2024,
      month: 12,
      day: 31,
      hour: 5,
      minute: 4,
      second: 56,
      millisecond: 789,
    });
    expect(call("$dateToParts", { date, iso8601: true })).toEqual({
      isoWeekYear: 2025,
      isoWeek: 1,
      isoDayOfWeek: 1,
      hour: 23,
      minute: 34,
      second: 56,
      millisecond: 789,
    });
    expect(call("$dateToParts", { date: TS, timezone: "Asia/Kolkata" })).toEqual({
      year: 2017,
      month: 7,
      day: 14,
      hour: 8,
      minute: 10,
      second: 0,
      millisecond: 0,
    });
    expect(call("$dateToParts", { date: "$missing" })).toBeNull();
    expect(call("$dateToParts", { date, iso8601: null })).toBeNull();
    expect(() => call("$dateToParts", { date, iso8601: 1 })).toThrow("iso8601 must evaluate to a bool, found int");
    expect(() => call("$dateToParts", { timezone: "UTC" })).toThrow("Missing 'date' parameter to $dateToParts");
    expect(() => call("$dateToParts", "$d")).toThrow("$dateToParts only supports an object as its argument");
  });
});

describe("$dateToString", () => {
  const toString = (spec: Record<string, unknown>, doc: Record<string, unknown> = {}): unknown => call("$dateToString", spec, doc);
  const date = D("2017-07-04T12:34:56.789Z");

  test("every specifier as MongoDB's outputDateWithFormat writes it", () => {
    const format = "%d %G %H %j %L %m %M %S %w %u %U %V %Y %z %Z %% %b %B";
    expect(toString({ date, format, timezone: "-05:30" })).toBe("04 2017 07 185 789 07 04 56 3 2 27 27 2017 -0530 -330 % Jul July");
    expect(toString({ date })).toBe("2017-07-04T12:34:56.789Z");
    // %w is 1 (Sunday) to 7 (Saturday); %U and %V, %G near New Year
    expect(toString({ date: D("2017-07-01T00:00:00Z"), format: "%w %u" })).toBe("7 6");
    expect(toString({ date: D("2017-07-02T00:00:00Z"), format: "%w %u" })).toBe("1 7");
    expect(toString({ date: D("2024-12-30T00:00:00Z"), format: "%Y %G-W%V-%u %U" })).toBe("2024 2025-W01-1 52");
    expect(toString({ date: D("2024-01-06T00:00:00Z"), format: "%U %j" })).toBe("00 006");
  });

  test("%z and %Z: the sign apart from hours and minutes, the offset in effect at the date", () => {
    expect(toString({ date, format: "%z %Z", timezone: "-00:30" })).toBe("-0030 -30");
    expect(toString({ date, format: "%z %Z", timezone: "+0545" })).toBe("+0545 345");
    expect(toString({ date, format: "%z", timezone: "America/New_York" })).toBe("-0400");
    expect(toString({ date: D("2017-01-04T12:00:00Z"), format: "%H %z", timezone: "America/New_York" })).toBe("07 -0500");
    expect(toString({ date, format: "%z %Z" })).toBe("+0000 0");
  });

  test("an unknown specifier, a trailing %, a year beyond 9999 are MongoDB's errors", () => {
    expect(() => toString({ date, format: "%q" })).toThrow("Invalid format character '%q' in format string");
    expect(() => toString({ date, format: "%Y %a" })).toThrow("Invalid format character '%a' in format string");
    expect(() => toString({ date, format: "%Y%" })).toThrow("Unmatched '%' at end of format string");
    expect(() => toString({ date: D("+010000-01-01T00:00:00Z") })).toThrow(
      "Could not convert date to string: date component was outside the supported range of 0-9999: 10000",
    );
    expect(() => toString({ date, format: 5 })).toThrow("$dateToString requires that 'format' be a string, found: int with value 5");
    expect(() => toString({ date, fmt: "%Y" })).toThrow("Unrecognized argument to $dateToString: fmt");
    expect(() => toString({ format: "%Y" })).toThrow("Missing 'date' parameter to $dateToString");
  });

  test("onNull for a null or missing date; null for a null format or time zone", () => {
    expect(toString({ date: "$missing", onNull: "no date" })).toBe("no date");
    expect(toString({ date: null, onNull: { $concat: ["no ", "$x"] } }, { x: "date" })).toBe("no date");
    expect(toString({ date: "$missing" })).toBeNull();
    expect(toString({ date, format: null })).toBeNull();
    expect(toString({ date, timezone: "$missing" })).toBeNull();
    // the format is checked even when the date is null
    expect(() => toString({ date: null, format: "%q", onNull: 1 })).toThrow("Invalid format character '%q'");
  });

  test("an ObjectId or a Timestamp is a date", () => {
    expect(toString({ date: OID })).toBe("2020-07-04T04:05:20.000Z");
    expect(toString({ date: TS, format: "%Y-%m-%d %H:%M", timezone: "Europe/Paris" })).toBe("2017-07-14 04:40");
  });
});

describe("$dateFromString", () => {
  const fromString = (spec: Record<string, unknown>): unknown => call("$dateFromString", spec);
  const parsed = (dateString: string, more: Record<string, unknown> = {}): string => iso(fromString({ dateString, ...more }));

  test("MongoDB's forms: offsets +02:00 and +0200, a space for the T, milliseconds, Z, a date alone", () => {
    expect(parsed("2017-07-04T11:56:02+02:00")).toBe("2017-07-04T09:56:02.000Z");
    expect(parsed("2017-07-04T11:56:02+0200")).toBe("2017-07-04T09:56:02.000Z");
    expect(parsed("2017-07-04T11:56:02-0530")).toBe("2017-07-04T17:26:02.000Z");
    expect(parsed("2017-07-04 11:56:02")).toBe("2017-07-04T11:56:02.000Z");
    expect(parsed("2017-07-04T11:56:02.813-04:00")).toBe("2017-07-04T15:56:02.813Z");
    expect(parsed("2017-07-04 11:56:02.5 +01")).toBe("2017-07-04T10:56:02.500Z");
    expect(parsed("2017-07-04T11:56:02Z")).toBe("2017-07-04T11:56:02.000Z");
    expect(parsed("2017-07-04T11:56")).toBe("2017-07-04T11:56:00.000Z");
    expect(parsed("2017-07-04")).toBe("2017-07-04T00:00:00.000Z");
    expect(parsed("  2017/07/04  ")).toBe("2017-07-04T00:00:00.000Z");
  });

  test("timelib's other forms: textual months, RFC 2822, 12-hour times, ISO weeks, zone abbreviations", () => {
    expect(parsed("July 4, 2017")).toBe("2017-07-04T00:00:00.000Z");
    expect(parsed("4 Jul 2017 10:00 pm")).toBe("2017-07-04T22:00:00.000Z");
    expect(parsed("Tue, 04 Jul 2017 11:56:02 GMT")).toBe("2017-07-04T11:56:02.000Z");
    expect(parsed("7/4/2017 12:30 am")).toBe("2017-07-04T00:30:00.000Z");
    expect(parsed("2017-W27-2")).toBe("2017-07-04T00:00:00.000Z");
    expect(parsed("20170704T115602")).toBe("2017-07-04T11:56:02.000Z");
    expect(parsed("2017-07-04 10:00:00 EDT")).toBe("2017-07-04T14:00:00.000Z");
    expect(parsed("@1499169362")).toBe("2017-07-04T11:56:02.000Z");
  });

  test("format, with %z and %Z honoured, %L as a fraction, ISO week dates, month names", () => {
    expect(parsed("04/07/2017 +0530", { format: "%d/%m/%Y %z" })).toBe("2017-07-03T18:30:00.000Z");
    expect(parsed("2017-07-04 11:56 -300", { format: "%Y-%m-%d %H:%M %Z" })).toBe("2017-07-04T16:56:00.000Z");
    expect(parsed("2017-07-04T11:56:02.5Z", { format: "%Y-%m-%dT%H:%M:%S.%L%z" })).toBe("2017-07-04T11:56:02.500Z");
    expect(parsed("2017-W27-2", { format: "%G-W%V-%u" })).toBe("2017-07-04T00:00:00.000Z");
    expect(parsed("4 July 2017 100%", { format: "%d %B %Y 100%%" })).toBe("2017-07-04T00:00:00.000Z");
    expect(() => fromString({ dateString: "2017-07-04", format: "%Y-%m-%d %w" })).toThrow("Invalid format character '%w' in format string");
  });

  test("cases of MongoDB's jstests/aggregation/expressions/date_from_string.js", () => {
    const cases: [string, string, Record<string, unknown>?][] = [
      ["2017-07-04T11:56:02.81Z", "2017-07-04T11:56:02.810Z", { format: "%Y-%m-%dT%H:%M:%S.%LZ" }],
      ["2017-07-04T11:56.02.8", "2017-07-04T10:56:02.800Z", { format: "%Y-%m-%dT%H:%M.%S.%L", timezone: "Europe/London" }],
      ["2017-07-04T11:56.02", "2017-07-04T10:56:02.000Z", { timezone: "+01:00" }],
      ["1960-07-10T12:35:37.513", "1960-07-10T16:35:37.513Z", { timezone: "America/New_York" }],
      ["1960-07-10T12:35:37.513", "1960-07-10T11:35:37.513Z", { timezone: "Europe/London" }],
      ["2017-07-14T12:02:44.771 GMT+02:00", "2017-07-14T10:02:44.771Z"],
      ["2017-07-14T12:02:44.771+0330", "2017-07-14T08:32:44.771Z", { format: "%Y-%m-%dT%H:%M:%S.%L%z" }],
      ["2017-07-14T12:02:44.771 CEST", "2017-07-14T10:02:44.771Z"],
      ["2017-07-14T12:02:44.771 L", "2017-07-14T01:02:44.771Z", { format: "%Y-%m-%dT%H:%M:%S.%L%z" }],
      ["July 4th, 2017 12:39:30 BST", "2017-07-04T11:39:30.000Z"],
      ["July 4th, 2017 11am", "2017-07-04T11:00:00.000Z"],
      ["7/4/17", "2017-07-04T00:00:00.000Z"],
      ["04-07-2017", "2017-07-04T00:00:00.000Z"],
      ["2017-Jul-04 noon", "2017-07-04T12:00:00.000Z"],
      ["2017-07-04 12:48:07 GMT+0545", "2017-07-04T07:03:07.000Z"],
      ["Day: 05 Month: 12 Year: 1988", "1988-12-05T00:00:00.000Z", { format: "Day: %d Month: %m Year: %Y" }],
      ["4/26/1992:+285", "1992-04-25T19:15:00.000Z", { format: "%m/%d/%Y:%Z" }],
      ["2017, Week 53", "2018-01-01T00:00:00.000Z", { format: "%G, Week %V" }],
      ["53.7.2017", "2018-01-07T00:00:00.000Z", { format: "%V.%u.%G" }],
    ];
    expect(cases.map(([dateString, , more]) => parsed(dateString, more))).toEqual(cases.map(([, expected]) => expected));
    const failures: [string, string | undefined, string][] = [
      ["July 4th", undefined, "an incomplete date/time string has been found"],
      ["2017, 12:50:53", undefined, "Error parsing date string"],
      ["60.Monday1770/06:59", undefined, "Error parsing date string"],
      ["2018-01", "%Y-%m-%d", "Not enough data available to satisfy format"],
      ["2018-01", "%Y", "Trailing data"],
      ["1992-26-04", "Y-d-m", "Format literal not found"],
      ["ISO Week 52", "ISO Week %V", "The parsed date was invalid"],
      ["ISO Week 1, 2018", "ISO Week %V, %Y", "Mixing of ISO dates with natural dates is not allowed"],
    ];
    for (const [dateString, format, message] of failures) expect(() => fromString({ dateString, format })).toThrow(message);
  });

  test("the timezone argument: Olson zones at the parsed date's offset, fixed offsets; never with a zone in the string", () => {
    expect(parsed("2017-07-04T11:56:02", { timezone: "America/New_York" })).toBe("2017-07-04T15:56:02.000Z");
    expect(parsed("2017-01-04T11:56:02", { timezone: "America/New_York" })).toBe("2017-01-04T16:56:02.000Z");
    expect(parsed("04.07.2017 11:56", { timezone: "-05:30" })).toBe("2017-07-04T17:26:00.000Z");
    expect(parsed("2017-07-04T11:56:02Z", { timezone: "UTC" })).toBe("2017-07-04T11:56:02.000Z");
    expect(() => fromString({ dateString: "2017-07-04T11:56:02Z", timezone: "Europe/London" })).toThrow(
      "you cannot pass in a date/time string with time zone information ('Z') together with a timezone argument",
    );
    expect(() => fromString({ dateString: "2017-07-04T11:56:02+02:00", timezone: "GMT" })).toThrow(
      "you cannot pass in a date/time string with GMT offset together with a timezone argument",
    );
  });

  test("a string it cannot read is an error (ConversionFailure) without onError, onError's value with it", () => {
    expect(() => fromString({ dateString: "not a date" })).toThrow("Error parsing date string 'not a date'");
    expect(() => fromString({ dateString: "2017-02-30" })).toThrow(
      "Error parsing date string '2017-02-30'; 10: The parsed date was invalid",
    );
    expect(() => fromString({ dateString: "2017-07-04T10:00:00 America/New_York" })).toThrow(
      "Error parsing date string '2017-07-04T10:00:00 America/New_York'; 20: passing a time zone identifier as part of the string is not allowed 'A'",
    );
    expect(() => fromString({ dateString: "11:56" })).toThrow(
      'an incomplete date/time string has been found, with elements missing: "11:56"',
    );
    expect(() => fromString({ dateString: "2017-07-04X1", format: "%Y-%m-%d" })).toThrow(
      "Error parsing date string '2017-07-04X1'; 10: Trailing data 'X'",
    );
    expect(() => fromString({ dateString: 20170704 })).toThrow(
      "$dateFromString requires that 'dateString' be a string, found: int with value 20170704",
    );
    expect(fromString({ dateString: "not a date", onError: "bad" })).toBe("bad");
    expect(fromString({ dateString: 5, onError: "$x" })).toBeUndefined();
    expect(fromString({ dateString: "2017-07-04Z", timezone: "Asia/Tokyo", onError: "conflict" })).toBe("conflict");
    expect(fromString({ dateString: "$missing", onNull: "none", onError: "bad" })).toBe("none");
    expect(fromString({ dateString: null })).toBeNull();
    // an unknown time zone is no conversion failure: onError does not catch it
    expect(() => fromString({ dateString: "2017-07-04", timezone: "Mars/Olympus", onError: 1 })).toThrow(
      "unrecognized time zone identifier",
    );
  });
});

describe("dateFromString(text, UTC_ZONE), for $toDate and $convert: UTC whatever the process's time zone", () => {
  test("a string without an offset is UTC; with one, at its offset", () => {
    const tz = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      expect(iso(dateFromString("2017-07-04T11:56:02", UTC_ZONE))).toBe("2017-07-04T11:56:02.000Z");
      expect(iso(dateFromString("2017-07-04", UTC_ZONE))).toBe("2017-07-04T00:00:00.000Z");
      expect(iso(dateFromString("July 4, 2017 10:00 pm", UTC_ZONE))).toBe("2017-07-04T22:00:00.000Z");
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    expect(iso(dateFromString("2017-07-04T11:56:02+02:00", UTC_ZONE))).toBe("2017-07-04T09:56:02.000Z");
  });

  test("its failures are conversion failures, which $convert's onError catches", () => {
    const failure = (() => {
      try {
        dateFromString("July 45", UTC_ZONE);
      } catch (err) {
        return err as { message: string; conversion?: boolean };
      }
      return undefined;
    })();
    expect(failure).toMatchObject({ message: expect.stringContaining("Error parsing date string 'July 45'") as unknown, conversion: true });
  });
});

describe("time zones", () => {
  const hour = (timezone: string, date = D("2017-01-01T12:00:00Z")): unknown => call("$hour", { date, timezone });

  test("UTC, GMT, Etc/GMT+5, America/Argentina/Buenos_Aires, America/Port-au-Prince, offsets", () => {
    expect(["UTC", "GMT", "Etc/GMT+5", "America/Argentina/Buenos_Aires", "America/Port-au-Prince"].map((z) => hour(z))).toEqual([
      12, 12, 7, 9, 7,
    ]);
    expect(
      ["+05", "+0530", "+05:30", "-00:30", "-12:00"].map((z) => call("$minute", { date: D("2017-01-01T12:00:00Z"), timezone: z })),
    ).toEqual([0, 30, 30, 30, 0]);
    expect(hour("Europe/London", D("2017-07-01T12:00:00Z"))).toBe(13);
  });

  test("an unknown identifier is MongoDB's 40485", () => {
    expect(() => hour("Foo/Bar")).toThrow('unrecognized time zone identifier: "Foo/Bar"');
    expect(() => hour("america/new_york")).toThrow('unrecognized time zone identifier: "america/new_york"');
    expect(() => hour("+5")).toThrow('unrecognized time zone identifier: "+5"');
    expect(() => hour("")).toThrow('unrecognized time zone identifier: ""');
    expect(() => call("$dateToString", { date: D("2017-01-01"), timezone: 1 })).toThrow("timezone must evaluate to a string, found int");
  });
});

describe("through the service (passes once bsonDateExpressions is in expressionContext())", () => {
  let s: ReturnType<typeof openService>;
  beforeEach(async () => {
    s = openService();
    await s.call("insertMany", {
      documents: [
        { _id: 1, d: D("2024-12-30T23:34:56.789Z"), s: "2017-07-04T11:56:02+0200" },
        { _id: 2, d: OID, s: "04/07/2017", ts: TS },
      ],
    });
  });
  afterEach(() => s.close());
  const agg = async (pipeline: unknown[]) => (await s.call("aggregate", { pipeline })) as Record<string, unknown>[];

  test("date parts: values and their BSON types", async () => {
    const rows = await agg([
      { $sort: { _id: 1 } },
      {
        $project: {
          week: { $week: "$d" },
          isoYear: { $isoWeekYear: "$d" },
          isoYearType: { $type: { $isoWeekYear: "$d" } },
          dayType: { $type: { $dayOfMonth: ["$d"] } },
          hour: { $hour: { date: "$d", timezone: "America/New_York" } },
          tsYear: { $year: "$ts" },
          missing: { $month: "$nope" },
        },
      },
    ]);
    expect(rows).toEqual([
      { _id: 1, week: 52, isoYear: 2025, isoYearType: "long", dayType: "int", hour: 18, tsYear: null, missing: null },
      { _id: 2, week: 26, isoYear: 2020, isoYearType: "long", dayType: "int", hour: 0, tsYear: 2017, missing: null },
    ]);
  });

  test("$dateFromParts, $dateToString and $dateFromString", async () => {
    const [row] = await agg([
      { $match: { _id: 1 } },
      {
        $project: {
          _id: 0,
          parts: { $dateFromParts: { year: 2017, month: 2, day: 30, timezone: "-05:30" } },
          text: { $dateToString: { date: "$d", format: "%Y-%m-%d %H:%M %z %w", timezone: "-05:30" } },
          parsed: { $dateFromString: { dateString: "$s" } },
          withFormat: { $dateFromString: { dateString: "04/07/2017", format: "%d/%m/%Y", timezone: "America/New_York" } },
        },
      },
    ]);
    expect(row).toEqual({
      parts: D("2017-03-02T05:30:00.000Z"),
      text: "2024-12-30 18:04 -0530 2",
      parsed: D("2017-07-04T09:56:02.000Z"),
      withFormat: D("2017-07-04T04:00:00.000Z"),
    });
  });

  test("$toDate (bsonConversions.ts): an ObjectId's timestamp, a Timestamp's seconds, a string in UTC, no booleans", async () => {
    const [row] = await agg([
      { $match: { _id: 2 } },
      { $project: { _id: 0, oid: { $toDate: "$d" }, ts: { $toDate: "$ts" }, text: { $toDate: "2017-07-04T11:56:02" } } },
    ]);
    expect(row).toEqual({ oid: D("2020-07-04T04:05:20.000Z"), ts: D("2017-07-14T02:40:00.000Z"), text: D("2017-07-04T11:56:02.000Z") });
    await expect(agg([{ $project: { v: { $toDate: true } } }])).rejects.toMatchObject({
      errorCode: "MongoDBError",
      message: "Unsupported conversion from bool to date in $convert with no onError value",
    });
  });

  test("a string $dateFromString cannot read is a MongoDBError without onError", async () => {
    await expect(agg([{ $project: { v: { $dateFromString: { dateString: "$s", format: "%Y-%m-%d" } } } }])).rejects.toMatchObject({
      errorCode: "MongoDBError",
      message: expect.stringContaining("Error parsing date string '2017-07-04T11:56:02+0200'") as unknown,
    });
    await expect(agg([{ $project: { v: { $dateToString: { date: "$d", format: "%a" } } } }])).rejects.toMatchObject({
      errorCode: "MongoDBError",
      message: "Invalid format character '%a' in format string",
    });
  });
});
