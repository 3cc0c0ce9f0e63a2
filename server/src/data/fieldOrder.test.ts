import { afterEach, beforeEach, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";
import { compareFieldNames } from "./fieldOrder.js";

let s: ReturnType<typeof openService>;
beforeEach(() => {
  s = openService();
});
afterEach(() => s.close());

const keysAfter = async (doc: Record<string, unknown>, update: Record<string, unknown>): Promise<unknown> => {
  await s.call("insertOne", { document: doc });
  await s.call("updateOne", { query: { _id: doc._id }, update });
  return s.call("findOne", { query: { _id: doc._id } });
};

test("field names compare as MongoDB's update does: names starting with a digit (not zero-padded) by length first, others by code unit", () => {
  expect(["b", "a1", "10", "a", "9", "B", "2nd", "9a", "10b", "100th", "01", "1"].sort(compareFieldNames)).toEqual([
    "01",
    "1",
    "9",
    "10",
    "9a",
    "10b",
    "2nd",
    "100th",
    "B",
    "a",
    "a1",
    "b",
  ]);
  expect(compareFieldNames("a", "a")).toBe(0);
});

test("the fields an update creates come after the existing ones in lexicographic order, whatever the order sent (MongoDB 5.0+)", async () => {
  const doc = (await keysAfter({ _id: 1, q: 1, w: 2 }, { $set: { z: 1, w: 5, b: 2 }, $inc: { a: 1 }, $push: { c: 1 } })) as object;
  expect(Object.keys(doc)).toEqual(["_id", "q", "w", "a", "b", "c", "z"]);
  expect(doc).toEqual({ _id: 1, q: 1, w: 5, a: 1, b: 2, c: [1], z: 1 });
});

test("in documents the update creates, in existing nested documents, and in each element through $[]", async () => {
  const doc = (await keysAfter(
    { _id: 2, o: { y: 1 }, a: [{ y: 1 }, { y: 2 }] },
    { $set: { "n.z": 1, "n.b": 2, "o.z": 3, "o.b": 4, "a.$[].z": 5, "a.$[].b": 6 } },
  )) as { n: object; o: object; a: object[] };
  expect(Object.keys(doc)).toEqual(["_id", "o", "a", "n"]);
  expect(Object.keys(doc.n)).toEqual(["b", "z"]);
  expect(Object.keys(doc.o)).toEqual(["y", "b", "z"]);
  expect(doc.a.map((e) => Object.keys(e))).toEqual([
    ["y", "b", "z"],
    ["y", "b", "z"],
  ]);
});

test("a value set whole keeps its own order; $rename's destination and $unset take their places", async () => {
  const doc = (await keysAfter(
    { _id: 3, p: 1, q: 2, r: 3 },
    { $set: { v: { z: 1, b: 2 } }, $rename: { p: "x" }, $unset: { q: 1 }, $min: { c: 0 } },
  )) as {
    v: object;
  };
  expect(Object.keys(doc)).toEqual(["_id", "r", "c", "v", "x"]);
  expect(Object.keys(doc.v)).toEqual(["z", "b"]);
});

test("aggregate's $project keeps the stored order, _id first, then the computed fields in its order (mingo put _id last)", async () => {
  await s.call("insertOne", { document: { _id: 1, a: 1, b: 2, c: 3, o: { y: 1, x: 2 } } });
  const keysOf = async (project: Record<string, unknown>): Promise<unknown> => {
    const [doc] = (await s.call("aggregate", { pipeline: [{ $project: project }] })) as Record<string, unknown>[];
    return [Object.keys(doc ?? {}), Object.keys((doc?.o as object | undefined) ?? {})];
  };
  expect(await keysOf({ b: 1, a: 1 })).toEqual([["_id", "a", "b"], []]);
  expect(await keysOf({ t: "$c", b: 1, s: { $literal: 0 }, a: 1 })).toEqual([["_id", "a", "b", "t", "s"], []]);
  expect(await keysOf({ "o.x": 1, "o.y": 1, _id: 0 })).toEqual([["o"], ["y", "x"]]);
  expect(await keysOf({ o: { x: 1, y: 1 }, a: 1 })).toEqual([
    ["_id", "a", "o"],
    ["y", "x"],
  ]);
});

test("$currentDate ticks its Timestamps in the order MongoDB applies the fields", async () => {
  const doc = (await keysAfter({ _id: 4 }, { $currentDate: { z: { $type: "timestamp" }, b: { $type: "timestamp" } } })) as Record<
    string,
    { t: number; i: number }
  >;
  const [b, z] = [doc.b, doc.z];
  expect(b !== undefined && z !== undefined && (b.t < z.t || (b.t === z.t && b.i < z.i))).toBe(true);
});

test("a computed value keeps its own order at any depth, and each element of an array of documents keeps its order", async () => {
  await s.call("insertOne", { document: { _id: 5, o: { r: { a: 1, b: 2 }, c: 3 }, x: { b: 20, a: 10 }, b: 5, l: [{ c: 1, b: 2 }] } });
  const [agg] = (await s.call("aggregate", {
    pipeline: [{ $match: { _id: 5 } }, { $project: { "o.r": "$x", o: { c: 1 }, "l.b": 1, "l.c": 1 } }],
  })) as Record<string, unknown>[];
  expect(agg).toEqual({ _id: 5, o: { c: 3, r: { b: 20, a: 10 } }, l: [{ c: 1, b: 2 }] });
  expect(Object.keys((agg?.o as { r: object }).r)).toEqual(["b", "a"]);
  expect(Object.keys(agg?.o as object)).toEqual(["c", "r"]);
  expect(Object.keys((agg?.l as object[])[0] as object)).toEqual(["c", "b"]);
  // a pipeline update stores the computed value as computed
  await s.call("updateOne", { query: { _id: 5 }, update: [{ $project: { "o.r": "$x" } }] });
  const stored = (await s.call("findOne", { query: { _id: 5 } })) as { o: { r: object } };
  expect(Object.keys(stored.o.r)).toEqual(["b", "a"]);
  expect(await s.call("count", { query: { "o.r": { b: 20, a: 10 } } })).toBe(1);
});

test("$currentDate ticks field by field in MongoDB's order (9 before 10)", async () => {
  const doc = (await keysAfter({ _id: 6 }, { $currentDate: { "10": { $type: "timestamp" }, "9.x": { $type: "timestamp" } } })) as Record<
    string,
    unknown
  >;
  const ten = doc["10"] as { t: number; i: number };
  const nine = (doc["9"] as { x: { t: number; i: number } }).x;
  expect(nine.t < ten.t || (nine.t === ten.t && nine.i < ten.i)).toBe(true);
});

test("$project's operators compute fields; in find, $elemMatch comes after the kept fields; scalars dropped from an array leave its documents in order", async () => {
  await s.call("insertOne", { document: { _id: 7, a: 1, l: [3, 4], g: [{ s: 8 }], j: 2, k: [{ c: 1, b: 2, a: 3 }, 7, { b: 4, a: 5 }] } });
  const [agg] = (await s.call("aggregate", {
    pipeline: [{ $match: { _id: 7 } }, { $project: { b: { $slice: ["$l", 1] }, a: 1 } }],
  })) as object[];
  expect(Object.keys(agg ?? {})).toEqual(["_id", "a", "b"]);
  const found = (await s.call("findOne", { query: { _id: 7 }, project: { g: { $elemMatch: { s: 8 } }, j: 1 } })) as object;
  expect(Object.keys(found)).toEqual(["_id", "j", "g"]);
  const kept = (await s.call("findOne", { query: { _id: 7 }, project: { "k.a": 1, "k.b": 1 } })) as { k: object[] };
  expect(kept.k.map((e) => Object.keys(e))).toEqual([
    ["b", "a"],
    ["b", "a"],
  ]);
});
