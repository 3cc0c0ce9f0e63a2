import { Decimal128, Long } from "bson";
import { describe, expect, test } from "vitest";
import { Aggregator } from "./mingoOptions.js";

const dec = (s: string) => Decimal128.fromString(s);
const project = (expr: unknown, doc: Record<string, unknown> = {}): unknown =>
  (new Aggregator([{ $project: { _id: 0, v: expr } }]).run([doc])[0] as { v: unknown }).v;

describe("$mod as MongoDB's", () => {
  test("null or missing operands give null; a zero divisor fails", () => {
    expect(project({ $mod: ["$missing", 3] })).toBeNull();
    expect(project({ $mod: [null, 3] })).toBeNull();
    expect(() => project({ $mod: [7, 0] })).toThrow("can't $mod by zero");
    expect(() => project({ $mod: [dec("7"), dec("0.0")] })).toThrow("can't $mod by zero");
    expect(() => project({ $mod: ["a", 3] })).toThrow("$mod only supports numeric types, not string and int");
  });

  test("every number type: truncated remainders, Int64 exact, Decimal128 as Decimal128", () => {
    expect(project({ $mod: [-7, 2] })).toBe(-1);
    expect(project({ $mod: [7.5, 2] })).toBe(1.5);
    expect(project({ $mod: [-2147483648, -1] })).toBe(0);
    expect(String(project({ $mod: [Long.fromString("9007199254740993"), 10] }))).toBe("3");
    expect(project({ $mod: [Long.fromString("9007199254740993"), 10] })).toBeInstanceOf(Long);
    expect(String(project({ $mod: [dec("10.5"), 3] }))).toBe("1.5");
  });
});

describe("$pow", () => {
  test("integers stay integers while the result fits in 64 bits, exactly", () => {
    expect(project({ $pow: [2, 10] })).toBe(1024);
    expect(String(project({ $pow: [2, 31] }))).toBe("2147483648");
    expect(String(project({ $pow: [3, 39] }))).toBe("4052555153018976267");
    expect(project({ $pow: [2, 63] })).toBe(2 ** 63);
    expect(project({ $pow: [2, -1] })).toBe(0.5);
    expect(project({ $pow: [-1, 1001] })).toBe(-1);
  });

  test("Decimal128 powers, C's pow for 1 and -1, and 0 to a negative power", () => {
    expect(String(project({ $pow: [dec("2"), 0.5] }))).toBe("1.414213562373095048801688724209698");
    expect(project({ $pow: [1, NaN] })).toBe(1);
    expect(() => project({ $pow: [0, -1] })).toThrow("$pow cannot take a base of 0 and a negative exponent");
    expect(() => project({ $pow: ["2", 2] })).toThrow("$pow's base must be numeric, not string");
    expect(project({ $pow: [null, 2] })).toBeNull();
  });
});

describe("$exp, $ln, $log, $log10 and $sqrt", () => {
  test("a Decimal128 gives a Decimal128 of 34 digits", () => {
    expect(String(project({ $exp: dec("1") }))).toBe("2.718281828459045235360287471352662");
    expect(String(project({ $ln: dec("10") }))).toBe("2.302585092994045684017991454684364");
    expect(String(project({ $log10: dec("1000") }))).toBe("3");
    expect(String(project({ $log: [dec("8"), 2] }))).toBe("3");
    expect(String(project({ $sqrt: dec("2") }))).toBe("1.414213562373095048801688724209698");
    expect(String(project({ $sqrt: Long.fromString("9007199254740993") }))).toBe(String(Math.sqrt(Number("9007199254740993"))));
  });

  test("outside the domain: MongoDB's errors, NaN passes", () => {
    expect(() => project({ $ln: 0 })).toThrow("$ln's argument must be a positive number, but is 0");
    expect(() => project({ $ln: dec("-1") })).toThrow("$ln's argument must be a positive number, but is -1");
    expect(() => project({ $log10: -1 })).toThrow("$log10's argument must be a positive number, but is -1");
    expect(() => project({ $log: [8, 1] })).toThrow("$log's base must be a positive number not equal to 1, but is 1");
    expect(() => project({ $log: [-8, 2] })).toThrow("$log's argument must be a positive number, but is -8");
    expect(() => project({ $sqrt: -1 })).toThrow("$sqrt's argument must be greater than or equal to 0");
    expect(project({ $ln: NaN })).toBeNaN();
    expect(() => project({ $sqrt: [4, 5] })).toThrow("Expression $sqrt takes exactly 1 arguments. 2 were passed in.");
    expect(() => project({ $exp: "x" })).toThrow("$exp only supports numeric types, not string");
  });
});

describe("dates moved by numbers", () => {
  const at = new Date(1000);
  test("as MongoDB 5.0-7.0: $add sums first, then rounds a double half away from zero and a Decimal128 half to even; $subtract truncates a double", () => {
    expect(project({ $add: [at, 1.5] })).toEqual(new Date(1002));
    expect(project({ $add: [at, -1.5] })).toEqual(new Date(999));
    expect(project({ $add: [at, 0.5, 0.5] })).toEqual(new Date(1001));
    expect(project({ $subtract: [at, 1.5] })).toEqual(new Date(999));
    expect(project({ $subtract: [at, dec("2.5")] })).toEqual(new Date(998));
    expect(project({ $add: [at, dec("2.5")] })).toEqual(new Date(1002));
    expect(project({ $add: [1.5, 1.5, at] })).toEqual(new Date(1003));
  });

  test("out of range: date overflow; a date minus a date is an Int64", () => {
    expect(() => project({ $add: [at, 1e300] })).toThrow("date overflow in $add");
    expect(() => project({ $subtract: [at, 1e300] })).toThrow("Can't coerce out of range value 1e+300 to long");
    expect(project({ $subtract: [at, new Date(0)] })).toEqual(Long.fromNumber(1000));
    expect(() => project({ $add: [at, "x"] })).toThrow("$add only supports numeric or date types, not string");
    expect(() => project({ $subtract: [at, "x"] })).toThrow("can't $subtract string from Date");
  });
});

test("$abs keeps a Decimal128's digits and refuses the smallest Int64, as MongoDB", () => {
  expect(String(project({ $abs: dec("-1.50") }))).toBe("1.50");
  expect(String(project({ $abs: dec("-1E+3") }))).toBe("1E+3");
  expect(() => project({ $abs: Long.fromString("-9223372036854775808") })).toThrow("can't take $abs of long long min");
  expect(String(project({ $abs: Long.fromString("-9007199254740993") }))).toBe("9007199254740993");
});
