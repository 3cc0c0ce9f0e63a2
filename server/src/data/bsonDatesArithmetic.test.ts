import { Decimal128, Long, ObjectId, Timestamp } from "bson";
import { describe, expect, test } from "vitest";
import { Aggregator } from "./mingoOptions.js";

/** The value of `expr` over `doc`, through the server's operators (`$project`). */
function run(expr: unknown, doc: Record<string, unknown> = {}): unknown {
  const [row] = new Aggregator([{ $project: { _id: 0, v: expr } }]).run<{ v?: unknown }>([doc]);
  return row?.v;
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : `not a date: ${String(v)}`);
/** An Int64's digits, or what the value is instead. */
const long = (v: unknown): string => (v instanceof Long ? v.toString() : `not an Int64: ${String(v)}`);
const D = (s: string): Date => new Date(s);
/** The start of MongoDB's message for a `timezone` of `$dateDiff` or `$dateTrunc` it cannot read. */
const zoneFailed = (op: string): string => `${op} parameter 'timezone' value parsing failed :: caused by :: `;
const JAN1 = D("2020-01-01T00:00:00Z");
/** The jstests' date. */
const some = D("2020-11-01T18:23:36Z");
/** 2020-07-04T04:05:20Z */
const OID = new ObjectId("5f0000000000000000000000");

describe("$dateAdd and $dateSubtract", () => {
  const add = (startDate: unknown, unit: unknown, amount: unknown, timezone?: unknown): string =>
    iso(run({ $dateAdd: { startDate, unit, amount, timezone } }));
  const subtract = (startDate: unknown, unit: unknown, amount: unknown, timezone?: string): string =>
    iso(run({ $dateSubtract: { startDate, unit, amount, timezone } }));

  test("days and larger units keep the local time of day across a change of offset; hours and smaller are absolute time (as mingo's were)", () => {
    // the jstests: 24 hours in Paris on the day summer time ends is 24 hours, one day is 25
    expect(add(D("2020-10-24T18:10:00Z"), "hour", 24, "Europe/Paris")).toBe("2020-10-25T18:10:00.000Z");
    expect(add(D("2020-10-24T18:10:00Z"), "day", 1, "Europe/Paris")).toBe("2020-10-25T19:10:00.000Z");
    expect(add(D("2020-10-24T18:10:00Z"), "week", 1, "Europe/Paris")).toBe("2020-10-31T19:10:00.000Z");
    // New York, 2020-03-08T07:00Z: 01:50 EST + 1 hour is 03:50 EDT, + 1 day is 01:50 EDT the next day
    expect(add(D("2020-03-08T06:50:00Z"), "hour", 1, "America/New_York")).toBe("2020-03-08T07:50:00.000Z");
    expect(add(D("2020-03-08T06:50:00Z"), "day", 1, "America/New_York")).toBe("2020-03-09T05:50:00.000Z");
    expect(subtract(D("2020-03-08T07:20:00Z"), "day", 1, "America/New_York")).toBe("2020-03-07T08:20:00.000Z");
    expect(add(D("2020-10-24T18:10:00Z"), "day", 1, "+02:00")).toBe("2020-10-25T18:10:00.000Z");
  });

  test("a repeated local hour is read with the start's offset (as mingo's absolute days were), a skipped one moves past the gap", () => {
    // 01:30 EDT + 1 day is 01:30 EDT; 01:30 EST - 1 day is 01:30 EST (timelib keeps the start's daylight-saving flag)
    expect(add(D("2020-10-31T05:30:00Z"), "day", 1, "America/New_York")).toBe("2020-11-01T05:30:00.000Z");
    expect(subtract(D("2020-11-02T06:30:00Z"), "day", 1, "America/New_York")).toBe("2020-11-01T06:30:00.000Z");
    // 02:30 on 2020-03-08 does not exist in New York: 03:30 EDT, from EST or from EDT
    expect(add(D("2020-03-07T07:30:00Z"), "day", 1, "America/New_York")).toBe("2020-03-08T07:30:00.000Z");
    expect(add(D("2019-11-02T06:30:00Z"), "day", 127, "America/New_York")).toBe("2020-03-08T07:30:00.000Z");
  });

  test("a month without the start's day ends on that month's last day, counted in the zone's calendar", () => {
    expect(add(D("2020-01-31T10:05:00Z"), "month", 1)).toBe("2020-02-29T10:05:00.000Z");
    expect(add(D("2021-01-31T10:05:00Z"), "month", 1)).toBe("2021-02-28T10:05:00.000Z");
    expect(add(D("2020-08-31T10:05:00Z"), "month", -18)).toBe("2019-02-28T10:05:00.000Z");
    expect(add(D("2016-02-29T00:00:00Z"), "year", 2)).toBe("2018-02-28T00:00:00.000Z");
    expect(add(D("2020-01-31T00:00:00Z"), "quarter", 1)).toBe("2020-04-30T00:00:00.000Z");
    // January 31 in Paris (23:30Z on the 30th) + 1 month is February 28 in Paris
    expect(add(D("2021-01-30T23:30:00Z"), "month", 1, "Europe/Paris")).toBe("2021-02-27T23:30:00.000Z");
    // January 30 22:00 in New York - 2 months is November 30 22:00 there
    expect(subtract(D("2021-01-31T03:00:00Z"), "month", 2, "America/New_York")).toBe("2020-12-01T03:00:00.000Z");
    // May 31 00:30 in Amsterdam - 5 quarters is February 29 00:30 (winter time)
    expect(add(D("2021-05-30T22:30:00Z"), "quarter", -5, "Europe/Amsterdam")).toBe("2020-02-28T23:30:00.000Z");
  });

  test("the jstests' arguments from the document, $dateAdd nested in $dateSubtract (mingo had the UTC ones up to the 28th right)", () => {
    const doc = { date: D("2020-12-31T12:10:05Z"), unit: "month", timezone: "Europe/Paris" };
    const on = (expr: unknown): string => iso(run(expr, doc));
    expect(on({ $dateAdd: { startDate: "$date", unit: "$unit", amount: 1 } })).toBe("2021-01-31T12:10:05.000Z");
    expect(on({ $dateAdd: { startDate: "$date", unit: "hour", amount: 2, timezone: "$timezone" } })).toBe("2020-12-31T14:10:05.000Z");
    expect(on({ $dateAdd: { startDate: "$date", unit: "millisecond", amount: 1050 } })).toBe("2020-12-31T12:10:06.050Z");
    expect(on({ $dateSubtract: { startDate: "$date", unit: "year", amount: 1 } })).toBe("2019-12-31T12:10:05.000Z");
    expect(on({ $dateSubtract: { startDate: "$date", unit: "quarter", amount: 2 } })).toBe("2020-06-30T12:10:05.000Z");
    expect(on({ $dateSubtract: { startDate: "$date", unit: "$unit", amount: 1 } })).toBe("2020-11-30T12:10:05.000Z");
    expect(on({ $dateSubtract: { startDate: "$date", unit: "$unit", amount: 3, timezone: "$timezone" } })).toBe("2020-09-30T11:10:05.000Z");
    expect(on({ $dateSubtract: { startDate: "$date", unit: "second", amount: 125 } })).toBe("2020-12-31T12:08:00.000Z");
    const nested = { $dateAdd: { startDate: "$date", unit: "hour", amount: 2 } };
    expect(on({ $dateSubtract: { startDate: nested, unit: "hour", amount: 2 } })).toBe("2020-12-31T12:10:05.000Z");
  });

  test("a null or missing startDate, unit, amount or timezone gives null, before any other argument is checked", () => {
    expect(run({ $dateAdd: { startDate: "$nope", unit: "day", amount: 1 } })).toBeNull();
    expect(run({ $dateAdd: { startDate: null, unit: "epoch", amount: "x", timezone: "Nowhere" } })).toBeNull();
    expect(run({ $dateAdd: { startDate: JAN1, unit: null, amount: 1 } })).toBeNull();
    expect(run({ $dateSubtract: { startDate: JAN1, unit: "day", amount: "$nope" } })).toBeNull();
    expect(run({ $dateAdd: { startDate: "x", unit: "day", amount: 1, timezone: null } })).toBeNull();
  });

  test("an ObjectId's timestamp and a Timestamp's seconds are dates", () => {
    expect(add(OID, "day", 1)).toBe("2020-07-05T04:05:20.000Z");
    expect(subtract(new Timestamp({ t: 1500000000, i: 7 }), "minute", 30)).toBe("2017-07-14T02:10:00.000Z");
  });

  test("amount: an Int32, an Int64, a whole double or a whole Decimal128; anything else is MongoDB's error", () => {
    expect(add(JAN1, "day", Long.fromNumber(3))).toBe("2020-01-04T00:00:00.000Z");
    expect(add(D("2020-01-31T00:00:00Z"), "month", Decimal128.fromString("2.0"))).toBe("2020-03-31T00:00:00.000Z");
    expect(subtract(JAN1, "hour", Decimal128.fromString("-1E+1"))).toBe("2020-01-01T10:00:00.000Z");
    for (const amount of [1.5, "1", Decimal128.fromString("0.5"), true]) {
      expect(() => add(JAN1, "day", amount)).toThrow("$dateAdd expects integer amount of time units");
    }
    expect(() => subtract(JAN1, "year", 1.001)).toThrow("$dateSubtract expects integer amount of time units");
  });

  test("MongoDB's bounds on amount; a date beyond what a JavaScript Date holds is an error (MongoDB's reach 2^63 ms)", () => {
    expect(() => add(JAN1, "year", 584942418)).toThrow("invalid dateAdd 'amount' parameter value: 584942418 year");
    expect(() => subtract(JAN1, "day", 213503982335)).toThrow("invalid dateAdd 'amount' parameter value: -213503982335 day");
    expect(() => subtract(JAN1, "day", Long.MIN_VALUE)).toThrow("invalid $dateSubtract 'amount' parameter value: -9223372036854775808");
    expect(() => add(JAN1, "year", 300000)).toThrow("dateAdd overflowed");
    expect(() => add(JAN1, "millisecond", Long.MAX_VALUE)).toThrow("dateAdd overflowed");
    expect(add(JAN1, "year", 273000)).toBe("+275020-01-01T00:00:00.000Z");
  });

  test("argument errors: MongoDB's messages, in MongoDB's order", () => {
    expect(() => run({ $dateAdd: "x" })).toThrow("$dateAdd expects an object as its argument");
    expect(() => run({ $dateAdd: { startDate: "$d", units: "day", amount: 1 } })).toThrow(
      "Unrecognized argument to $dateAdd: units. Expected arguments are startDate, unit, amount, and optionally timezone.",
    );
    expect(() => run({ $dateSubtract: { startDate: 1, amount: 1 } })).toThrow(
      "$dateSubtract requires startDate, unit, and amount to be present",
    );
    expect(() => subtract("myBirthDate", "year", 10)).toThrow("$dateSubtract requires startDate to be convertible to a date");
    expect(() => add("x", 1, 1.5)).toThrow("$dateAdd requires startDate to be convertible to a date");
    expect(() => add(JAN1, 1, 10)).toThrow("$dateAdd expects string defining the time unit");
    expect(() => add(JAN1, "epoch", 10)).toThrow("unknown time unit value: epoch");
    expect(() => add(JAN1, "Day", 10)).toThrow("unknown time unit value: Day");
    expect(() => subtract(JAN1, "year", 1, "Unknown")).toThrow('unrecognized time zone identifier: "Unknown"');
    expect(() => add(JAN1, "day", 1, 5)).toThrow("timezone must evaluate to a string, found int");
  });
});

describe("$dateDiff", () => {
  const diff = (startDate: unknown, endDate: unknown, unit: unknown, timezone?: unknown, startOfWeek?: string): string =>
    long(run({ $dateDiff: { startDate, endDate, unit, timezone, startOfWeek } }));

  test("an Int64 count of the unit's boundaries crossed between the two local times (mingo counted UTC ones, as doubles)", () => {
    expect(diff(D("2020-11-01T18:23:36Z"), D("2020-11-02T00:00:00Z"), "hour")).toBe("6");
    // 2000-12-31 23:59:59.500 to 2001-01-01 00:00 in New York
    expect(diff(D("2001-01-01T04:59:59.500Z"), D("2001-01-01T05:00:00Z"), "year", "America/New_York")).toBe("1");
    expect(diff(D("2001-01-01T05:00:00Z"), D("2001-01-01T04:59:59.500Z"), "year", "America/New_York")).toBe("-1");
    expect(diff(D("2010-02-28T23:59:59Z"), D("2008-12-31T23:59:59Z"), "month")).toBe("-14");
    expect(diff(JAN1, D("2020-03-31T23:59:59Z"), "quarter")).toBe("0");
    expect(diff(D("2000-12-31T00:00:00Z"), D("1500-09-30T00:00:00Z"), "quarter")).toBe("-2001");
    expect(diff(D("1999-12-30T00:00:00Z"), D("2001-01-02T00:00:00Z"), "day")).toBe("369");
    expect(diff(D("1583-01-01T00:00:00Z"), D("1601-01-01T00:00:00Z"), "day")).toBe("6575");
    // the same instants are one day apart in New York, none in UTC
    expect(diff(D("2020-11-09T04:00:00Z"), D("2020-11-09T06:00:00Z"), "day", "America/New_York")).toBe("1");
    expect(diff(D("2020-11-09T04:00:00Z"), D("2020-11-09T06:00:00Z"), "day")).toBe("0");
  });

  test("hours, minutes and seconds count absolute time across a change of offset, from the zone's own boundaries", () => {
    // New York: 01:00 EDT to 01:00 EST is 1 hour, 01:45 EST to 03:00 EDT is 1 hour
    expect(diff(D("2020-11-01T05:00:00Z"), D("2020-11-01T06:00:00Z"), "hour", "America/New_York")).toBe("1");
    expect(diff(D("2020-11-01T06:00:00Z"), D("2020-11-01T05:00:00Z"), "hour", "America/New_York")).toBe("-1");
    expect(diff(D("2020-03-08T06:45:00Z"), D("2020-03-08T07:00:00Z"), "hour", "America/New_York")).toBe("1");
    // Australia/Eucla is +08:45: 20:55 to 21:05 there (12:10Z to 12:20Z) crosses an hour
    expect(diff(D("2020-11-10T12:10:00Z"), D("2020-11-10T12:20:00Z"), "hour", "Australia/Eucla")).toBe("1");
    expect(diff(D("2020-11-10T12:10:00Z"), D("2020-11-10T12:20:00Z"), "hour")).toBe("0");
    expect(diff(D("2020-11-08T07:10:16.999Z"), D("2020-11-08T06:30:15.999Z"), "second", "America/New_York")).toBe("-2401");
    expect(diff(D("2020-11-08T06:55:00Z"), D("2020-11-08T06:30:59.999Z"), "minute", "America/New_York")).toBe("-25");
  });

  test("weeks start on Sunday unless startOfWeek names another day, in any letter case", () => {
    // the jstests: Sunday 2021-01-24 to Monday 2021-01-25
    expect(diff(D("2021-01-24T18:23:36Z"), D("2021-01-25T02:23:36Z"), "week")).toBe("0");
    expect(diff(D("2021-01-24T18:23:36Z"), D("2021-01-25T02:23:36Z"), "week", "GMT", "MONDAY")).toBe("1");
    // Sunday 00:00 to Saturday 23:59 in New York
    expect(diff(D("2021-01-17T05:00:00Z"), D("2021-01-17T04:59:00Z"), "week", "America/New_York", "sunday")).toBe("-1");
    expect(diff(D("2020-11-07T00:00:00Z"), D("2020-11-15T00:00:00Z"), "week")).toBe("2");
    expect(diff(D("2020-11-10T00:00:00Z"), D("2020-10-08T00:00:00Z"), "week", "UTC", "mon")).toBe("-5");
    expect(diff(D("2020-11-04T00:00:00Z"), D("2020-11-10T00:00:00Z"), "week", "UTC", "Wed")).toBe("0");
  });

  test("milliseconds: exact beyond 2^53, whatever the zone; ObjectIds and Timestamps are dates", () => {
    expect(diff(new Date(-8.64e15), new Date(8.64e15), "millisecond", "Asia/Tokyo")).toBe("17280000000000000");
    expect(diff(D("2020-11-08T06:30:16.500Z"), D("2020-11-08T06:30:15Z"), "millisecond")).toBe("-1500");
    expect(diff(OID, D("2020-07-04T05:00:00Z"), "minute")).toBe("55");
    expect(diff(new Timestamp({ t: 1604255016, i: 0 }), new Timestamp({ t: 1604260800, i: 0 }), "minute")).toBe("97");
  });

  test("a null or missing argument gives null before the others are checked; startOfWeek is read only for weeks (the jstests)", () => {
    const spec = { startDate: "$startDate", endDate: "$endDate", unit: "$unit", timezone: "$timeZone", startOfWeek: "$startOfWeek" };
    const on = (doc: Record<string, unknown>): unknown => run({ $dateDiff: spec }, doc);
    expect(on({ endDate: 1, unit: "century", timeZone: "INVALID" })).toBeNull();
    expect(on({ startDate: null, endDate: some, unit: "hour", timeZone: "UTC" })).toBeNull();
    expect(on({ startDate: "", unit: "epoch", timeZone: "INVALID" })).toBeNull();
    expect(on({ startDate: some, endDate: some, unit: null, timeZone: "UTC" })).toBeNull();
    expect(on({ startDate: some, endDate: some, unit: "hour", timeZone: null })).toBeNull();
    expect(on({ startDate: 1, endDate: 2, unit: "century" })).toBeNull();
    expect(on({ startDate: some, endDate: some, unit: "week", startOfWeek: null })).toBeNull();
    expect(on({ startDate: 1, endDate: 2, unit: "week", timeZone: 1 })).toBeNull();
    expect(long(on({ startDate: some, endDate: some, unit: "hour", timeZone: "GMT", startOfWeek: 1 }))).toBe("0");
  });

  test("errors: MongoDB's messages", () => {
    expect(() => run({ $dateDiff: "x" })).toThrow("$dateDiff only supports an object as its argument");
    expect(() => run({ $dateDiff: { startDate: some, endDate: some, unit: "day", timeGone: "yes" } })).toThrow(
      "Unrecognized argument to $dateDiff: timeGone",
    );
    expect(() => run({ $dateDiff: { endDate: some, unit: "day" } })).toThrow("Missing 'startDate' parameter to $dateDiff");
    expect(() => run({ $dateDiff: { startDate: some, unit: "day" } })).toThrow("Missing 'endDate' parameter to $dateDiff");
    expect(() => run({ $dateDiff: { startDate: some, endDate: some } })).toThrow("Missing 'unit' parameter to $dateDiff");
    expect(() => diff("string", some, "hour")).toThrow("$dateDiff requires 'startDate' to be a date, but got string");
    expect(() => diff(some, 1, "hour")).toThrow("$dateDiff requires 'endDate' to be a date, but got int");
    expect(() => diff(some, some, 5)).toThrow("$dateDiff requires 'unit' to be a string, but got int");
    expect(() => diff(some, some, "decade")).toThrow("$dateDiff parameter 'unit' value cannot be recognized as a time unit: decade");
    expect(() => diff(some, some, "week", "GMT", "FRIDIE")).toThrow(
      "$dateDiff parameter 'startOfWeek' value cannot be recognized as a day of a week: FRIDIE",
    );
    expect(() => run({ $dateDiff: { startDate: some, endDate: some, unit: "week", startOfWeek: 1 } })).toThrow(
      "$dateDiff requires 'startOfWeek' to be a string, but got int",
    );
    expect(() => diff(some, some, "hour", "X/Y")).toThrow(`${zoneFailed("$dateDiff")}unrecognized time zone identifier: "X/Y"`);
    expect(() => diff(some, some, "hour", 1)).toThrow(`${zoneFailed("$dateDiff")}timezone must evaluate to a string, found int`);
  });
});

describe("$dateTrunc", () => {
  const trunc = (date: unknown, unit: unknown, binSize?: unknown, timezone?: string, startOfWeek?: unknown): string =>
    iso(run({ $dateTrunc: { date, unit, binSize, timezone, startOfWeek } }));

  test("bins of binSize units counted from 2000-01-01 in the zone (the jstests; mingo had the UTC ones right)", () => {
    expect(trunc(D("2020-11-01T18:23:36Z"), "hour", 2)).toBe("2020-11-01T18:00:00.000Z");
    // New York's 4-hour bins start at its midnight (05:00Z in winter)
    expect(trunc(D("2021-12-01T18:23:36Z"), "hour", 4, "America/New_York", "IGNORED")).toBe("2021-12-01T17:00:00.000Z");
    expect(trunc(D("2021-02-15T18:23:36Z"), "week")).toBe("2021-02-14T00:00:00.000Z");
    expect(trunc(D("2000-01-30T18:00:00Z"), "week", 2, "America/New_York", "mon")).toBe("2000-01-17T05:00:00.000Z");
    expect(trunc(new ObjectId("507c7f79bcf86cd7994f6c0e"), "minute", 10)).toBe("2012-10-15T21:20:00.000Z");
    expect(trunc(new Timestamp({ t: 1350336377, i: 0 }), "second", 10)).toBe("2012-10-15T21:26:10.000Z");
    expect(trunc(D("2020-01-30T18:59:00Z"), "minute", Decimal128.fromString("15"), "UTC")).toBe("2020-01-30T18:45:00.000Z");
    expect(trunc(D("2020-01-30T18:59:00Z"), "day", Long.fromNumber(1), "UTC")).toBe("2020-01-30T00:00:00.000Z");
    expect(trunc(D("2020-01-30T18:59:00.003Z"), "millisecond", 1000, "UTC")).toBe("2020-01-30T18:59:00.000Z");
    // Kolkata (+05:30): hours start at its half hours
    expect(trunc(D("2020-01-01T10:10:00Z"), "hour", 1, "Asia/Kolkata")).toBe("2020-01-01T09:30:00.000Z");
  });

  test("days, weeks, months, quarters and years in the zone's calendar, across a change of offset", () => {
    // New York: 2021-03-14 04:00 EDT starts at 00:00 EST; 2021-11-07 02:00 EST starts at 00:00 EDT
    expect(trunc(D("2021-03-14T08:00:00Z"), "day", 1, "America/New_York")).toBe("2021-03-14T05:00:00.000Z");
    expect(trunc(D("2021-11-07T07:00:00Z"), "day", 1, "America/New_York")).toBe("2021-11-07T04:00:00.000Z");
    expect(trunc(D("2021-03-28T01:00:00Z"), "day", 1, "Europe/Sofia")).toBe("2021-03-27T22:00:00.000Z");
    expect(trunc(D("2000-01-08T00:00:02Z"), "day", 2)).toBe("2000-01-07T00:00:00.000Z");
    expect(trunc(D("1999-12-29T23:59:59.999Z"), "day", 2)).toBe("1999-12-28T00:00:00.000Z");
    expect(trunc(D("2000-01-26T00:00:00Z"), "week", 2, "UTC", "wednesday")).toBe("2000-01-19T00:00:00.000Z");
    expect(trunc(D("1999-12-19T23:59:59.999Z"), "week", 2, "UTC", "monday")).toBe("1999-12-06T00:00:00.000Z");
    expect(trunc(D("2021-08-01T23:59:59.999Z"), "week", 1, "UTC", "MON")).toBe("2021-07-26T00:00:00.000Z");
    expect(trunc(D("2021-04-30T23:59:59.999Z"), "month", 2)).toBe("2021-03-01T00:00:00.000Z");
    expect(trunc(D("1900-03-31T23:59:59.999Z"), "month", 3)).toBe("1900-01-01T00:00:00.000Z");
    expect(trunc(D("2021-07-15T12:00:00Z"), "month", 1, "Europe/Paris")).toBe("2021-06-30T22:00:00.000Z");
    expect(trunc(D("2021-08-15T00:00:00Z"), "quarter")).toBe("2021-07-01T00:00:00.000Z");
    expect(trunc(D("2021-08-15T00:00:00Z"), "year", 10)).toBe("2020-01-01T00:00:00.000Z");
    expect(trunc(D("1999-08-15T00:00:00Z"), "year", 3)).toBe("1997-01-01T00:00:00.000Z");
  });

  test("a null or missing argument gives null before the others are checked; startOfWeek is read only for weeks (the jstests)", () => {
    const spec = { date: "$date", unit: "$unit", binSize: "$binSize", timezone: "$timeZone", startOfWeek: "$startOfWeek" };
    const on = (doc: Record<string, unknown>): unknown => run({ $dateTrunc: spec }, doc);
    expect(on({ unit: "H", binSize: "string", timeZone: 1 })).toBeNull();
    expect(on({ date: null, unit: "hour", binSize: 1, timeZone: "UTC" })).toBeNull();
    expect(on({ date: some, unit: null, binSize: 1, timeZone: "UTC" })).toBeNull();
    expect(on({ date: "Invalid", binSize: "Invalid", timeZone: "Invalid" })).toBeNull();
    expect(on({ date: some, unit: "hour", binSize: null, timeZone: "UTC" })).toBeNull();
    expect(on({ date: some, unit: "hour", binSize: 1, timeZone: null })).toBeNull();
    expect(on({ date: some, unit: "week", binSize: 1, startOfWeek: null })).toBeNull();
    expect(on({ date: 1, unit: "week", binSize: "", timeZone: 1 })).toBeNull();
    expect(iso(on({ date: D("2020-01-30T18:59:00Z"), binSize: 1, unit: "year", timeZone: "GMT", startOfWeek: 1 }))).toBe(
      "2020-01-01T00:00:00.000Z",
    );
  });

  test("binSize: a positive 64-bit integer of any number type, within MongoDB's bounds", () => {
    const notInteger = (v: string, type: string): string =>
      `$dateTrunc requires 'binSize' to be a 64-bit integer, but got value '${v}' of type ${type}`;
    expect(() => trunc(some, "hour", "Number")).toThrow(notInteger('"Number"', "string"));
    expect(() => trunc(some, "hour", 2.5)).toThrow(notInteger("2.5", "double"));
    expect(() => trunc(some, "hour", 0)).toThrow("$dateTrunc requires 'binSize' to be greater than 0, but got value 0");
    expect(() => trunc(some, "day", -1)).toThrow("$dateTrunc requires 'binSize' to be greater than 0, but got value -1");
    expect(() => trunc(some, "day", 100_000_000_001)).toThrow("dateTrunc unsupported binSize value");
    expect(() => trunc(some, "hour", Long.MAX_VALUE)).toThrow("dateTrunc overflowed");
    expect(trunc(some, "millisecond", Long.MAX_VALUE)).toBe("2000-01-01T00:00:00.000Z");
  });

  test("errors: MongoDB's messages", () => {
    expect(() => run({ $dateTrunc: "A" })).toThrow("$dateTrunc only supports an object as its argument");
    expect(() => run({ $dateTrunc: { endDate: 1 } })).toThrow(
      "Unrecognized argument to $dateTrunc: endDate. Expected arguments are date, unit, and optionally, binSize, timezone, startOfWeek",
    );
    expect(() => run({ $dateTrunc: { unit: "week" } })).toThrow("Missing 'date' parameter to $dateTrunc");
    expect(() => run({ $dateTrunc: { date: some } })).toThrow("Missing 'unit' parameter to $dateTrunc");
    expect(() => trunc("string", "hour")).toThrow("$dateTrunc requires 'date' to be a date, but got string");
    expect(() => trunc(some, 1)).toThrow("$dateTrunc requires 'unit' to be a string, but got int");
    expect(() => trunc(some, "century")).toThrow("$dateTrunc parameter 'unit' value cannot be recognized as a time unit: century");
    expect(() => trunc(some, "week", 1, "GMT", 1)).toThrow("$dateTrunc requires 'startOfWeek' to be a string, but got int");
    expect(() => trunc(some, "week", 1, "GMT", "FRIDIE")).toThrow(
      "$dateTrunc parameter 'startOfWeek' value cannot be recognized as a day of a week: FRIDIE",
    );
    expect(() => trunc(some, "hour", 1, "X/Y")).toThrow(`${zoneFailed("$dateTrunc")}unrecognized time zone identifier: "X/Y"`);
  });
});
