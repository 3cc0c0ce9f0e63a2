import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { Decimal128, ObjectId } from "bson";
import { ServerError } from "../contracts.js";
import { openService } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;

beforeEach(async () => {
  s = openService();
  await s.call("insertMany", {
    documents: [
      { _id: 1, name: "ann", age: 31, tags: ["a", "b"], team: "red" },
      { _id: 2, name: "bob", age: 25, tags: ["b"], team: "blue" },
      { _id: 3, name: "cid", age: 40, tags: [], team: "red" },
      { _id: 4, name: "dee", age: 25, team: "green" },
    ],
  });
  await s.call(
    "insertMany",
    {
      documents: [
        { _id: "red", label: "Red team" },
        { _id: "blue", label: "Blue team" },
      ],
    },
    "teams",
  );
});
afterEach(() => s.close());

describe("find", () => {
  test("no query returns every document in natural order", async () => {
    expect(((await s.call("find", {})) as { _id: number }[]).map((d) => d._id)).toEqual([1, 2, 3, 4]);
  });

  test("query operators, projection, sort, limit", async () => {
    expect(await s.call("find", { query: { age: { $gte: 25, $lt: 40 } }, project: { name: 1 }, sort: { age: -1, name: -1 } })).toEqual([
      { _id: 1, name: "ann" },
      { _id: 4, name: "dee" },
      { _id: 2, name: "bob" },
    ]);
    expect(await s.call("find", { query: { tags: "b" }, project: { _id: 0, name: 1 }, limit: 1 })).toEqual([{ name: "ann" }]);
    expect(await s.call("find", { query: { tags: { $size: 0 } }, project: { tags: 0, team: 0, age: 0 } })).toEqual([
      { _id: 3, name: "cid" },
    ]);
  });

  test("a positional projection returns the first array element the query matched", async () => {
    expect(await s.call("find", { query: { tags: "b" }, project: { "tags.$": 1 }, sort: { _id: 1 } })).toEqual([
      { _id: 1, tags: ["b"] },
      { _id: 2, tags: ["b"] },
    ]);
    expect(await s.call("findOne", { query: { _id: 1, tags: "a" }, project: { _id: 0, "tags.$": 1 } })).toEqual({ tags: ["a"] });
  });

  test("a $slice projection keeps the other fields; projected fields keep the stored order, _id first", async () => {
    await s.call("insertOne", { document: { _id: 9, a: 1, arr: [1, 2, 3, 4], b: { c: 2, d: 3 }, z: 9 } });
    const one = (project: Record<string, unknown>) => s.call("findOne", { query: { _id: 9 }, project });
    expect(await one({ arr: { $slice: 2 } })).toEqual({ _id: 9, a: 1, arr: [1, 2], b: { c: 2, d: 3 }, z: 9 });
    expect(await one({ arr: { $slice: -1 }, z: 0 })).toEqual({ _id: 9, a: 1, arr: [4], b: { c: 2, d: 3 } });
    expect(await one({ arr: { $slice: [1, 2] } })).toEqual({ _id: 9, a: 1, arr: [2, 3], b: { c: 2, d: 3 }, z: 9 });
    expect(Object.keys((await one({ z: 1, "b.d": 1, a: 1 })) as object)).toEqual(["_id", "a", "b", "z"]);
    expect(Object.keys((await one({ arr: { $slice: 1 }, a: 1 })) as object)).toEqual(["_id", "a", "arr"]);
    // a computed field comes after the stored ones
    expect(Object.keys((await one({ z: 1, a: "$z" })) as object)).toEqual(["_id", "z", "a"]);
  });

  test("a projection naming a field and a path within it is refused, as in MongoDB (also with $slice and an exclusion), in the order of its fields", async () => {
    await s.call("insertOne", { document: { _id: 11, o: { t: [1, 2, 3], u: 1 }, a: { b: { c: 1 } }, items: [{ sku: 1 }] } });
    for (const [project, message] of [
      [{ o: 0, "o.t": { $slice: 1 } }, "Path collision at o.t remaining portion t"],
      [{ o: 1, "o.t": { $slice: 1 } }, "Path collision at o.t remaining portion t"],
      // the field holding one named before
      [{ "o.t": 1, o: 1 }, "Path collision at o"],
      // the remaining portion is the path after its first field
      [{ "a.b": 1, "a.b.c": 1 }, "Path collision at a.b.c remaining portion b.c"],
      // a nested projection is walked into
      [{ a: { b: 1 }, "a.b.c": 1 }, "Path collision at a.b.c remaining portion b.c"],
      // a positional field names its array (mingo recursed without end)
      [{ "items.$": 1, "items.sku": 1 }, "Path collision at items.sku remaining portion sku"],
    ] as const)
      await expect(s.call("findOne", { query: { _id: 11, "items.sku": 1 }, project })).rejects.toMatchObject({
        errorCode: "MongoDBError",
        message,
      });
  });

  test("a nested projection and a dotted path beside it are one tree, as in MongoDB", async () => {
    await s.call("insertOne", { document: { _id: 12, a: { b: 1, c: 2, d: 3 } } });
    expect(await s.call("findOne", { query: { _id: 12 }, project: { a: { b: 1 }, "a.c": 1 } })).toEqual({ _id: 12, a: { b: 1, c: 2 } });
  });

  test("a $slice through an array of documents slices each one's field", async () => {
    await s.call("insertOne", { document: { _id: 10, items: [{ tags: [1, 2, 3] }, { tags: [4, 5] }] } });
    expect(await s.call("findOne", { query: { _id: 10 }, project: { "items.tags": { $slice: 1 } } })).toEqual({
      _id: 10,
      items: [{ tags: [1] }, { tags: [4] }],
    });
  });

  test("a projection never changes the stored document (mingo's nested exclusions delete from their input)", async () => {
    const stored = { _id: 11, o: { x: 1, y: 2 }, items: [{ a: 1, b: 2 }] };
    await s.call("insertOne", { document: stored });
    expect(await s.call("find", { query: { _id: 11 }, project: { "o.x": 0, "items.a": 0 } })).toEqual([
      { _id: 11, o: { y: 2 }, items: [{ b: 2 }] },
    ]);
    expect(await s.call("findOne", { query: { _id: 11 } })).toEqual(stored);
  });

  test("negative limit means its absolute value, 0 means none", async () => {
    expect(await s.call("find", { sort: { _id: -1 }, limit: -2, project: { _id: 1 } })).toEqual([{ _id: 4 }, { _id: 3 }]);
    expect(((await s.call("find", { limit: 0 })) as unknown[]).length).toBe(4);
  });

  test("$or, $exists, $regex and $in", async () => {
    const ids = (await s.call("find", { query: { $or: [{ tags: { $exists: false } }, { name: { $regex: "^c" } }] } })) as { _id: number }[];
    expect(ids.map((d) => d._id)).toEqual([3, 4]);
    expect(await s.call("count", { query: { team: { $in: ["red", "green"] } } })).toBe(3);
  });

  test("results are copies: mutating them does not change the store", async () => {
    const [first] = (await s.call("find", { query: { _id: 1 } })) as { name: string }[];
    first!.name = "changed";
    expect(await s.call("findOne", { query: { _id: 1 }, project: { name: 1 } })).toEqual({ _id: 1, name: "ann" });
  });
});

describe("findOne", () => {
  test("first match in natural order, or in sort order", async () => {
    expect(await s.call("findOne", { query: { age: 25 }, project: { name: 1, _id: 0 } })).toEqual({ name: "bob" });
    expect(await s.call("findOne", { query: { age: 25 }, sort: { name: -1 }, project: { name: 1, _id: 0 } })).toEqual({ name: "dee" });
  });

  test("null when nothing matches", async () => {
    expect(await s.call("findOne", { query: { age: 99 } })).toBeNull();
  });
});

describe("count", () => {
  test("with and without limit", async () => {
    expect(await s.call("count", {})).toBe(4);
    expect(await s.call("count", { query: { age: { $lt: 35 } } })).toBe(3);
    expect(await s.call("count", { query: { age: { $lt: 35 } }, limit: 2 })).toBe(2);
    expect(await s.call("count", { query: { age: { $lt: 35 } }, limit: 10 })).toBe(3);
  });
});

describe("aggregate", () => {
  test("$match, $group, $sort", async () => {
    const out = await s.call("aggregate", {
      pipeline: [
        { $match: { age: { $gt: 20 } } },
        { $group: { _id: "$team", n: { $sum: 1 }, avgAge: { $avg: "$age" } } },
        { $sort: { _id: 1 } },
      ],
    });
    expect(out).toEqual([
      { _id: "blue", n: 1, avgAge: 25 },
      { _id: "green", n: 1, avgAge: 25 },
      { _id: "red", n: 2, avgAge: 35.5 },
    ]);
  });

  test("conversions that meet BSON values: $toString of an ObjectId, $toObjectId, $convert with onError and onNull", async () => {
    const id = new ObjectId();
    await s.call("insertOne", { document: { _id: id, ref: id.toHexString(), price: Decimal128.fromString("10.50"), bad: "zz" } }, "conv");
    const out = await s.call(
      "aggregate",
      {
        pipeline: [
          {
            $project: {
              _id: 0,
              hex: { $toString: "$_id" },
              back: { $toObjectId: "$ref" },
              same: { $eq: [{ $toObjectId: "$ref" }, "$_id"] },
              price: { $toString: "$price" },
              when: { $toString: new Date(0) },
              n: { $toString: 5 },
              missing: { $toObjectId: "$nope" },
              conv: { $convert: { input: "$ref", to: "objectId" } },
              convStr: { $convert: { input: "$_id", to: 2 } },
              onError: { $convert: { input: "$bad", to: "objectId", onError: "not an id" } },
              onNull: { $convert: { input: "$nope", to: "objectId", onNull: "none" } },
              int: { $convert: { input: "42", to: "int" } },
            },
          },
        ],
      },
      "conv",
    );
    expect(out).toEqual([
      {
        hex: id.toHexString(),
        back: id,
        same: true,
        price: "10.50",
        when: "1970-01-01T00:00:00.000Z",
        n: "5",
        missing: null,
        conv: id,
        convStr: id.toHexString(),
        onError: "not an id",
        onNull: "none",
        int: 42,
      },
    ]);
    const err = await s.call("aggregate", { pipeline: [{ $project: { x: { $toObjectId: "$bad" } } }] }, "conv").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).message).toContain("Failed to parse objectId 'zz'");
  });

  test("$setWindowFields (running totals and ranks per partition); a $function body from a request never runs, in it or elsewhere", async () => {
    const out = await s.call("aggregate", {
      pipeline: [
        { $match: { age: { $exists: true } } },
        {
          $setWindowFields: {
            partitionBy: "$team",
            sortBy: { age: 1 },
            output: { total: { $sum: "$age", window: { documents: ["unbounded", "current"] } }, rank: { $rank: {} } },
          },
        },
        { $project: { _id: 1, total: 1, rank: 1 } },
        { $sort: { _id: 1 } },
      ],
    });
    expect(out).toEqual([
      { _id: 1, total: 31, rank: 1 },
      { _id: 2, total: 25, rank: 1 },
      { _id: 3, total: 71, rank: 2 },
      { _id: 4, total: 25, rank: 1 },
    ]);
    const fn = { $function: { body: "function () { return 1; }", args: [], lang: "js" } };
    for (const pipeline of [
      [{ $setWindowFields: { sortBy: { age: 1 }, output: { x: { $sum: fn, window: { documents: ["unbounded", "current"] } } } } }],
      [{ $project: { x: fn } }],
    ]) {
      const err = await s.call("aggregate", { pipeline }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServerError);
      expect((err as ServerError).errorCode).toBe("MongoDBError");
    }
  });

  test("$lookup reads another collection of the same database", async () => {
    const out = await s.call("aggregate", {
      pipeline: [
        { $match: { _id: { $in: [1, 4] } } },
        { $lookup: { from: "teams", localField: "team", foreignField: "_id", as: "teamDoc" } },
        { $project: { _id: 1, teamDoc: 1 } },
      ],
    });
    expect(out).toEqual([
      { _id: 1, teamDoc: [{ _id: "red", label: "Red team" }] },
      { _id: 4, teamDoc: [] },
    ]);
  });

  test("$unwind + $count, and stages that add fields do not change stored documents", async () => {
    expect(await s.call("aggregate", { pipeline: [{ $unwind: "$tags" }, { $count: "n" }] })).toEqual([{ n: 3 }]);
    await s.call("aggregate", { pipeline: [{ $addFields: { extra: 1 } }, { $set: { name: "x" } }] });
    expect(await s.call("findOne", { query: { _id: 2 } })).toEqual({ _id: 2, name: "bob", age: 25, tags: ["b"], team: "blue" });
  });

  test("$out and $merge before the last stage, and unknown stages, are MongoDBError (outputStages.test.ts has what they write)", async () => {
    for (const pipeline of [[{ $out: "copy" }, { $limit: 1 }], [{ $merge: { into: "copy" } }, { $limit: 1 }], [{ $nope: {} }]]) {
      const err = await s.call("aggregate", { pipeline }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServerError);
      expect((err as ServerError).errorCode).toBe("MongoDBError");
    }
    expect(await s.call("count", {}, "copy")).toBe(0);
  });
});
