import { Decimal128, EJSON, Long } from "bson";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";
import { Aggregator } from "./mingoOptions.js";

const bucket = (spec: unknown, docs: Record<string, unknown>[]): unknown[] => new Aggregator([{ $bucket: spec }]).run(docs);
const prices = [0, 100, 150, 200].map((price, i) => ({ _id: i + 1, price }));

let s: ReturnType<typeof openService>;
beforeAll(async () => {
  s = openService();
  await s.call("insertMany", { documents: prices });
});
afterAll(() => s.close());

describe("$bucket's buckets", () => {
  test("a value equal to an inner boundary goes to the bucket it starts; empty buckets are not output; `_id` comes first", async () => {
    const out = await s.call("aggregate", { pipeline: [{ $bucket: { groupBy: "$price", boundaries: [0, 100, 200, 300, 400] } }] });
    expect(EJSON.stringify(out)).toBe(
      EJSON.stringify([
        { _id: 0, count: 1 },
        { _id: 100, count: 2 },
        { _id: 200, count: 1 },
      ]),
    );
  });

  test("no bucket at all for an empty input", async () => {
    expect(
      await s.call("aggregate", { pipeline: [{ $bucket: { groupBy: "$price", boundaries: [0, 10], default: "x" } }] }, "empty"),
    ).toEqual([]);
  });

  test("output accumulators run per bucket, the default bucket takes null, missing and other types, buckets sorted by _id", () => {
    const docs = [{ _id: 1, p: 5 }, { _id: 2, p: 25 }, { _id: 3, p: "s" }, { _id: 4 }, { _id: 5, p: 10 }, { _id: 6, p: 99 }];
    const out = bucket({ groupBy: "$p", boundaries: [0, 10, 20, 30, 40], default: "other", output: { ids: { $push: "$_id" } } }, docs);
    expect(out).toEqual([
      { _id: 0, ids: [1] },
      { _id: 10, ids: [5] },
      { _id: 20, ids: [2] },
      { _id: "other", ids: [3, 4, 6] },
    ]);
    expect(bucket({ groupBy: "$p", boundaries: [0, 10], output: {} }, [{ p: 1 }])).toEqual([{ _id: 0 }]);
  });

  test("boundaries of mixed number types are one type, compared by value", () => {
    const lo = Long.fromInt(0);
    const mid = Decimal128.fromString("5");
    const docs = [{ p: 0 }, { p: Decimal128.fromString("4.99") }, { p: 5 }, { p: 100.25 }];
    const out = bucket({ groupBy: "$p", boundaries: [lo, mid, 100.5] }, docs) as { _id: unknown; count: number }[];
    expect(out.map((b) => [String(b._id), b.count])).toEqual([
      ["0", 2],
      ["5", 2],
    ]);
  });

  test("a value outside every bucket without a default fails as the $switch MongoDB builds does", () => {
    expect(() => bucket({ groupBy: "$p", boundaries: [0, 10] }, [{ p: 10 }])).toThrow(
      "$switch could not find a matching branch for an input, and no default was specified.",
    );
  });
});

describe("$bucket's specification", () => {
  test("each option is checked with MongoDB's message", () => {
    const ok = { groupBy: "$p", boundaries: [0, 10] };
    expect(() => bucket(5, [])).toThrow("Argument to $bucket stage must be an object, but found type: int.");
    expect(() => bucket({ ...ok, foo: 1 }, [])).toThrow("Unrecognized option to $bucket: foo.");
    expect(() => bucket({ ...ok, groupBy: "p" }, [])).toThrow(
      `The $bucket 'groupBy' field must be defined as a $-prefixed path or an expression, but found: "p".`,
    );
    expect(() => bucket({ ...ok, boundaries: 5 }, [])).toThrow("The $bucket 'boundaries' field must be an array, but found type: int.");
    expect(() => bucket({ ...ok, boundaries: ["$x", 1] }, [])).toThrow(
      `The $bucket 'boundaries' field must be an array of constant values, but found value: "$x".`,
    );
    expect(() => bucket({ ...ok, boundaries: [0] }, [])).toThrow(
      "The $bucket 'boundaries' field must have at least 2 values, but found 1 value(s).",
    );
    expect(() => bucket({ ...ok, boundaries: [0, "a"] }, [])).toThrow(
      "All values in the the 'boundaries' option to $bucket must have the same type. Found conflicting types int and string.",
    );
    expect(() => bucket({ ...ok, boundaries: [5, 0] }, [])).toThrow(
      "The 'boundaries' option to $bucket must be sorted, but elements 0 and 1 are not in ascending order (5 is not less than 0).",
    );
    expect(() => bucket({ ...ok, default: "$x" }, [])).toThrow(
      `The $bucket 'default' field must be a constant expression, but found: "$x".`,
    );
    expect(() => bucket({ ...ok, default: 5 }, [])).toThrow(
      "The $bucket 'default' field must be less than the lowest boundary or greater than or equal to the highest boundary.",
    );
    expect(() => bucket({ ...ok, output: 1 }, [])).toThrow("The $bucket 'output' field must be an object, but found type: int.");
    expect(() => bucket({ groupBy: "$p" }, [])).toThrow("$bucket requires 'groupBy' and 'boundaries' to be specified.");
  });

  test("constant expressions are accepted as boundaries and default", () => {
    expect(bucket({ groupBy: "$p", boundaries: [{ $add: [1, 2] }, 10], default: { $literal: "$x" } }, [{ p: 3 }, { p: 1 }])).toEqual([
      { _id: 3, count: 1 },
      { _id: "$x", count: 1 },
    ]);
  });
});
