import { Decimal128, Long } from "bson";
import { describe, expect, test } from "vitest";
import { grouped as groupedBy, windowed as windowedBy, projected, type Row } from "../../test/aggregateKit.js";
import { Aggregator } from "./mingoOptions.js";

const dec = (s: string) => Decimal128.fromString(s);

const docs: Row[] = [
  { _id: 1, g: 1, v: 1 },
  { _id: 2, g: 1, v: 3 },
  { _id: 3, g: 1, v: "x" },
  { _id: 4, g: 1 },
  { _id: 5, g: 2, v: 5 },
];

/** `r` of each group by `g` (the test documents by default). */
const grouped = (acc: unknown, input: Row[] = docs): unknown[] => groupedBy(acc, input);

/** `r` of each document, a window function over partitions by `g` (the test documents by default). */
const windowed = (output: Row, input: Row[] = docs): unknown[] => windowedBy(output, input);

describe("$firstN, $lastN, $maxN, $minN as window functions", () => {
  test("the values, a missing one null for $firstN/$lastN and left out by $maxN/$minN (guards behaviour already right)", () => {
    expect(windowed({ $firstN: { input: "$v", n: 2 }, window: { documents: [1, 2] } })).toEqual([[3, "x"], ["x", null], [null], [], []]);
    expect(windowed({ $lastN: { input: "$v", n: 2 } })).toEqual([["x", null], ["x", null], ["x", null], ["x", null], [5]]);
    expect(windowed({ $maxN: { input: "$v", n: 2 } })[0]).toEqual(["x", 3]);
    expect(windowed({ $minN: { input: "$v", n: 5 } })[0]).toEqual([1, 3, "x"]);
  });

  test("$maxN and $minN compare numbers of every type by value (guards behaviour already right)", () => {
    const input = [
      { _id: 1, g: 1, v: dec("10") },
      { _id: 2, g: 1, v: 9 },
      { _id: 3, g: 1, v: Long.fromInt(11) },
    ];
    expect((windowed({ $maxN: { input: "$v", n: 2 } }, input)[0] as unknown[]).map(String)).toEqual(["11", "10"]);
    expect((windowed({ $minN: { input: "$v", n: 2 } }, input)[0] as unknown[]).map(String)).toEqual(["9", "10"]);
  });

  test("an unknown key, or a missing one, is refused; 'n' must be a positive whole number", () => {
    expect(() => windowed({ $firstN: { input: "$v", n: 1, x: 1 } })).toThrow("Unknown argument for 'n' operator: x");
    expect(() => windowed({ $maxN: { input: "$v" } })).toThrow("Missing value for 'n'");
    expect(() => windowed({ $minN: { n: 1 } })).toThrow("Missing value for 'input'");
    expect(() => windowed({ $lastN: { input: "$v", n: 0 } })).toThrow("'n' must be greater than 0, found 0");
    expect(() => windowed({ $lastN: { input: "$v", n: 1.5 } })).toThrow("Value for 'n' must be of integral type, but found 1.5");
  });
});

// These need bsonGroupExpressionOperators in mingoOptions.ts' expression context: mingo takes the
// array expression of the same name for a $group statement.
describe("$firstN, $lastN, $maxN, $minN in $group", () => {
  test("the values of each group; 'n' may depend on the group's _id document", () => {
    expect(grouped({ $firstN: { input: "$v", n: 2 } })).toEqual([[1, 3], [5]]);
    expect(grouped({ $lastN: { input: "$v", n: 2 } })).toEqual([["x", null], [5]]);
    expect(grouped({ $maxN: { input: "$v", n: 2 } })).toEqual([["x", 3], [5]]);
    const byKey = new Aggregator([
      { $group: { _id: { k: "$g" }, r: { $firstN: { input: "$_id", n: { $cond: [{ $eq: ["$k", 1] }, 3, 1] } } } } },
      { $sort: { "_id.k": 1 } },
    ]).run<Row>(docs);
    expect(byKey.map((row) => row.r)).toEqual([[1, 2, 3], [5]]);
  });

  test("an unknown key is refused; 'n' must be a positive whole number", () => {
    expect(() => grouped({ $firstN: { input: "$v", n: 1, x: 1 } })).toThrow("Unknown argument for 'n' operator: x");
    expect(() => grouped({ $maxN: "$v" })).toThrow('specification must be an object; found $maxN: "$v"');
    expect(() => grouped({ $minN: { input: "$v", n: -2 } })).toThrow("'n' must be greater than 0, found -2");
    expect(() => grouped({ $lastN: { input: "$v", n: "$v" } })).toThrow("Value for 'n' must be of integral type, but found MISSING");
  });

  test("the array expressions check their keys too", () => {
    expect(projected({ $firstN: { input: [1, 2, 3], n: 2 } })).toEqual([1, 2]);
    expect(() => projected({ $maxN: { input: [1, 2, 3], n: 2, x: 1 } })).toThrow("Unknown argument for 'n' operator: x");
  });
});
