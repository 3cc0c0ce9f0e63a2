import { Decimal128, Long } from "bson";
import { expect, test } from "vitest";
import { Aggregator } from "./mingoOptions.js";

const dec = (s: string) => Decimal128.fromString(s);
const project = (expr: unknown): unknown => (new Aggregator([{ $project: { _id: 0, v: expr } }]).run([{}])[0] as { v: unknown }).v;

test("Int64 edges: subtracting the smallest Int64 and overflow give the double, not a wrapped value", () => {
  expect(project({ $subtract: [Long.fromString("0"), Long.fromString("-9223372036854775808")] })).toBe(9223372036854775808);
  expect(project({ $add: [Long.fromString("9223372036854775807"), Long.fromInt(1)] })).toBe(9223372036854775808);
  expect(String(project({ $multiply: [Long.fromString("3037000499"), Long.fromString("3037000499")] }))).toBe("9223372030926249001");
});

test("Decimal128 edges: tiny divisors, huge values, long products", () => {
  expect(String(project({ $divide: [1, dec("1E-400")] }))).toBe("1E+400");
  // quantized to 1E-100 (or 1E0) it would need thousands of digits: NaN, as IEEE 754's quantize (bsonRounding.ts)
  expect(String(project({ $round: [dec("1E+6144"), 100] }))).toBe("NaN");
  expect(String(project({ $round: [dec("1250"), -2] }))).toBe("1.2E+3");
  const tiny = Array.from({ length: 3000 }, () => dec("1E-6176"));
  expect(String(project({ $multiply: tiny }))).toBe("0E-6176");
  expect(String(project({ $add: [dec("1.000"), dec("1E-6176")] }))).toBe("1.000000000000000000000000000000000");
});

test("$toDecimal and $convert read decimal text only; a double keeps 15 significant digits", () => {
  expect(String(project({ $toDecimal: "-12.50" }))).toBe("-12.50");
  expect(String(project({ $toDecimal: 2 ** 60 }))).toBe("1.15292150460685E+18");
  expect(String(project({ $convert: { input: "7.25", to: "decimal" } }))).toBe("7.25");
  expect(project({ $convert: { input: "0x10", to: "decimal", onError: "bad" } })).toBe("bad");
  expect(() => project({ $toDecimal: "0x10" })).toThrow(/Failed to parse number '0x10'/);
});

test("$type and $isNumber know every BSON number", () => {
  expect([dec("1"), Long.fromString("9007199254740993"), 5, 2.5, 2 ** 40, "x"].map((v) => project({ $type: { $literal: v } }))).toEqual([
    "decimal",
    "long",
    "int",
    "double",
    "long",
    "string",
  ]);
  expect(project({ $type: "$missing" })).toBe("missing");
  expect(project({ $isNumber: { $literal: dec("1") } })).toBe(true);
  expect(project({ $isNumber: "x" })).toBe(false);
});

test("a whole double beyond 2^53 joins an Int64 as a double, as in MongoDB", () => {
  expect(project({ $add: [Long.fromString("9007199254740993"), 1e21] })).toBe(1e21 + Number("9007199254740993"));
  const sum = new Aggregator([{ $group: { _id: null, s: { $sum: "$v" } } }]).run([
    { v: Long.fromString("9007199254740993") },
    { v: 1e21 },
    { v: NaN },
  ]);
  expect((sum[0] as { s: unknown }).s).toBe(1e21 + Number("9007199254740993"));
});
