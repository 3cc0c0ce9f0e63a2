import { Decimal128, Long } from "bson";
import { describe, expect, test } from "vitest";
import { Aggregator } from "./mingoOptions.js";

const dec = (s: string) => Decimal128.fromString(s);
const project = (expr: unknown, doc: Record<string, unknown> = {}): unknown =>
  (new Aggregator([{ $project: { _id: 0, v: expr } }]).run([doc])[0] as { v: unknown }).v;

describe("$round and $trunc of doubles: the 34 significant digits of the exact binary value, as MongoDB", () => {
  test("a double just below or above a tie rounds by its exact value, not by its shortest text", () => {
    // 2.51 is 2.5099…, 1.35 is 1.3500…09, 10.005 is 10.00500…08, 0.375 is exact (a tie: to even)
    expect([2.51, 3.45, 2.5, 3.5, -2.5].map((v) => project({ $round: [v, 0] }))).toEqual([3, 3, 2, 4, -2]);
    expect(project({ $round: [1.35, 1] })).toBe(1.4);
    expect(project({ $round: [0.375, 2] })).toBe(0.38);
    expect(project({ $round: [10.005, 2] })).toBe(10.01);
    expect(project({ $trunc: [36.695, 1] })).toBe(36.6);
    expect(project({ $trunc: [1.9996, 2] })).toBe(1.99);
    expect(project({ $trunc: [-2.7] })).toBe(-2);
  });

  test("negative places round to tens, hundreds, …, half to even", () => {
    expect([1350, 1250, 46, -1240, 1249.9].map((v) => project({ $round: [v, -2] }))).toEqual([1400, 1200, 0, -1200, 1200]);
    expect(project({ $round: [46, -1] })).toBe(50);
    expect(project({ $trunc: [1999.9, -3] })).toBe(1000);
  });

  test("the number alone (not in an array) is one argument; NaN, infinities and -0 stay", () => {
    expect(project({ $round: "$x" }, { x: 2.51 })).toBe(3);
    expect(project({ $trunc: "$x" }, { x: 2.51 })).toBe(2);
    expect(project({ $round: [NaN] })).toBeNaN();
    expect(project({ $round: [Infinity, 2] })).toBe(Infinity);
    expect(Object.is(project({ $round: [-0.4] }), -0)).toBe(true);
  });

  test("a result that needs more than 34 digits is NaN (quantize's invalid operation)", () => {
    expect(project({ $round: [1e30, 10] })).toBeNaN();
    expect(project({ $round: [1e15, 10] })).toBe(1e15);
  });
});

describe("$round and $trunc of integers and Decimal128", () => {
  test("an integer is unchanged for place >= 0; a rounded Int32 that leaves 32 bits is an Int64", () => {
    expect(project({ $round: [7, 2] })).toBe(7);
    expect(String(project({ $round: [2147483647, -1] }))).toBe("2147483650");
    expect(String(project({ $round: [Long.fromString("9007199254740993"), -1] }))).toBe("9007199254740990");
    // 2^32 is an Int64 in the store (a whole number beyond 32 bits): the result stays one
    expect(project({ $round: [4294967296, -10] })).toEqual(Long.fromNumber(0));
    expect(() => project({ $round: [Long.fromString("9223372036854775807"), -1] })).toThrow(
      "invalid conversion from Decimal128 result in $round resulting from arguments: [9223372036854775807, -1]",
    );
  });

  test("a Decimal128 result has the exponent -place, as quantize gives it", () => {
    expect(String(project({ $round: [dec("1.2"), 3] }))).toBe("1.200");
    expect(String(project({ $round: [dec("1250"), -2] }))).toBe("1.2E+3");
    expect(String(project({ $trunc: [dec("-1.999"), 1] }))).toBe("-1.9");
    expect(String(project({ $round: [dec("1E+30"), 10] }))).toBe("NaN");
    expect(String(project({ $round: [dec("-Infinity"), 1] }))).toBe("-Infinity");
  });
});

describe("$round and $trunc arguments, with MongoDB's messages", () => {
  test("null or missing number or place: null", () => {
    expect(project({ $round: [null, 1] })).toBeNull();
    expect(project({ $round: ["$missing"] })).toBeNull();
    expect(project({ $round: [1.5, null] })).toBeNull();
    expect(project({ $trunc: [1.5, "$missing"] })).toBeNull();
  });

  test("wrong arguments fail", () => {
    expect(() => project({ $round: ["a"] })).toThrow("$round only supports numeric types, not string");
    expect(() => project({ $trunc: [new Date(0)] })).toThrow("$trunc only supports numeric types, not date");
    expect(() => project({ $round: [1, 1.5] })).toThrow("precision argument to  $round must be a integral value");
    expect(() => project({ $round: [1, 101] })).toThrow("cannot apply $round with precision value 101 value must be in [-20, 100]");
    expect(() => project({ $round: [1, "a"] })).toThrow("can't convert from BSON type string to long");
    expect(() => project({ $round: [1, NaN] })).toThrow("Can't coerce out of range value nan to long");
    expect(() => project({ $round: [1, 2, 3] })).toThrow(
      "Expression $round takes at least 1 arguments, and at most 2, but 3 were passed in.",
    );
    expect(() => project({ $trunc: [] })).toThrow("Expression $trunc takes at least 1 arguments, and at most 2, but 0 were passed in.");
  });
});
