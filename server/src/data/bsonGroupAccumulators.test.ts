import { Decimal128, Long } from "bson";
import { describe, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";
import { grouped as groupedBy, windowed as windowedBy, type Row } from "../../test/aggregateKit.js";

const dec = (s: string) => Decimal128.fromString(s);

const docs: Row[] = [
  { _id: 1, g: 1, v: 1, s: "b" },
  { _id: 2, g: 1, v: 3, s: "a" },
  { _id: 3, g: 1, v: "x", s: "c" },
  { _id: 4, g: 1, s: "d" },
  { _id: 5, g: 2, v: 5 },
];

/** `r` of each group by `g` (the test documents by default). */
const grouped = (acc: unknown, input: Row[] = docs): unknown[] => groupedBy(acc, input);

/** `r` of each document, a window function over partitions by `g` (the test documents by default). */
const windowed = (output: Row, input: Row[] = docs): unknown[] => windowedBy(output, input);

describe("$push", () => {
  test("a document where the value is missing pushes nothing, null is pushed ($group and window)", () => {
    expect(grouped({ $push: "$v" }, [...docs, { _id: 6, g: 2, v: null }])).toEqual([
      [1, 3, "x"],
      [5, null],
    ]);
    expect(windowed({ $push: "$v", window: { documents: [-1, 1] } })).toEqual([[1, 3], [1, 3, "x"], [3, "x"], ["x"], [5]]);
    // an empty window gives an empty array
    expect(windowed({ $push: "$v", window: { documents: [5, 6] } })).toEqual([[], [], [], [], []]);
  });

  test("an array operand is refused in $group (a unary accumulator), an array literal in a window", () => {
    expect(() => grouped({ $push: ["$v", 1] })).toThrow("The $push accumulator is a unary operator");
    expect(windowed({ $push: ["$v", 1] }).at(-1)).toEqual([[5, 1]]);
  });

  test("through the service", async () => {
    const s = openService();
    try {
      await s.call("insertMany", { documents: [{ v: 1 }, {}, { v: null }] });
      expect(await s.call("aggregate", { pipeline: [{ $group: { _id: null, p: { $push: "$v" } } }, { $project: { _id: 0 } }] })).toEqual([
        { p: [1, null] },
      ]);
    } finally {
      await s.close();
    }
  });
});

describe("$count", () => {
  test("takes only {} (guards the {} form, already right)", () => {
    expect(grouped({ $count: {} })).toEqual([4, 1]);
    expect(windowed({ $count: {} })).toEqual([4, 4, 4, 4, 1]);
  });

  test("any other operand is refused, with $group's and the window function's messages", () => {
    expect(() => grouped({ $count: { x: 1 } })).toThrow("$count takes no arguments, i.e. $count:{}");
    expect(() => grouped({ $count: "$v" })).toThrow("$count takes no arguments, i.e. $count:{}");
    expect(() => windowed({ $count: { x: 1 } })).toThrow("$count only accepts an empty object as input");
  });
});

describe("$top, $bottom, $topN, $bottomN", () => {
  test("$top and $bottom give the value itself (null for a missing one), in $group and as window functions", () => {
    expect(grouped({ $top: { output: "$s", sortBy: { s: 1 } } })).toEqual(["a", null]);
    expect(grouped({ $bottom: { output: "$s", sortBy: { s: 1 } } })).toEqual(["d", null]);
    expect(windowed({ $top: { output: "$v", sortBy: { _id: -1 } } })).toEqual([null, null, null, null, 5]);
    expect(windowed({ $bottom: { output: "$s", sortBy: { _id: -1 } }, window: { documents: [0, 1] } })).toEqual(["b", "a", "c", "d", null]);
  });

  test("$top of an empty window is null, $topN's an empty array", () => {
    expect(windowed({ $top: { output: "$s", sortBy: { s: 1 } }, window: { documents: [5, 6] } })[0]).toBeNull();
    expect(windowed({ $topN: { n: 2, output: "$s", sortBy: { s: 1 } }, window: { documents: [5, 6] } })[0]).toEqual([]);
  });

  test("sorts in BSON order across numeric types; ties keep their order", () => {
    const input = [
      { _id: 1, g: 1, v: 3, s: "a" },
      { _id: 2, g: 1, v: dec("10"), s: "b" },
      { _id: 3, g: 1, v: Long.fromInt(7), s: "c" },
      { _id: 4, g: 1, v: 7, s: "d" },
    ];
    expect(grouped({ $topN: { n: 3, output: "$s", sortBy: { v: -1 } } }, input)).toEqual([["b", "c", "d"]]);
    // among c and d, tied at 7, MongoDB's $group keeps the first met (AccumulatorTopBottomN evicts on a strictly greater key)
    expect(grouped({ $bottomN: { n: 2, output: "$s", sortBy: { v: -1 } } }, input)).toEqual([["c", "a"]]);
    expect(grouped({ $bottom: { output: "$s", sortBy: { v: 1 } } }, input)).toEqual(["b"]);
    expect(grouped({ $bottom: { output: "$s", sortBy: { g: 1 } } }, input)).toEqual(["a"]);
  });

  test("'n' is refused for $top and $bottom; an unknown key, or a missing one, is refused", () => {
    expect(() => grouped({ $top: { output: "$s", sortBy: { s: 1 }, n: 1 } })).toThrow("Unknown argument to $top 'n'");
    expect(() => grouped({ $bottomN: { output: "$s", sortBy: { s: 1 }, n: 1, edgar: true } })).toThrow(
      "Unknown argument to $bottomN 'edgar'",
    );
    expect(() => grouped({ $topN: { output: "$s", n: 1 } })).toThrow("Missing value for 'sortBy'");
    expect(() => grouped({ $topN: { sortBy: { s: 1 }, n: 1 } })).toThrow("Missing value for 'output'");
    expect(() => grouped({ $topN: { output: "$s", sortBy: { s: 1 } } })).toThrow("Missing value for 'n'");
    expect(() => grouped({ $top: "$s" })).toThrow('specification must be an object; found $top: "$s"');
    expect(() => windowed({ $top: { output: "$s", sortBy: { s: 1 }, n: 1 } })).toThrow("Unknown argument to $top 'n'");
  });

  test("'n' must be a positive whole number", () => {
    const topN = (n: unknown) => () => grouped({ $topN: { output: "$s", sortBy: { s: 1 }, n } });
    expect(topN(0)).toThrow("'n' must be greater than 0, found 0");
    expect(topN(-1)).toThrow("'n' must be greater than 0, found -1");
    expect(topN(3.2)).toThrow("Value for 'n' must be of integral type, but found 3.2");
    expect(topN("string")).toThrow("Value for 'n' must be of integral type, but found \"string\"");
    expect(topN("$v")).toThrow("Value for 'n' must be of integral type, but found MISSING");
    expect(grouped({ $topN: { output: "$s", sortBy: { s: 1 }, n: Long.fromInt(2) } })).toEqual([["a", "b"], [null]]);
    expect(() => windowed({ $topN: { output: "$s", sortBy: { s: 1 }, n: 0 } })).toThrow("'n' must be greater than 0, found 0");
  });

  test("'sortBy' must be a sort pattern of 1 and -1", () => {
    const sortBy = (pattern: unknown) => () => grouped({ $topN: { output: "$s", sortBy: pattern, n: 1 } });
    expect(sortBy({ s: 2 })).toThrow("$sort key ordering must be 1 (for ascending) or -1 (for descending)");
    expect(sortBy({ s: "coffee" })).toThrow('Illegal key in $sort specification: s: "coffee"');
    expect(sortBy("s")).toThrow("invalid parameter: expected an object (sortBy)");
    expect(sortBy({ s: { $meta: "bogus" } })).toThrow('Illegal $meta sort: $meta: "bogus"');
    expect(sortBy({ s: { $meta: "textScore" } })).toThrow("$meta sort by 'textScore' is not supported by this server");
    expect(sortBy({ $s: 1 })).toThrow("FieldPath field names may not start with '$'.");
  });
});

describe("$stdDevPop and $stdDevSamp", () => {
  test("a sample of one value, or none, is null; the population of none is null", () => {
    expect(grouped({ $stdDevSamp: "$v" })).toEqual([Math.SQRT2, null]);
    expect(grouped({ $stdDevPop: "$missing" })).toEqual([null, null]);
    expect(windowed({ $stdDevSamp: "$v", window: { documents: ["unbounded", "current"] } })).toEqual([
      null,
      Math.SQRT2,
      Math.SQRT2,
      Math.SQRT2,
      null,
    ]);
  });

  test("Int64 and Decimal128 values are numbers like the others", () => {
    const input = [
      { _id: 1, g: 1, v: Long.fromInt(2) },
      { _id: 2, g: 1, v: dec("4") },
      { _id: 3, g: 2, v: dec("2") },
      { _id: 4, g: 2, v: dec("4") },
    ];
    expect(grouped({ $stdDevPop: "$v" }, input)).toEqual([1, 1]);
    expect(windowed({ $stdDevPop: "$v" }, input)).toEqual([1, 1, 1, 1]);
  });

  test("an array operand is refused in $group; in a window it is an array literal, not a number", () => {
    expect(() => grouped({ $stdDevPop: ["$v", 1] })).toThrow("The $stdDevPop accumulator is a unary operator");
    expect(windowed({ $stdDevSamp: ["$v", 1] })).toEqual([null, null, null, null, null]);
  });
});

describe("$covariancePop and $covarianceSamp", () => {
  const input = [
    { _id: 1, g: 1, t: 1, v: 5 },
    { _id: 2, g: 1, t: 3 },
    { _id: 3, g: 1, t: 6, v: 7 },
    { _id: 4, g: 1, t: 8, v: "x" },
    { _id: 5, g: 2, t: 1, v: 1 },
  ];

  test("a document whose pair is not two numbers is left out", () => {
    expect(windowed({ $covariancePop: ["$t", "$v"] }, input)).toEqual([2.5, 2.5, 2.5, 2.5, 0]);
    expect(windowed({ $covarianceSamp: ["$t", "$v"] }, input)).toEqual([5, 5, 5, 5, null]);
  });

  test("with a Decimal128 among the values, the result is a Decimal128", () => {
    const [first] = windowed({ $covariancePop: ["$t", "$v"] }, [
      { _id: 1, g: 1, t: 1, v: dec("5") },
      { _id: 2, g: 1, t: 6, v: 7 },
    ]);
    expect(String(first)).toBe("2.5");
    expect(first).toBeInstanceOf(Decimal128);
  });

  test("they are window functions only", () => {
    expect(() => grouped({ $covariancePop: ["$t", "$v"] }, input)).toThrow("unknown group operator '$covariancePop'");
  });
});
