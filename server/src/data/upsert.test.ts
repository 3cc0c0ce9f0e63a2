import { afterEach, beforeEach, expect, test } from "vitest";
import type { ObjectId } from "bson";
import { openService } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;
beforeEach(() => {
  s = openService();
});
afterEach(() => s.close());

const message = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => "resolved",
    (e: Error) => e.message,
  );

test("an upserted document has the query's fields in the order of their paths, then the update's new fields in lexicographic order", async () => {
  const { upsertedId } = (await s.call("updateOne", {
    query: { z: 1, "b.c": 2, $and: [{ a: 4 }], n: { $gt: 1 } },
    update: { $set: { y: 1, "b.a": 0 }, $setOnInsert: { c: 3 } },
    upsert: true,
  })) as { upsertedId: ObjectId };
  const doc = (await s.call("findOne", { query: { _id: upsertedId } })) as { b: object };
  expect(Object.keys(doc)).toEqual(["_id", "a", "b", "z", "c", "y"]);
  expect(Object.keys(doc.b)).toEqual(["c", "a"]);
});

test("an upsert takes its _id from $setOnInsert or $set (MongoDB does; a common way to choose it)", async () => {
  expect(await s.call("updateOne", { query: { name: "a" }, update: { $setOnInsert: { _id: "a1", n: 1 } }, upsert: true })).toEqual({
    matchedCount: 0,
    modifiedCount: 0,
    upsertedId: "a1",
  });
  expect(await s.call("updateOne", { query: { name: "b" }, update: { $set: { _id: "b1" } }, upsert: true })).toMatchObject({
    upsertedId: "b1",
  });
  // the query's own _id, again
  expect(await s.call("updateOne", { query: { _id: "c1" }, update: { $setOnInsert: { _id: "c1" } }, upsert: true })).toMatchObject({
    upsertedId: "c1",
  });
  expect(
    await s.call("findOneAndUpdate", {
      filter: { name: "d" },
      update: { $setOnInsert: { _id: "d1" } },
      upsert: true,
      returnNewDocument: true,
    }),
  ).toEqual({ _id: "d1", name: "d" });
  expect(await s.call("find", {})).toEqual([
    { _id: "a1", name: "a", n: 1 },
    { _id: "b1", name: "b" },
    { _id: "c1" },
    { _id: "d1", name: "d" },
  ]);
});

test("an upsert's _id that is not the query's, or named twice, fails; nothing is inserted", async () => {
  expect(await message(s.call("updateOne", { query: { _id: 1 }, update: { $setOnInsert: { _id: 2 } }, upsert: true }))).toBe(
    "Performing an update on the path '_id' would modify the immutable field '_id'",
  );
  expect(await message(s.call("updateOne", { query: {}, update: { $set: { _id: 2 }, $setOnInsert: { _id: 2 } }, upsert: true }))).toBe(
    "Updating the path '_id' would create a conflict at '_id'",
  );
  expect(await s.call("count", {})).toBe(0);
});

test("a $setOnInsert field that conflicts with another fails whether or not a document matches, as MongoDB parses it first", async () => {
  await s.call("insertOne", { document: { _id: 1, a: { b: 1 } } });
  const conflicting = [
    [{ $set: { a: 2 }, $setOnInsert: { a: 3 } }, "Updating the path 'a' would create a conflict at 'a'"],
    // the later path is named, the shorter one is where
    [{ $set: { "a.b": 2 }, $setOnInsert: { a: 3 } }, "Updating the path 'a' would create a conflict at 'a'"],
    [{ $setOnInsert: { a: 3 }, $inc: { "a.b": 2 } }, "Updating the path 'a.b' would create a conflict at 'a'"],
    [{ $setOnInsert: { a: 3, "a.c": 1 } }, "Updating the path 'a.c' would create a conflict at 'a'"],
  ] as const;
  for (const [update, expected] of conflicting) {
    expect(await message(s.call("updateOne", { query: { _id: 1 }, update }))).toBe(expected);
    expect(await message(s.call("updateMany", { query: { _id: 9 }, update }))).toBe(expected);
    expect(await message(s.call("findOneAndUpdate", { filter: { _id: 1 }, update }))).toBe(expected);
    expect(await message(s.call("findOneAndUpdate", { filter: { _id: 9 }, update }))).toBe(expected);
  }
  expect(await s.call("find", {})).toEqual([{ _id: 1, a: { b: 1 } }]);
});

test("a pipeline update takes an empty arrayFilters list, and refuses filters", async () => {
  await s.call("insertOne", { document: { _id: 1, n: 2 } });
  expect(await s.call("updateOne", { query: { _id: 1 }, update: [{ $set: { m: { $add: ["$n", 1] } } }], arrayFilters: [] })).toEqual({
    matchedCount: 1,
    modifiedCount: 1,
  });
  expect(await message(s.call("updateOne", { query: { _id: 1 }, update: [{ $set: { m: 0 } }], arrayFilters: [{ x: 1 }] }))).toBe(
    "arrayFilters may not be specified for pipeline-style updates",
  );
  expect(await s.call("findOne", {})).toEqual({ _id: 1, n: 2, m: 3 });
});

test("a query path through __proto__ seeds an own field, never Object.prototype (later calls were broken)", async () => {
  const query = JSON.parse('{"__proto__.polluted": 1, "name": "p"}') as Record<string, unknown>;
  await s.call("updateOne", { query, update: { $set: { y: 1 } }, upsert: true });
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  const doc = (await s.call("findOne", { query: { name: "p" } })) as Record<string, unknown>;
  expect(Object.hasOwn(doc, "__proto__")).toBe(true);
  expect(await s.call("count", {})).toBe(1);
});

test("query fields where one lies within another cannot seed the document (MongoDB's error); a replacement takes only _id", async () => {
  expect(await message(s.call("updateOne", { query: { "a.b": 2, a: 1 }, update: { $set: { n: 1 } }, upsert: true }))).toBe(
    "cannot infer query fields to set, both paths 'a.b' and 'a' are matched",
  );
  expect(await message(s.call("updateOne", { query: { a: { b: 2 }, "a.c": 1 }, update: { $set: { n: 1 } }, upsert: true }))).toBe(
    "cannot infer query fields to set, both paths 'a.c' and 'a' are matched",
  );
  expect(await s.call("updateOne", { query: { _id: 3, $and: [{ k: 1 }, { k: 2 }] }, update: { name: "r" }, upsert: true })).toEqual({
    matchedCount: 0,
    modifiedCount: 0,
    upsertedId: 3,
  });
  expect(await s.call("find", {})).toEqual([{ _id: 3, name: "r" }]);
});
