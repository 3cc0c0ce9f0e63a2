import { Context } from "mingo/core";
import * as mingoExpressions from "mingo/operators/expression";
import type { Options } from "mingo/types";
import { describe, expect, test } from "vitest";
import { bsonDateExpressions } from "./bsonDates.js";

// The operators laid over mingo's, as expressionContext() lays them.
const OPTIONS = { context: Context.init({ expression: { ...mingoExpressions, ...bsonDateExpressions } }) } as unknown as Options;

/** Calls one of the date operators directly, as mingo calls it: the document and the raw argument. */
function call(op: string, arg: unknown): unknown {
  const operator = bsonDateExpressions[op];
  if (!operator) throw new Error(`no operator ${op}`);
  return operator({}, arg, OPTIONS);
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : `not a date: ${String(v)}`);
const fromString = (spec: Record<string, unknown>): unknown => call("$dateFromString", spec);
const parsed = (dateString: string, more: Record<string, unknown> = {}): string => iso(fromString({ dateString, ...more }));

/** The error a call throws, with its `conversion` mark (a conversion failure, which onError catches). */
function thrown(f: () => unknown): { message: string; conversion?: boolean } | undefined {
  try {
    f();
  } catch (err) {
    return err as { message: string; conversion?: boolean };
  }
  return undefined;
}

describe("$dateFromString without a format: long runs of separators", () => {
  // Each run took the former scanner about 2.4 µs per character (all its rules tried at every
  // `,`, `.` or NUL): over 20 s for these. A run is one token now: well within the time allowed.
  test("millions of commas, dots, NULs and spaces around a date read as timelib reads them", { timeout: 10_000 }, () => {
    expect(parsed(`2017-07-04${",".repeat(4_000_000)}`)).toBe("2017-07-04T00:00:00.000Z");
    expect(parsed(`${".".repeat(4_000_000)}2017-07-04 10:00`)).toBe("2017-07-04T10:00:00.000Z");
    expect(parsed(`2017-07-04${"\0".repeat(2_000_000)}10:00:00`)).toBe("2017-07-04T10:00:00.000Z");
    expect(parsed(`July 4${", ".repeat(500_000)}2017`)).toBe("2017-07-04T00:00:00.000Z");
  });

  test("a run of separators does not hide what follows it: a relative phrase, a stray character", () => {
    expect(() => fromString({ dateString: `2017-07-04${", ".repeat(100)}3 days` })).toThrow(
      "; 209: relative date expressions are not supported ' '",
    );
    expect(() => fromString({ dateString: `2017-07-04${".,".repeat(50)}!` })).toThrow("; 110: Unexpected character '!'");
  });
});

describe("$dateFromString near the ends of the range of a date, in an Olson zone", () => {
  test("a local time past the end that is an instant within it is that instant (timelib's answer)", () => {
    expect(parsed("+275760-09-13 00:00:01", { timezone: "Europe/Paris" })).toBe("+275760-09-12T22:00:01.000Z");
    expect(parsed("-271821-04-20 10:00:00", { timezone: "Asia/Tokyo" })).toBe("-271821-04-20T00:41:01.000Z");
  });

  test("an instant beyond the range is the out-of-range conversion failure, which onError catches", () => {
    expect(fromString({ dateString: "+275760-09-13 00:00:01", timezone: "America/New_York", onError: "caught" })).toBe("caught");
    expect(fromString({ dateString: "-271821-04-20 08:00:00", timezone: "Asia/Tokyo", onError: "caught" })).toBe("caught");
    expect(thrown(() => fromString({ dateString: "+275760-09-13 00:00:01", timezone: "America/New_York" }))).toMatchObject({
      message: "Error parsing date string '+275760-09-13 00:00:01': the date is out of range",
      conversion: true,
    });
  });

  test("$dateFromParts and $dateAdd fail with their out-of-range errors, as with a fixed offset", () => {
    for (const timezone of ["America/New_York", "-05:00"]) {
      expect(() => call("$dateFromParts", { year: 9999, second: 1e15, timezone })).toThrow(
        "$dateFromParts: the date is out of the range a date can hold",
      );
      expect(() => call("$dateAdd", { startDate: new Date(8.64e15 - 3_600_000), unit: "day", amount: 1, timezone })).toThrow(
        "dateAdd overflowed",
      );
    }
  });
});

describe("$dateFromString: time zone abbreviations as timelib reads them", () => {
  test("each abbreviation at the offset of its first entry in timelib's table", () => {
    const cases: [string, string][] = [
      ["IST", "2017-07-04T08:00:00"],
      ["HKT", "2017-07-04T02:00:00"],
      ["ACST", "2017-07-04T00:30:00"],
      ["ACDT", "2017-07-03T23:30:00"],
      ["CAT", "2017-07-04T08:00:00"],
      ["EAT", "2017-07-04T07:00:00"],
      ["WAT", "2017-07-04T09:00:00"],
      ["PKT", "2017-07-04T05:00:00"],
      ["KST", "2017-07-04T01:30:00"],
      ["WIB", "2017-07-04T03:00:00"],
      ["HDT", "2017-07-04T19:30:00"],
      ["ADT", "2017-07-04T13:00:00"],
      ["AST", "2017-07-04T14:00:00"],
      ["NST", "2017-07-04T13:30:00"],
      ["NDT", "2017-07-04T12:30:52"],
      ["AWST", "2017-07-04T02:00:00"],
      ["CHST", "2017-07-04T00:00:00"],
      ["SAST", "2017-07-04T08:00:00"],
      ["MSD", "2017-07-04T06:00:00"],
      ["IDT", "2017-07-04T07:00:00"],
      ["YST", "2017-07-04T19:00:00"],
      ["MET", "2017-07-04T09:00:00"],
      ["bst", "2017-07-04T09:00:00"],
      ["Utc", "2017-07-04T10:00:00"],
    ];
    expect(cases.map(([zone]) => parsed(`2017-07-04 10:00:00 ${zone}`))).toEqual(cases.map(([, instant]) => `${instant}.000Z`));
    expect(parsed("2017-07-04T10:00:00 (HKT)")).toBe("2017-07-04T02:00:00.000Z");
    expect(parsed("2017-07-04 10:00 IST", { format: "%Y-%m-%d %H:%M %z" })).toBe("2017-07-04T08:00:00.000Z");
  });

  test("UT and words not in the table are no zone; an abbreviation with a timezone argument is refused", () => {
    expect(() => fromString({ dateString: "2017-07-04 10:00:00 UT" })).toThrow(
      "Error parsing date string '2017-07-04 10:00:00 UT'; 20: passing a time zone identifier as part of the string is not allowed 'U'",
    );
    expect(fromString({ dateString: "2017-07-04 10:00:00 UT", onError: "caught" })).toBe("caught");
    expect(() => fromString({ dateString: "2017-07-04 10:00:00 IST", timezone: "Asia/Kolkata" })).toThrow(
      "you cannot pass in a date/time string with time zone information ('IST') together with a timezone argument",
    );
  });
});

describe("$dateFromString with a format: MongoDB 7.0's handling", () => {
  test("the format ends at a NUL, as the C string timelib is given", () => {
    expect(parsed("2017-07-04", { format: "%Y-%m-%d\0" })).toBe("2017-07-04T00:00:00.000Z");
    expect(parsed("2017-07-04", { format: "%Y-%m-%d\0%H:%M" })).toBe("2017-07-04T00:00:00.000Z");
    // jstests/aggregation/expressions/date_from_string.js
    expect(() => fromString({ dateString: "12/31/2018", format: "%m/%d\0/%Y" })).toThrow(
      "Error parsing date string '12/31/2018'; 5: Trailing data '/'",
    );
    // the check of the specifiers still reads the whole format
    expect(() => fromString({ dateString: "2017", format: "%Y\0%q" })).toThrow("Invalid format character '%q' in format string");
  });

  test("%U and %w are refused in a $dateFromString format, as MongoDB's kDateFromStringFormatMap refuses them", () => {
    expect(() => fromString({ dateString: "2017-07-04 27", format: "%Y-%m-%d %U" })).toThrow(
      "Invalid format character '%U' in format string",
    );
    expect(() => fromString({ dateString: "2017-07-04 3", format: "%Y-%m-%d %w" })).toThrow(
      "Invalid format character '%w' in format string",
    );
  });
});
