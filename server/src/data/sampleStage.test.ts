import { describe, expect, it } from "vitest";
import { Aggregator } from "./mingoOptions.js";

const docs = Array.from({ length: 2000 }, (_, i) => ({ _id: i }));
const run = (size: unknown) => new Aggregator([{ $sample: { size } }]).run<{ _id: number }>(docs);

describe("$sample", () => {
  it("picks size documents without repeating one", () => {
    const picked = run(25);
    expect(picked).toHaveLength(25);
    expect(new Set(picked.map((d) => d._id)).size).toBe(25);
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
