import { Decimal128, Long } from "bson";
import { describe, expect, test } from "vitest";
import { grouped as groupedBy, windowed as windowedBy, projected, type Row } from "../../test/aggregateKit.js";

const dec = (s: string) => Decimal128.fromString(s);

const docs: Row[] = [
  { _id: 1, g: 1, v: 10 },
  { _id: 2, g: 1, v: 9 },
  { _id: 3, g: 1, v: Long.fromInt(2) },
  { _id: 4, g: 1, v: dec("4") },
  { _id: 5, g: 1, v: "x" },
  { _id: 6, g: 1 },
  { _id: 7, g: 1, v: Number.NaN },
  { _id: 8, g: 2, v: 5 },
];

/** `r` of each group by `g` (the test documents by default). */
const grouped = (acc: unknown, input: Row[] = docs): unknown[] => groupedBy(acc, input);

/** `r` of each document, a window function over partitions by `g` (the test documents by default). */
const windowed = (output: Row, input: Row[] = docs): unknown[] => windowedBy(output, input);

const median = { $median: { input: "$v", method: "approximate" } };
const percentile = (p: unknown) => ({ $percentile: { input: "$v", p, method: "approximate" } });

describe("$median and $percentile as window functions", () => {
  test("over the numbers of every type in numeric order (NaN and non-numbers left out), as doubles", () => {
    // numbers 10, 9, 2, 4: sorted 2, 4, 9, 10; the median is the value of rank ceil(4 * 0.5) - 1 = 1
    expect(windowed(median)[0]).toBe(4);
    expect(windowed(percentile([0, 0.25, 0.75, 1]))[0]).toEqual([2, 2, 9, 10]);
    expect(windowed(median, [{ _id: 1, g: 1, v: dec("2.5") }])).toEqual([2.5]);
  });

  test("no number gives null (a null per percentile)", () => {
    expect(windowed(median, [{ _id: 1, g: 1, v: "x" }])).toEqual([null]);
    expect(windowed(percentile([0.5, 0.9]), [{ _id: 1, g: 1 }])).toEqual([[null, null]]);
  });

  test("'method' is required and only 'approximate' is known; the specification's fields are checked", () => {
    expect(() => windowed({ $median: { input: "$v" } })).toThrow("BSON field '$median.method' is missing but a required field");
    expect(() => windowed({ $median: { input: "$v", method: "exact" } })).toThrow(
      "Currently only 'approximate' can be used as percentile 'method'.",
    );
    expect(() => windowed({ $median: { input: "$v", method: 1 } })).toThrow(
      "BSON field '$median.method' is the wrong type 'int', expected type 'string'",
    );
    expect(() => windowed({ $median: { input: "$v", p: [0.5], method: "approximate" } })).toThrow(
      "BSON field '$median.p' is an unknown field.",
    );
    expect(() => windowed({ $percentile: { input: "$v", method: "approximate" } })).toThrow(
      "BSON field '$percentile.p' is missing but a required field",
    );
  });

  test("'p' is a constant non-empty array of numbers within [0, 1]", () => {
    const message = "The $percentile 'p' field must be an array of numbers from [0.0, 1.0], but found: ";
    expect(() => windowed(percentile(0.5))).toThrow(`${message}0.5`);
    expect(() => windowed(percentile([]))).toThrow(`${message}[]`);
    expect(() => windowed(percentile([0.5, "foo"]))).toThrow(`${message}"foo"`);
    expect(() => windowed(percentile([0.5, 1.5]))).toThrow(`${message}1.5`);
    expect(() => windowed(percentile([Number.NaN]))).toThrow(`${message}NaN`);
    expect(() => windowed(percentile(["$v"]))).toThrow("The $percentile 'p' field must be an array of constant values");
    expect(windowed(percentile({ $concatArrays: [[0], [1]] }))[0]).toEqual([2, 10]);
  });
});

// These need bsonGroupExpressionOperators in mingoOptions.ts' expression context: mingo takes the
// expression of the same name for a $group statement.
describe("$median and $percentile in $group and as expressions", () => {
  test("in $group", () => {
    expect(grouped(median)).toEqual([4, 5]);
    expect(grouped(percentile([0.5, 1]))).toEqual([
      [4, 10],
      [5, 5],
    ]);
    expect(() => grouped({ $median: { input: "$v" } })).toThrow("BSON field '$median.method' is missing but a required field");
  });

  test("as expressions: of a number, that number; of an array, its numbers; else null", () => {
    expect(projected({ $median: { input: [10, 9, 2, dec("4"), "x"], method: "approximate" } })).toBe(4);
    expect(projected({ $percentile: { input: "$n", p: [0.1, 0.9], method: "approximate" } }, { n: 7 })).toEqual([7, 7]);
    expect(projected({ $median: { input: "$s", method: "approximate" } }, { s: "x" })).toBeNull();
    expect(() => projected({ $median: { input: [1], method: "discrete" } })).toThrow(
      "Currently only 'approximate' can be used as percentile 'method'.",
    );
    // inside $reduce the expression meets arrays as its document: still the expression
    const medians = {
      $reduce: {
        input: "$a",
        initialValue: [],
        in: { $concatArrays: ["$$value", [{ $median: { input: "$$this", method: "approximate" } }]] },
      },
    };
    expect(projected(medians, { a: [[9, 10, 2], [7]] })).toEqual([9, 7]);
  });
});
