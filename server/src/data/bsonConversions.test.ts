import { Decimal128, Long, MinKey, ObjectId, Timestamp } from "bson";
import { describe, expect, test } from "vitest";
import { Aggregator } from "./mingoOptions.js";

const dec = (s: string) => Decimal128.fromString(s);
const project = (expr: unknown, doc: Record<string, unknown> = {}): unknown =>
  (new Aggregator([{ $project: { _id: 0, v: expr } }]).run([doc])[0] as { v: unknown }).v;

describe("$convert evaluates its input once", () => {
  test("a stored string that looks like a field path or a variable is converted as text", () => {
    expect(project({ $convert: { input: "$price", to: "double", onError: 0 } }, { price: "$19.99" })).toBe(0);
    expect(project({ $convert: { input: "$when", to: "date", onError: "bad" } }, { when: "$$NOW" })).toBe("bad");
    expect(project({ $toString: "$s" }, { s: "$x" })).toBe("$x");
  });
});

describe("strings to numbers, as MongoDB's NumberParser reads them", () => {
  test("integers: an optional sign and base-10 digits only", () => {
    expect(project({ $toInt: "-12" })).toBe(-12);
    expect(project({ $toInt: "+7" })).toBe(7);
    for (const text of [" 1", "1 ", "0b11", "1e3", "1.0"]) {
      expect(() => project({ $toInt: text })).toThrow(
        `Failed to parse number '${text}' in $convert with no onError value: Did not consume whole string.`,
      );
    }
    expect(() => project({ $toLong: "" })).toThrow("Failed to parse number '' in $convert with no onError value: No digits");
    expect(() => project({ $toLong: `00${"9".repeat(100_000)}` })).toThrow(/: Overflow$/);
    expect(() => project({ $toInt: "0x10" })).toThrow("Illegal hexadecimal input in $convert with no onError value: 0x10");
    expect(() => project({ $toInt: "2147483648" })).toThrow(
      "Failed to parse number '2147483648' in $convert with no onError value: Overflow",
    );
  });

  test("an Int64 beyond 2^53 converts exactly, from text, an Int64 or a Decimal128", () => {
    expect(String(project({ $toLong: "9223372036854775807" }))).toBe("9223372036854775807");
    expect(String(project({ $toLong: "-9223372036854775808" }))).toBe("-9223372036854775808");
    expect(String(project({ $toLong: Long.fromString("9007199254740993") }))).toBe("9007199254740993");
    expect(String(project({ $toLong: dec("9000000000000000001.9") }))).toBe("9000000000000000001");
    expect(project({ $toLong: 2.7 })).toEqual(Long.fromNumber(2));
    expect(() => project({ $toLong: 2 ** 63 })).toThrow(
      "Conversion would overflow target type in $convert with no onError value: 9.22337e+18",
    );
  });

  test("$toInt of a Decimal128 rounds toward zero; overflow, NaN and infinity fail", () => {
    expect(project({ $toInt: dec("2147483647.9") })).toBe(2147483647);
    expect(project({ $toInt: dec("-2147483648.9") })).toBe(-2147483648);
    expect(() => project({ $toInt: dec("2147483648") })).toThrow(
      "Conversion would overflow target type in $convert with no onError value: 2147483648",
    );
    expect(() => project({ $toInt: 3e9 + 0.5 })).toThrow("Conversion would overflow target type in $convert with no onError value: 3e+09");
    expect(() => project({ $toInt: Long.fromString("3000000000") })).toThrow(/with no onError value: $/);
    expect(() => project({ $toInt: NaN })).toThrow("Attempt to convert NaN value to integer type in $convert with no onError value");
    expect(() => project({ $toLong: dec("-Infinity") })).toThrow("Attempt to convert infinity value to integer type");
  });

  test("doubles: strtod's forms, no whitespace, hex or range errors", () => {
    expect(project({ $toDouble: ".5" })).toBe(0.5);
    expect(project({ $toDouble: "NaN" })).toBeNaN();
    expect(project({ $toDouble: "inf" })).toBe(Infinity);
    expect(project({ $toDouble: "-Infinity" })).toBe(-Infinity);
    expect(() => project({ $toDouble: " 1" })).toThrow("Failed to parse number ' 1' in $convert with no onError value: Leading whitespace");
    expect(() => project({ $toDouble: "" })).toThrow("Empty string");
    expect(() => project({ $toDouble: "0x10" })).toThrow("Illegal hexadecimal input");
    expect(() => project({ $toDouble: "1e400" })).toThrow("Failed to parse number '1e400' in $convert with no onError value: Out of range");
    expect(() => project({ $toDouble: "1e-400" })).toThrow("Out of range");
    expect(() => project({ $toDouble: `${"9".repeat(40_000)}x` })).toThrow("Did not consume whole string.");
    expect(() => project({ $toDouble: dec("1E+400") })).toThrow(
      "Conversion would overflow target type in $convert with no onError value: 1E+400",
    );
  });
});

describe("the conversion table", () => {
  test("dates: from an Int64, a double, an ObjectId and a Timestamp; a boolean is not converted", () => {
    expect(project({ $toDate: 1600000000000.7 })).toEqual(new Date(1600000000000));
    expect(project({ $toDate: new ObjectId("5f1d7f2f0000000000000000") })).toEqual(new Date(1595768623000));
    expect(project({ $toDate: new Timestamp({ t: 100, i: 1 }) })).toEqual(new Date(100_000));
    expect(() => project({ $toDate: true })).toThrow("Unsupported conversion from bool to date in $convert with no onError value");
    // a whole double is an Int32 in the store: it converts (MongoDB refuses a true Int32)
    expect(project({ $toDate: { $divide: [86400000, 1] } })).toEqual(new Date(86400000));
    expect(() => project({ $toInt: new Date(5) })).toThrow("Unsupported conversion from date to int in $convert with no onError value");
    expect(String(project({ $toLong: new Date(5) }))).toBe("5");
  });

  test("a string without an offset is a date in UTC", () => {
    expect(project({ $toDate: "2021-03-04T05:06:07" })).toEqual(new Date("2021-03-04T05:06:07Z"));
    expect(project({ $toDate: "2021-03-04 05:06:07.5+02:00" })).toEqual(new Date("2021-03-04T03:06:07.500Z"));
    expect(() => project({ $toDate: "2021-02-30" })).toThrow("Error parsing date string '2021-02-30'");
  });

  test("booleans as coerceToBool: a zero of any number type is false, NaN and other values true", () => {
    expect(
      [dec("0"), dec("-0.00"), 0, Long.fromNumber(0), NaN, dec("NaN"), [], {}, "", new Date(0)].map((v) =>
        project({ $toBool: { $literal: v } }),
      ),
    ).toEqual([false, false, false, false, true, true, true, true, true, true]);
  });

  test("strings: doubles in fmt's shortest form; documents, arrays and regular expressions are not converted", () => {
    expect([1e16, 1e-5, 0.1, -0, 1e15, 2 ** 60].map((v) => project({ $toString: v }))).toEqual([
      "1e+16",
      "1e-05",
      "0.1",
      "-0",
      "1000000000000000",
      "1.152921504606847e+18",
    ]);
    expect(project({ $toString: new ObjectId("5f1d7f2f0000000000000000") })).toBe("5f1d7f2f0000000000000000");
    expect(project({ $toString: new Date(0) })).toBe("1970-01-01T00:00:00.000Z");
    expect(() => project({ $toString: /a/ })).toThrow("Unsupported conversion from regex to string in $convert with no onError value");
    expect(() => project({ $toString: { $literal: { a: 1 } } })).toThrow("Unsupported conversion from object to string");
  });

  test("objectIds from 24 hex characters", () => {
    expect(() => project({ $toObjectId: "abc" })).toThrow(
      "Failed to parse objectId 'abc' in $convert with no onError value: Invalid string length for parsing to OID, expected 24 but found 3",
    );
    expect(project({ $convert: { input: "zzzzzzzzzzzzzzzzzzzzzzzz", to: "objectId", onError: "bad" } })).toBe("bad");
  });
});

describe("$convert's arguments", () => {
  test("to: a type name or code; an unknown name is an error onError does not catch", () => {
    expect(project({ $convert: { input: 1, to: 8 } })).toBe(true);
    expect(project({ $convert: { input: 1, to: "object", onError: "x" } })).toBe("x");
    expect(() => project({ $convert: { input: 1, to: "number", onError: "x" } })).toThrow("Unknown type name: number");
    // "missing" is a name $type gives: the conversion to it fails, and onError catches that
    expect(project({ $convert: { input: 1, to: { $type: "$absent" }, onError: "caught" } })).toBe("caught");
    expect(project({ $convert: { input: { $literal: new MinKey() }, to: "decimal", onError: "caught" } })).toBe("caught");
    expect(() => project({ $convert: { input: 1, to: 3.5 } })).toThrow("In $convert, numeric 'to' argument is not an integer");
    expect(() => project({ $convert: { input: 1, to: 42 } })).toThrow(
      "In $convert, numeric value for 'to' does not correspond to a BSON type: 42",
    );
    expect(() => project({ $convert: { input: 1, to: true } })).toThrow("$convert's 'to' argument must be a string or number, but is bool");
  });

  test("null: onNull for the input, null for to; malformed specs fail", () => {
    expect(project({ $convert: { input: null, to: "int", onNull: "n" } })).toBe("n");
    expect(project({ $convert: { input: "$missing", to: "int" } })).toBeNull();
    expect(project({ $convert: { input: 1, to: null } })).toBeNull();
    expect(project({ $toInt: null })).toBeNull();
    expect(() => project({ $convert: { input: 1, to: "int", foo: 1 } })).toThrow("$convert found an unknown argument: foo");
    expect(() => project({ $convert: { to: "int" } })).toThrow("Missing 'input' parameter to $convert");
    expect(() => project({ $convert: { input: 1 } })).toThrow("Missing 'to' parameter to $convert");
  });
});
