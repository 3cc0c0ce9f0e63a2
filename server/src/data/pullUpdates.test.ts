import { Decimal128, Long } from "bson";
import { afterEach, beforeEach, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;
beforeEach(() => {
  s = openService();
});
afterEach(() => s.close());

let next = 0;

/** Inserts a document `{a}`, applies `update` to it and returns its array `a` then (or the error's message). */
async function after(a: unknown, update: Record<string, unknown>, arrayFilters?: Record<string, unknown>[]): Promise<unknown> {
  const _id = ++next;
  await s.call("insertOne", { document: { _id, a } });
  try {
    await s.call("updateOne", { query: { _id }, update, ...(arrayFilters ? { arrayFilters } : {}) });
  } catch (err) {
    return (err as Error).message;
  }
  return ((await s.call("findOne", { query: { _id } })) as { a: unknown }).a;
}

test("$pull with a query on fields removes only documents that match it; scalars stay", async () => {
  expect(await after([5, { b: 5 }, { b: 6 }, [{ b: 5 }]], { $pull: { a: { b: 5 } } })).toEqual([5, { b: 6 }, [{ b: 5 }]]);
});

test("$pull with an empty document removes every document and nothing else", async () => {
  expect(await after([5, { b: 5 }, {}, "x", [1]], { $pull: { a: {} } })).toEqual([5, "x", [1]]);
});

test("$pull with a logical query ($or) runs it on the documents", async () => {
  expect(await after([{ b: 1 }, { c: 2 }, { b: 3 }, 1], { $pull: { a: { $or: [{ b: 1 }, { c: 2 }] } } })).toEqual([{ b: 3 }, 1]);
});

test("$pull with an operator condition tests each element as a value", async () => {
  expect(await after([3, 5, 7, "x"], { $pull: { a: { $gt: 4 } } })).toEqual([3, "x"]);
  expect(await after([[1, 2], [3]], { $pull: { a: { $size: 2 } } })).toEqual([[3]]);
  expect(await after(["apple", "kiwi", 4], { $pull: { a: /^a/ } })).toEqual(["kiwi", 4]);
});

test("$pull of a scalar or an array removes the equal elements only, numbers by value", async () => {
  expect(await after([5, Long.fromInt(5), Decimal128.fromString("5.0"), 6, [5]], { $pull: { a: 5 } })).toEqual([6, [5]]);
  expect(await after([[5, 6], [6, 5], 5, [[5, 6]]], { $pull: { a: [5, 6] } })).toEqual([[6, 5], 5, [[5, 6]]]);
});

test("$pullAll removes elements equal to a value, not arrays that hold one", async () => {
  expect(await after([5, [5, 6], 6, Long.fromInt(6), 7], { $pullAll: { a: [5, 6] } })).toEqual([[5, 6], 7]);
  expect(
    await after(
      [
        { x: 1, y: 2 },
        { y: 2, x: 1 },
      ],
      { $pullAll: { a: [{ x: 1, y: 2 }] } },
    ),
  ).toEqual([{ y: 2, x: 1 }]);
});

test("$pull through $[] and $[id] removes from each element's array the filter names", async () => {
  const a = [{ k: 1, t: [1, 2, { v: 1 }] }, { k: 2, t: [2, 3] }, { k: 3 }];
  expect(await after(a, { $pull: { "a.$[].t": 2 } })).toEqual([{ k: 1, t: [1, { v: 1 }] }, { k: 2, t: [3] }, { k: 3 }]);
  expect(await after(a, { $pull: { "a.$[e].t": { v: 1 } } }, [{ "e.k": { $lte: 2 } }])).toEqual([
    { k: 1, t: [1, 2] },
    { k: 2, t: [2, 3] },
    { k: 3 },
  ]);
});

test("$addToSet through $[id] keeps each matched element's duplicates and creates a missing array", async () => {
  const a = [{ k: 1, t: [1, 1] }, { k: 2, t: [2] }, { k: 3 }];
  expect(await after(a, { $addToSet: { "a.$[e].t": { $each: [1, 3] } } }, [{ $or: [{ "e.k": 1 }, { "e.k": 3 }] }])).toEqual([
    { k: 1, t: [1, 1, 3] },
    { k: 2, t: [2] },
    { k: 3, t: [1, 3] },
  ]);
});

test("a $pull whose target is not an array still fails; a missing one changes nothing", async () => {
  expect(await after(5, { $pull: { a: 5 } })).toMatch(/non-array|array/);
  await s.call("insertOne", { document: { _id: 2, b: [{ c: [1] }, { d: 1 }] } });
  expect(await s.call("updateOne", { query: { _id: 2 }, update: { $pull: { x: 1, "b.$[].c": 1 } } })).toEqual({
    matchedCount: 1,
    modifiedCount: 1,
  });
  expect(await s.call("findOne", { query: { _id: 2 } })).toEqual({ _id: 2, b: [{ c: [] }, { d: 1 }] });
  expect(await s.call("updateOne", { query: { _id: 2 }, update: { $pull: { "b.$[].c": 1 } } })).toEqual({
    matchedCount: 1,
    modifiedCount: 0,
  });
});
