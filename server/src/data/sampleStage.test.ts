import { Decimal128, Long } from "bson";
import { describe, expect, it } from "vitest";
import { Aggregator } from "./mingoOptions.js";

const docs = Array.from({ length: 2000 }, (_, i) => ({ _id: i }));
const run = (size: unknown) => new Aggregator([{ $sample: { size } }]).run<{ _id: number }>(docs);

describe("$sample", () => {
  it("picks size documents at random, without repeating one", () => {
    const small = docs.slice(0, 5);
    const firsts = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const picked = new Aggregator([{ $sample: { size: 4 } }]).run<{ _id: number }>(small);
      // with replacement, 4 picks of 5 repeat one 81% of the time: 200 runs cannot all miss
      expect(new Set(picked.map((d) => d._id)).size).toBe(4);
      firsts.add(picked[0]?._id ?? -1);
    }
    // not the input's first documents in order: each of the 5 came first at least once
    expect(firsts.size).toBe(5);
  });

  it("takes a size of any numeric BSON type", () => {
    expect(run(Long.fromString("1000000000000000000"))).toHaveLength(docs.length);
    expect(run(Decimal128.fromString("3"))).toHaveLength(3);
  });

  it("gives every document once when size is larger than the input, however large (it used to exhaust the heap)", () => {
    const picked = run(1e12);
    expect(picked).toHaveLength(docs.length);
    expect(new Set(picked.map((d) => d._id)).size).toBe(docs.length);
    expect(run(0)).toEqual([]);
  });

  it("refuses a size that is missing, negative or not a number", () => {
    for (const size of [-1, "3", null, Number.NaN])
      expect(() => run(size)).toThrow("the size argument to $sample must be a non-negative number");
    expect(() => new Aggregator([{ $sample: 5 }]).run(docs)).toThrow("non-negative number");
  });
});
