import { Decimal128 } from "bson";
import { describe, expect, test } from "vitest";
import { Aggregator } from "./mingoOptions.js";

const project = (expr: unknown, doc: Record<string, unknown> = {}): unknown =>
  (new Aggregator([{ $project: { _id: 0, v: expr } }]).run([doc])[0] as { v?: unknown }).v;

describe("single-argument array operators", () => {
  test("$first and $last take the array's own elements; an empty array gives a missing value", () => {
    const doc = {
      pts: [
        [0, 0],
        [1, 1],
      ],
      none: [],
    };
    expect(project({ $first: "$pts" }, doc)).toEqual([0, 0]);
    expect(project({ $last: "$pts" }, doc)).toEqual([1, 1]);
    expect(project({ $last: "$none" }, doc)).toBeUndefined(); // missing: BSON leaves the field out
    expect(project({ $first: "$missing" }, doc)).toBeNull();
    expect(() => project({ $first: 5 })).toThrow("$first's argument must be an array, but is int");
  });

  test("the argument list form: {$size: ['$a']} is the size of a", () => {
    const doc = { a: [1, 2, 3], o: { x: 1 }, s: "abc" };
    expect(project({ $size: ["$a"] }, doc)).toBe(3);
    expect(project({ $reverseArray: ["$a"] }, doc)).toEqual([3, 2, 1]);
    expect(project({ $objectToArray: ["$o"] }, doc)).toEqual([{ k: "x", v: 1 }]);
    expect(() => project({ $size: [1, 2, 3] })).toThrow("Expression $size takes exactly 1 arguments. 3 were passed in.");
  });

  test("$size of anything but an array fails, null and missing too", () => {
    expect(() => project({ $size: "$missing" })).toThrow("The argument to $size must be an array. Type of the argument was: missing");
    expect(() => project({ $size: null })).toThrow("Type of the argument was: null");
  });
});

describe("$slice and $indexOfArray", () => {
  test("$slice: a null or missing argument gives null; positions from either end", () => {
    const doc = { tags: ["a", "b", "c", "d"] };
    expect(project({ $slice: ["$missing", 3] }, doc)).toBeNull();
    expect(project({ $slice: ["$tags", 1, null] }, doc)).toBeNull();
    expect(project({ $slice: ["$tags", -2] }, doc)).toEqual(["c", "d"]);
    expect(project({ $slice: ["$tags", -3, 2] }, doc)).toEqual(["b", "c"]);
    expect(project({ $slice: ["$tags", 10, 2] }, doc)).toEqual([]);
    expect(() => project({ $slice: ["$tags", 1, 0] }, doc)).toThrow("Third argument to $slice must be positive: 0");
    expect(() => project({ $slice: ["$tags", 1.5] }, doc)).toThrow(
      "Second argument to $slice can't be represented as a 32-bit integer: 1.5",
    );
  });

  test("$indexOfArray from a start index answers -1 when nothing is found, and compares numbers by value", () => {
    expect(project({ $indexOfArray: [[1, 2, 3], 9, 1] })).toBe(-1);
    expect(project({ $indexOfArray: [[1, 2, 3], 2, 3] })).toBe(-1);
    expect(project({ $indexOfArray: [[1, 2, 3, 2], 2, 2] })).toBe(3);
    expect(project({ $indexOfArray: [[1, Decimal128.fromString("2.0")], 2] })).toBe(1);
    expect(() => project({ $indexOfArray: [[1], 1, -1] })).toThrow("$indexOfArray requires a nonnegative starting index, found: -1");
  });
});

describe("$arrayToObject, $mergeObjects, $zip and $sortArray", () => {
  test("$arrayToObject keeps array values, takes the documented literal form and refuses malformed pairs", () => {
    expect(project({ $arrayToObject: { $literal: [["tags", ["a", "b"]]] } })).toEqual({ tags: ["a", "b"] });
    expect(
      project({
        $arrayToObject: [
          [
            ["item", "abc123"],
            ["qty", 25],
          ],
        ],
      }),
    ).toEqual({ item: "abc123", qty: 25 });
    expect(
      project({
        $arrayToObject: [
          [
            { k: "item", v: "abc123" },
            { k: "qty", v: 25 },
          ],
        ],
      }),
    ).toEqual({ item: "abc123", qty: 25 });
    expect(
      project({
        $arrayToObject: [
          [
            ["a", 1],
            ["a", 2],
          ],
        ],
      }),
    ).toEqual({ a: 2 });
    expect(() => project({ $arrayToObject: [[["k"]]] })).toThrow(
      "$arrayToObject requires an array of size 2 arrays,found array of size: 1",
    );
    expect(() => project({ $arrayToObject: [[[321, 12]]] })).toThrow("where the key must be of type string. Found key type: int");
    expect(() => project({ $arrayToObject: [[{ k: 24, v: 1 }]] })).toThrow("the value of 'k' must be of type string. Found type: int");
    expect(() => project({ $arrayToObject: [[["a", 1], { k: "b", v: 2 }]] })).toThrow("requires a consistent input format");
  });

  test("$mergeObjects takes one operand alone and refuses what is not a document", () => {
    const doc = { a: { x: 1, y: 2 }, s: "str" };
    expect(project({ $mergeObjects: "$a" }, doc)).toEqual({ x: 1, y: 2 });
    expect(project({ $mergeObjects: ["$a", null, { y: 3 }] }, doc)).toEqual({ x: 1, y: 3 });
    expect(() => project({ $mergeObjects: ["$a", "$s"] }, doc)).toThrow(
      '$mergeObjects requires object inputs, but input "str" is of type string',
    );
  });

  test("$zip fills with defaults only past an array's end, and checks its arguments", () => {
    expect(project({ $zip: { inputs: [[1, null], ["a"]], useLongestLength: true, defaults: ["D", "E"] } })).toEqual([
      [1, "a"],
      [null, "E"],
    ]);
    expect(project({ $zip: { inputs: ["$missing", [1]] } })).toBeNull();
    expect(() => project({ $zip: { inputs: [] } })).toThrow("$zip requires at least one input array");
    expect(() => project({ $zip: { inputs: [[1]], useLongestLength: 1 } })).toThrow("useLongestLength must be a bool, found int");
    expect(() => project({ $zip: { inputs: [[1]], defaults: [0] } })).toThrow("cannot specify defaults unless useLongestLength is true");
    expect(() => project({ $zip: { inputs: [[1]], other: 1 } })).toThrow("$zip found an unknown argument: other");
  });

  test("$sortArray sorts whole values in MongoDB's order of types", () => {
    expect(project({ $sortArray: { input: [true, { x: 1 }, "a", 1, [0], null], sortBy: 1 } })).toEqual([null, 1, "a", { x: 1 }, [0], true]);
    expect(project({ $sortArray: { input: [{ n: 2 }, { n: 1 }], sortBy: { n: -1 } } })).toEqual([{ n: 2 }, { n: 1 }]);
    expect(project({ $sortArray: { input: "$missing", sortBy: 1 } })).toBeNull();
    expect(() => project({ $sortArray: { input: [1], sortBy: 2 } })).toThrow("The $sort element value must be either 1 or -1");
  });
});

describe("review of the array operators", () => {
  test("$first, $last and $mergeObjects still work as $group accumulators", () => {
    const docs = [
      { g: 1, a: 5, o: { x: 1 } },
      { g: 1, a: 6, o: { y: 2 } },
    ];
    const [row] = new Aggregator([{ $group: { _id: "$g", f: { $first: "$a" }, l: { $last: "$a" }, m: { $mergeObjects: "$o" } } }]).run(
      docs,
    );
    expect(row).toEqual({ _id: 1, f: 5, l: 6, m: { x: 1, y: 2 } });
  });

  test("a missing value is no field: $mergeObjects keeps the earlier one, $arrayToObject counts it out", () => {
    expect(project({ $mergeObjects: [{ a: 1, b: 2 }, { a: "$nope" }] })).toEqual({ a: 1, b: 2 });
    expect(() => project({ $arrayToObject: [[{ k: "a", v: "$nope" }]] })).toThrow("Found incorrect number of keys:1");
  });

  test("$indexOfArray of a missing value finds nothing; a missing start index fails", () => {
    expect(project({ $indexOfArray: [[1, null], "$nope"] })).toBe(-1);
    expect(() => project({ $indexOfArray: [[1], 1, "$nope"] })).toThrow(
      "requires an integral starting index, found a value of type: missing",
    );
  });

  test("$sortArray by a field compares its value whole, not through arrays (MongoDB 5.2-7.0)", () => {
    expect(project({ $sortArray: { input: [{ a: [1, 5] }, { a: [2, 3] }], sortBy: { a: -1 } } })).toEqual([{ a: [2, 3] }, { a: [1, 5] }]);
    expect(project({ $sortArray: { input: [{ a: [2, 0] }, { a: [1] }], sortBy: { a: 1 } } })).toEqual([{ a: [1] }, { a: [2, 0] }]);
  });

  test("$zip: empty defaults are as none, defaults are evaluated only when needed; $slice checks the array first", () => {
    expect(project({ $zip: { inputs: [[1], [2]], defaults: [] } })).toEqual([[1, 2]]);
    expect(project({ $zip: { inputs: [[1], [2]], useLongestLength: true, defaults: [{ $divide: [1, 0] }, 0] } })).toEqual([[1, 2]]);
    expect(() => project({ $zip: {} })).toThrow("$zip requires at least one input array");
    expect(() => project({ $slice: ["abc", 1, null] })).toThrow("First argument to $slice must be an array, but is of type: string");
    expect(() => project({ $slice: [[1], 1, "x"] })).toThrow("Third argument to $slice must be numeric, but is of type: string");
  });
});
