import { describe, expect, it } from "vitest";
import { Decimal128, Long } from "bson";
import type { Options } from "mingo/types";
import { Aggregator } from "./mingoOptions.js";
import { computedOncePerWindow, keptValues } from "./windowMemo.js";
import { windowed, type Row } from "../../test/aggregateKit.js";

const options = {} as Options;

describe("accumulators computed once per window", () => {
  it("computes a window once for the same array, expression and options, and hands each call its own outer array", () => {
    let calls = 0;
    const push = computedOncePerWindow((items) => {
      calls++;
      return items.map((i) => ({ v: i.v }));
    });
    const items = [{ v: 1 }, { v: 2 }];
    const expr = "$v";
    const first = push(items, expr, options) as { v: number }[];
    first.push({ v: 3 });
    const second = push(items, expr, options) as { v: number }[];
    expect(calls).toBe(1);
    expect(second).toEqual([{ v: 1 }, { v: 2 }]);
    // the values in it are shared, as mingo shares the window's documents (no copy per document)
    expect(second[0]).toBe(first[0]);
    // another window (a running one passes a new array per document), expression or options: computed again
    push([...items], expr, options);
    push(items, "$w", options);
    push(items, expr, {} as Options);
    expect(calls).toBe(4);
  });

  it("leaves the calls made within a document to the accumulator: the partitioning $group, $reduce's steps", () => {
    let calls = 0;
    const count = computedOncePerWindow((items) => (calls++, items.length));
    const items = [{ v: 1 }];
    const withinDocument = { local: { root: items[0] } } as unknown as Options;
    count(items, "$v", withinDocument);
    count(items, "$v", withinDocument);
    expect(calls).toBe(2);
  });

  it("copies a date result", () => {
    const max = computedOncePerWindow(() => new Date(0));
    const items = [{}];
    (max(items, "$d", options) as Date).setTime(5);
    expect(max(items, "$d", options)).toEqual(new Date(0));
  });

  it("keeps BSON values as they are", () => {
    const sum = computedOncePerWindow(() => Long.fromNumber(3));
    const items = [{}];
    expect(sum(items, "$v", options)).toEqual(Long.fromNumber(3));
    expect(sum(items, "$v", options)).toBeInstanceOf(Long);
  });
});

describe("$setWindowFields over the whole partition", () => {
  const input: Row[] = [
    { _id: 1, g: "a", v: 1, d: new Decimal128("0.1") },
    { _id: 2, g: "b", v: 10, d: new Decimal128("1") },
    { _id: 3, g: "a", v: 2 },
    { _id: 4, g: "a", v: "x", d: new Decimal128("0.2") },
    { _id: 5, g: "b", v: 20 },
  ];

  it("gives every document its partition's value, with and without an explicit unbounded window", () => {
    const a = [1, 2, "x"];
    const b = [10, 20];
    const byDoc = [a, b, a, a, b];
    expect(windowed({ $push: "$v" }, input)).toEqual(byDoc);
    expect(windowed({ $push: "$v", window: { documents: ["unbounded", "unbounded"] } }, input)).toEqual(byDoc);
    expect(windowed({ $sum: "$v" }, input)).toEqual([3, 30, 3, 3, 30]);
    expect(windowed({ $sum: "$d" }, input)).toEqual([
      new Decimal128("0.3"),
      new Decimal128("1"),
      new Decimal128("0.3"),
      new Decimal128("0.3"),
      new Decimal128("1"),
    ]);
    expect(windowed({ $avg: "$v" }, input)).toEqual([1.5, 15, 1.5, 1.5, 15]);
    expect(windowed({ $stdDevPop: "$v" }, input)).toEqual([0.5, 5, 0.5, 0.5, 5]);
    expect(windowed({ $max: "$v" }, input)).toEqual(["x", 20, "x", "x", 20]);
    expect(windowed({ $firstN: { input: "$v", n: 2 } }, input)).toEqual([
      [1, 2],
      [10, 20],
      [1, 2],
      [1, 2],
      [10, 20],
    ]);
  });

  it("still computes running and bounded windows per document", () => {
    expect(windowed({ $sum: "$v", window: { documents: ["unbounded", "current"] } }, input)).toEqual([1, 10, 3, 3, 30]);
    expect(windowed({ $push: "$v", window: { documents: [-1, 0] } }, input)).toEqual([[1], [10], [1, 2], [2, "x"], [10, 20]]);
  });

  it("evaluates the window once per partition, as MongoDB does: $rand in it is the same for every document", () => {
    const out = windowed({ $push: { $rand: {} } }, input) as number[][];
    expect(out[0]).toHaveLength(3);
    expect(out[2]).toEqual(out[0]);
    expect(out[3]).toEqual(out[0]);
    expect(out[4]).toEqual(out[1]);
    expect(out[1]).not.toEqual(out[0]);
  });

  it("evaluates an accumulator used as an expression within $reduce at each step (its $$value changes)", () => {
    const docs: Row[] = [
      { _id: 1, g: "a", arr: [7, 8] },
      { _id: 2, g: "a", arr: [9, 10] },
    ];
    const expr = {
      $reduce: { input: ["$arr", "$arr"], initialValue: 0, in: { $add: ["$$value", { $arrayElemAt: [{ $push: "$$value" }, 0] }, 1] } },
    };
    const projected = new Aggregator([{ $project: { r: expr } }]).run<Row>(docs).map((d) => d.r);
    expect(projected).toEqual([3, 3]);
    expect(windowed({ $push: expr }, docs)).toEqual([projected, projected]);
    expect(windowed({ $push: expr, window: { documents: ["unbounded", "current"] } }, docs)).toEqual([[3], [3, 3]]);
  });

  it("gives each document its own copy: a later stage's change inside it stays in that document", () => {
    const rows = new Aggregator([
      { $setWindowFields: { partitionBy: "$g", output: { all: { $push: { k: "$v" } } } } },
      { $set: { "all.mark": "$_id" } },
      { $sort: { _id: 1 } },
    ]).run<Row>(input);
    for (const row of rows) {
      for (const element of row.all as Row[]) expect(element.mark).toBe(row._id);
    }
  });
});

describe("running windows: values kept from window to window", () => {
  it("evaluates only the documents a window adds to the last one, and all of any other window", () => {
    const evaluated: unknown[] = [];
    const evaluate = (items: Row[]) => items.map((i) => (evaluated.push(i._id), i.v));
    const op = () => "op";
    const sum = keptValues(op, (values) => (values as number[]).reduce((a, b) => a + b, 0), evaluate);
    const docs = [1, 2, 3, 4].map((v) => ({ _id: v, v }));
    expect([1, 2, 3, 4].map((n) => sum(docs.slice(0, n), "$v", options))).toEqual([1, 3, 6, 10]);
    expect(evaluated).toEqual([1, 2, 3, 4]);
    // a sliding window does not extend the last one: evaluated again
    expect(sum(docs.slice(1, 3), "$v", options)).toBe(5);
    expect(evaluated).toEqual([1, 2, 3, 4, 2, 3]);
    // an operand whose form the accumulator reads itself is left to it
    expect(sum(docs, 1, options)).toBe("op");
    expect(sum(docs, null, options)).toBe("op");
    expect(sum(docs, ["$v", 1], options)).toBe("op");
  });

  it("gives $sum, $avg, $max, $min and $stdDev* over running windows what each gives over the same documents in $group", () => {
    const values = [1, 2.5, -3, null, "s", Long.fromNumber(7), new Decimal128("0.25"), Number.NaN, [4], undefined, 2 ** 53, -0.5];
    const docs: Row[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 60; i++) {
      const v = values[Math.floor(random() * values.length)];
      // distinct sort values: a range window's "current" is the current document (as in MongoDB), not its peers too
      docs.push({ _id: i, g: i % 3, t: (i * 37) % 60, ...(v === undefined ? {} : { v }) });
    }
    for (const op of ["$sum", "$avg", "$max", "$min", "$stdDevPop", "$stdDevSamp"]) {
      for (const window of [{ documents: ["unbounded", "current"] }, { range: ["unbounded", "current"] }]) {
        const got = new Aggregator([
          { $setWindowFields: { partitionBy: "$g", sortBy: { t: 1 }, output: { r: { [op]: "$v", window } } } },
          { $sort: { _id: 1 } },
        ]).run<Row>(docs);
        for (const row of got) {
          const partition = new Aggregator([{ $match: { g: row.g } }, { $sort: { t: 1 } }]).run<Row>(docs);
          const upTo = partition.findIndex((d) => d._id === row._id);
          const expected = new Aggregator([{ $group: { _id: null, r: { [op]: "$v" } } }]).run<Row>(partition.slice(0, upTo + 1))[0]!.r;
          expect(row.r, `${op} ${JSON.stringify(window)} at ${String(row._id)}`).toEqual(expected);
        }
      }
    }
  });
});
