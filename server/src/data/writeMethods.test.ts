import { ObjectId } from "bson";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ServerError } from "../contracts.js";
import { serverError } from "../../test/rejection.js";
import { openService } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;
beforeEach(() => {
  s = openService();
});
afterEach(() => s.close());

async function fails(p: Promise<unknown>, code = "MongoDBError"): Promise<ServerError> {
  const err = await serverError(p);
  expect(err.errorCode).toBe(code);
  expect(err.statusCode).toBe(400);
  return err;
}

describe("insertOne / insertMany", () => {
  test("an ObjectId _id is generated first when absent, a given _id is kept", async () => {
    const { insertedId } = (await s.call("insertOne", { document: { a: 1 } })) as { insertedId: ObjectId };
    expect(insertedId._bsontype).toBe("ObjectId");
    const stored = (await s.call("findOne", {})) as Record<string, unknown>;
    expect(Object.keys(stored)).toEqual(["_id", "a"]);
    expect((stored._id as ObjectId).equals(insertedId)).toBe(true);
    expect(await s.call("insertOne", { document: { _id: "mine", b: 2 } })).toEqual({ insertedId: "mine" });
  });

  test("a document nested deeper than MongoDB's 100 levels is refused, on insert and on update; nothing is written", async () => {
    const nested = (levels: number): Record<string, unknown> => {
      let doc: Record<string, unknown> = { leaf: 1 };
      for (let i = 1; i < levels; i++) doc = { a: doc };
      return doc;
    };
    let list: unknown[] = [1];
    for (let i = 1; i < 100; i++) list = [list];
    // the document itself is a level: 100 levels in all are fine
    expect(await s.call("insertOne", { document: { _id: "ok", ...nested(99) } })).toEqual({ insertedId: "ok" });
    const err = await fails(s.call("insertOne", { document: { _id: "deep", ...nested(101) } }), "InvalidParameter");
    expect(err.message).toContain("nested deeper than 100 levels");
    await fails(s.call("updateOne", { query: { _id: "ok" }, update: { $set: { more: nested(100) } } }), "InvalidParameter");
    // arrays are levels too
    await fails(s.call("insertOne", { document: { _id: "arrays", list } }), "InvalidParameter");
    expect(await s.call("count", {})).toBe(1);
    expect(await s.call("findOne", { query: { _id: "ok" }, project: { more: 1 } })).toEqual({ _id: "ok" });
  });

  test("insertMany returns ids in order", async () => {
    const res = (await s.call("insertMany", { documents: [{ _id: 7 }, { x: 1 }, { _id: "s" }] })) as { insertedIds: unknown[] };
    expect(res.insertedIds[0]).toBe(7);
    expect((res.insertedIds[1] as ObjectId)._bsontype).toBe("ObjectId");
    expect(res.insertedIds[2]).toBe("s");
  });

  test("a duplicate _id is refused with App Services' 'Duplicate key error' and nothing is written", async () => {
    await s.call("insertOne", { document: { _id: 1, v: "first" } });
    const err = await fails(s.call("insertOne", { document: { _id: 1, v: "second" } }));
    // The realm-js integration tests against App Services look for "Duplicate key error".
    expect(err.message).toMatch(/^Duplicate key error: E11000 duplicate key error collection: \S+ index: _id_ dup key: \{ _id: 1 \}$/);
    const id = new ObjectId();
    await s.call("insertOne", { document: { _id: id } });
    expect((await fails(s.call("insertOne", { document: { _id: id } }))).message).toContain(
      `dup key: { _id: ObjectId('${id.toHexString()}') }`,
    );
    await s.call("insertOne", { document: { _id: "k" } });
    expect((await fails(s.call("insertOne", { document: { _id: "k" } }))).message).toContain('dup key: { _id: "k" }');
    await s.call("deleteMany", { query: { _id: { $in: [id, "k"] } } });
    expect(await s.call("find", {})).toEqual([{ _id: 1, v: "first" }]);
  });

  test("insertMany is ordered, as MongoDB's: the documents before a duplicate are inserted, the ones after it are not", async () => {
    await s.call("insertOne", { document: { _id: 1, v: "first" } });
    await fails(s.call("insertMany", { documents: [{ _id: 2 }, { _id: 1 }, { _id: 4 }] }));
    await fails(s.call("insertMany", { documents: [{ _id: 3 }, { _id: 3 }, { _id: 5 }] }));
    await fails(s.call("insertMany", { documents: [{ _id: 1 }, { _id: 6 }] }));
    expect(await s.call("find", { sort: { _id: 1 } })).toEqual([{ _id: 1, v: "first" }, { _id: 2 }, { _id: 3 }]);
  });

  test("ObjectId and its hex string are different _ids", async () => {
    const id = new ObjectId();
    await s.call("insertMany", { documents: [{ _id: id }, { _id: id.toHexString() }] });
    expect(await s.call("count", {})).toBe(2);
    expect(await s.call("count", { query: { _id: new ObjectId(id.toHexString()) } })).toBe(1);
  });
});

describe("updateOne / updateMany", () => {
  test("an empty update path, or one with an empty field name, is refused with MongoDB's message; nothing changes", async () => {
    await s.call("insertOne", { document: { _id: 1, a: { b: 1 } } }, "paths");
    const refused: [Record<string, unknown>, string][] = [
      [{ $set: { "": 1 } }, "An empty update path is not valid."],
      [{ $set: { "a..b": 2 } }, "The update path 'a..b' contains an empty field name, which is not allowed."],
      [{ $inc: { "a.": 1 } }, "The update path 'a.' contains an empty field name, which is not allowed."],
      [{ $unset: { ".a": "" } }, "The update path '.a' contains an empty field name, which is not allowed."],
    ];
    for (const [update, message] of refused) {
      expect((await fails(s.call("updateOne", { query: { _id: 1 }, update }, "paths"))).message).toBe(message);
      expect((await fails(s.call("updateOne", { query: { _id: 2 }, update, upsert: true }, "paths"))).message).toBe(message);
    }
    expect(await s.call("find", { query: {} }, "paths")).toEqual([{ _id: 1, a: { b: 1 } }]);
  });

  beforeEach(async () => {
    await s.call("insertMany", {
      documents: [
        {
          _id: 1,
          n: 1,
          tags: ["a"],
          grades: [80, 95, 70],
          items: [
            { k: "x", q: 1 },
            { k: "y", q: 2 },
          ],
        },
        { _id: 2, n: 2, tags: [], grades: [100, 60] },
        { _id: 3, n: 3 },
      ],
    });
  });

  test("$push and $addToSet modifiers on a field that does not exist yet (updates and upserts) treat it as an empty array", async () => {
    await s.call("insertOne", { document: { _id: "arr", deep: {} } });
    await s.call("updateOne", {
      query: { _id: "arr" },
      update: {
        $push: { recent: { $each: [5, 1, 9, 3], $sort: -1, $slice: 2 }, "deep.list": { $each: [2, 1], $position: 0 } },
        $addToSet: { tags: { $each: ["a", "a", "b"] } },
      },
    });
    expect(await s.call("findOne", { query: { _id: "arr" } })).toEqual({
      _id: "arr",
      deep: { list: [2, 1] },
      recent: [9, 5],
      tags: ["a", "b"],
    });
    const up = (await s.call("updateOne", {
      query: { _id: "up" },
      update: { $addToSet: { tags: { $each: ["x", "x"] } }, $push: { top: { $each: [1, 2, 3], $slice: -1 } } },
      upsert: true,
    })) as { upsertedId: unknown };
    expect(up.upsertedId).toBe("up");
    expect(await s.call("findOne", { query: { _id: "up" } })).toEqual({ _id: "up", tags: ["x"], top: [3] });
    await s.call("deleteMany", { query: { _id: { $in: ["arr", "up"] } } });
  });

  test("operators on a value of the wrong type fail with MongoDB's message, and nothing is written", async () => {
    await s.call("insertOne", { document: { _id: "typed", name: "x", n: 5, tags: "a", sub: null } });
    const cases: [Record<string, unknown>, string][] = [
      [
        { $inc: { name: 1 } },
        "Cannot apply $inc to a value of non-numeric type. {_id: \"typed\"} has the field 'name' of non-numeric type string",
      ],
      [
        { $mul: { tags: 2 } },
        "Cannot apply $mul to a value of non-numeric type. {_id: \"typed\"} has the field 'tags' of non-numeric type string",
      ],
      [{ $push: { tags: "b" } }, "The field 'tags' must be an array but is of type string in document {_id: \"typed\"}"],
      [{ $addToSet: { n: 1 } }, "Cannot apply $addToSet to non-array field. Field named 'n' has non-array type int"],
      [{ $pull: { name: "x" } }, "Cannot apply $pull to a non-array value"],
      [{ $pop: { n: 1 } }, "Path 'n' contains an element of non-array type 'int'"],
      [{ $set: { "n.x": 1 } }, "Cannot create field 'x' in element {n: 5}"],
      [{ $inc: { "sub.count": 1 } }, "Cannot create field 'count' in element {sub: null}"],
    ];
    for (const [update, message] of cases) {
      const err = await fails(s.call("updateOne", { query: { _id: "typed" }, update: { $set: { touched: true }, ...update } }));
      expect([err.errorCode, err.message]).toEqual(["MongoDBError", message]);
    }
    expect(await s.call("findOne", { query: { _id: "typed" } })).toEqual({ _id: "typed", name: "x", n: 5, tags: "a", sub: null });
    await s.call("updateOne", {
      query: { _id: "typed" },
      update: { $inc: { n: 1, fresh: 2 }, $set: { "deep.new.path": 1 }, $push: { list: 1 } },
    });
    expect(await s.call("findOne", { query: { _id: "typed" } })).toMatchObject({ n: 6, fresh: 2, deep: { new: { path: 1 } }, list: [1] });
    await s.call("deleteOne", { query: { _id: "typed" } });
  });

  test("operators: $inc, $set dotted, $unset, $push, $addToSet, $rename", async () => {
    expect(
      await s.call("updateOne", { query: { _id: 1 }, update: { $inc: { n: 5 }, $set: { "sub.k": true }, $push: { tags: "b" } } }),
    ).toEqual({
      matchedCount: 1,
      modifiedCount: 1,
    });
    await s.call("updateOne", {
      query: { _id: 1 },
      update: { $unset: { grades: "" }, $rename: { items: "things" }, $addToSet: { tags: "a" } },
    });
    expect(await s.call("findOne", { query: { _id: 1 } })).toEqual({
      _id: 1,
      n: 6,
      tags: ["a", "b"],
      sub: { k: true },
      things: [
        { k: "x", q: 1 },
        { k: "y", q: 2 },
      ],
    });
  });

  test("a no-op update matches but does not modify", async () => {
    expect(await s.call("updateOne", { query: { _id: 3 }, update: { $set: { n: 3 } } })).toEqual({ matchedCount: 1, modifiedCount: 0 });
    expect(await s.call("updateOne", { query: { _id: 99 }, update: { $set: { n: 3 } } })).toEqual({ matchedCount: 0, modifiedCount: 0 });
  });

  test("updateMany counts matched and modified", async () => {
    expect(await s.call("updateMany", { query: { n: { $gte: 2 } }, update: { $max: { n: 3 } } })).toEqual({
      matchedCount: 2,
      modifiedCount: 1,
    });
    expect(await s.call("find", { project: { n: 1 } })).toEqual([
      { _id: 1, n: 1 },
      { _id: 2, n: 3 },
      { _id: 3, n: 3 },
    ]);
  });

  test("positional $ uses the query's array match", async () => {
    await s.call("updateOne", { query: { _id: 1, "items.k": "y" }, update: { $inc: { "items.$.q": 10 } } });
    await s.call("updateOne", { query: { _id: 2, grades: 60 }, update: { $set: { "grades.$": 65 } } });
    expect(await s.call("find", { query: { _id: { $in: [1, 2] } }, project: { items: 1, grades: 1 } })).toEqual([
      {
        _id: 1,
        grades: [80, 95, 70],
        items: [
          { k: "x", q: 1 },
          { k: "y", q: 12 },
        ],
      },
      { _id: 2, grades: [100, 65] },
    ]);
  });

  test("positional $ takes the element the query matched, whatever the query's shape", async () => {
    const docs = [
      { k: 1, v: "a" },
      { k: 2, v: "b" },
      { k: 2, v: "c" },
    ];
    await s.call("insertOne", { document: { _id: 9, docs } });
    // two conditions on the array: the element meeting both
    await s.call("updateOne", { query: { _id: 9, "docs.k": 2, "docs.v": "c" }, update: { $set: { "docs.$.v": "C" } } });
    // within $and
    await s.call("updateOne", { query: { $and: [{ _id: 9 }, { "docs.k": 2 }] }, update: { $inc: { "docs.$.k": 10 } } });
    expect(await s.call("findOne", { query: { _id: 9 } })).toEqual({
      _id: 9,
      docs: [
        { k: 1, v: "a" },
        { k: 12, v: "b" },
        { k: 2, v: "C" },
      ],
    });
    const err = await fails(s.call("updateOne", { query: { _id: 9 }, update: { $set: { "docs.$.v": "x" } } }));
    expect(err.message).toBe("The positional operator did not find the match needed from the query.");
    // a negation names no element, as in MongoDB
    const negated = await fails(s.call("updateOne", { query: { "docs.k": { $ne: 5 } }, update: { $set: { "docs.$.v": "x" } } }));
    expect(negated.message).toBe("The positional operator did not find the match needed from the query.");
    // `$` and the index it stands for are the same path
    const twice = await fails(s.call("updateOne", { query: { "docs.k": 12 }, update: { $inc: { "docs.$.k": 1, "docs.1.k": 1 } } }));
    expect(twice.message).toContain("would create a conflict at 'docs.1.k'");
  });

  test("an update of a field inside an array without an index or $ fails as MongoDB does; with an index it works", async () => {
    await s.call("insertOne", { document: { _id: 7, docs: [{ k: 1 }, { k: 2 }] } });
    const err = await fails(s.call("updateOne", { query: { _id: 7 }, update: { $set: { "docs.k": 5 } } }));
    expect(err.message).toBe("Cannot create field 'k' in element {docs: [...]}");
    await s.call("updateOne", { query: { _id: 7 }, update: { $inc: { "docs.1.k": 5 } } });
    expect(await s.call("findOne", { query: { _id: 7 } })).toEqual({ _id: 7, docs: [{ k: 1 }, { k: 7 }] });
  });

  test("documents are equal only with their fields in the same order (queries and $addToSet), as in MongoDB", async () => {
    await s.call("insertOne", { document: { _id: 4, a: { x: 1, y: 2 }, list: [{ k: 1, v: "a" }] } });
    expect(await s.call("count", { query: { a: { x: 1, y: 2 } } })).toBe(1);
    expect(await s.call("count", { query: { a: { y: 2, x: 1 } } })).toBe(0);
    await s.call("updateOne", {
      query: { _id: 4 },
      update: {
        $addToSet: {
          list: {
            $each: [
              { k: 1, v: "a" },
              { v: "a", k: 1 },
            ],
          },
        },
      },
    });
    expect(await s.call("findOne", { query: { _id: 4 }, project: { list: 1 } })).toEqual({
      _id: 4,
      list: [
        { k: 1, v: "a" },
        { v: "a", k: 1 },
      ],
    });
  });

  test("$addToSet through $[] adds to every element's array, keeping their duplicates, creating missing ones", async () => {
    await s.call("insertOne", { document: { _id: 33, a: [{ t: [1, 1] }, { t: [2] }, { u: 1 }] } });
    await s.call("updateOne", { query: { _id: 33 }, update: { $addToSet: { "a.$[].t": { $each: [1, 3] } } } });
    expect(await s.call("findOne", { query: { _id: 33 } })).toEqual({
      _id: 33,
      a: [{ t: [1, 1, 3] }, { t: [2, 1, 3] }, { u: 1, t: [1, 3] }],
    });
  });

  test("$currentDate stores a Timestamp for {$type: 'timestamp'} and a Date otherwise", async () => {
    await s.call("insertOne", { document: { _id: 6 } });
    await s.call("updateOne", {
      query: { _id: 6 },
      update: { $currentDate: { ts: { $type: "timestamp" }, d: true, e: { $type: "date" } } },
    });
    const query = { _id: 6, ts: { $type: "timestamp" }, d: { $type: "date" }, e: { $type: "date" } };
    expect(await s.call("count", { query })).toBe(1);
  });

  test("$push and $addToSet modifiers also apply to a missing array inside an array element ($ or an index)", async () => {
    await s.call("insertOne", { document: { _id: 5, a: [{ k: 1 }, { k: 2 }] } });
    await s.call("updateOne", { query: { "a.k": 1 }, update: { $push: { "a.$.t": { $each: [3, 1, 2], $sort: 1, $slice: 2 } } } });
    await s.call("updateOne", { query: { _id: 5 }, update: { $addToSet: { "a.1.t": { $each: [1, 1] } } } });
    expect(await s.call("findOne", { query: { _id: 5 } })).toEqual({
      _id: 5,
      a: [
        { k: 1, t: [1, 2] },
        { k: 2, t: [1] },
      ],
    });
  });

  test("$addToSet keeps the duplicates already in the array, adds each new value once", async () => {
    await s.call("insertOne", { document: { _id: 8, arr: [1, 2, 3, 2] } });
    expect(await s.call("updateOne", { query: { _id: 8 }, update: { $addToSet: { arr: { $each: [2, 4, 4] } } } })).toEqual({
      matchedCount: 1,
      modifiedCount: 1,
    });
    expect(await s.call("updateOne", { query: { _id: 8 }, update: { $addToSet: { arr: 3 } } })).toEqual({
      matchedCount: 1,
      modifiedCount: 0,
    });
    await s.call("updateOne", { query: { _id: 8 }, update: { $addToSet: { arr: { $each: [5] } } } });
    expect(await s.call("findOne", { query: { _id: 8 } })).toEqual({ _id: 8, arr: [1, 2, 3, 2, 4, 5] });
  });

  test("arrayFilters and $[]", async () => {
    await s.call("updateOne", { query: { _id: 1 }, update: { $set: { "grades.$[low]": 75 } }, arrayFilters: [{ low: { $lt: 75 } }] });
    await s.call("updateOne", { query: { _id: 1 }, update: { $inc: { "items.$[].q": 1 } } });
    expect(await s.call("findOne", { query: { _id: 1 }, project: { grades: 1, items: 1, _id: 0 } })).toEqual({
      grades: [80, 95, 75],
      items: [
        { k: "x", q: 2 },
        { k: "y", q: 3 },
      ],
    });
  });

  test("replacement-style update keeps _id and position; updateMany replaces every match, as App Services", async () => {
    expect(await s.call("updateOne", { query: { _id: 2 }, update: { name: "Alison" } })).toEqual({ matchedCount: 1, modifiedCount: 1 });
    expect(await s.call("find", { project: { n: 1, name: 1 } })).toEqual([
      { _id: 1, n: 1 },
      { _id: 2, name: "Alison" },
      { _id: 3, n: 3 },
    ]);
    expect(await s.call("updateMany", { query: {}, update: { name: "x" } })).toEqual({ matchedCount: 3, modifiedCount: 3 });
    expect(await s.call("find", {})).toEqual([
      { _id: 1, name: "x" },
      { _id: 2, name: "x" },
      { _id: 3, name: "x" },
    ]);
    expect(await s.call("updateMany", { query: { name: "x" }, update: { name: "x" } })).toEqual({ matchedCount: 3, modifiedCount: 0 });
    await fails(s.call("updateMany", { query: {}, update: { _id: 9, name: "y" } }));
  });

  test("pipeline update", async () => {
    await s.call("updateOne", { query: { _id: 3 }, update: [{ $set: { double: { $multiply: ["$n", 2] } } }] });
    expect(await s.call("findOne", { query: { _id: 3 } })).toEqual({ _id: 3, n: 3, double: 6 });
  });

  test("changing _id, unknown operators and mixed documents are refused, nothing changes", async () => {
    await fails(s.call("updateOne", { query: { _id: 3 }, update: { $set: { _id: 4 } } }));
    await fails(s.call("updateOne", { query: { _id: 3 }, update: { _id: 4, n: 0 } }));
    await fails(s.call("updateOne", { query: { _id: 3 }, update: { $bogus: { n: 1 } } }));
    await fails(s.call("updateOne", { query: { _id: 3 }, update: { $set: { n: 1 }, plain: 2 } }));
    await fails(s.call("updateOne", { query: { _id: 3 }, update: { $inc: { n: "x" } } }));
    expect(await s.call("findOne", { query: { _id: 3 } })).toEqual({ _id: 3, n: 3 });
  });
});

describe("upsert", () => {
  test("builds the document from the query's equality fields, $setOnInsert, then the update", async () => {
    const res = (await s.call("updateOne", {
      query: { owner: "ann", "meta.kind": "todo", n: { $gt: 5 }, $and: [{ list: "home" }], v: { $eq: 2 } },
      update: { $set: { done: false }, $setOnInsert: { created: 1 }, $inc: { hits: 1 } },
      upsert: true,
    })) as { upsertedId: ObjectId; matchedCount: number };
    expect(res.matchedCount).toBe(0);
    expect(res.upsertedId._bsontype).toBe("ObjectId");
    const doc = (await s.call("findOne", { query: { owner: "ann" } })) as Record<string, unknown>;
    const { _id, ...rest } = doc;
    expect((_id as ObjectId).equals(res.upsertedId)).toBe(true);
    expect(rest).toEqual({ owner: "ann", meta: { kind: "todo" }, list: "home", v: 2, done: false, created: 1, hits: 1 });
  });

  test("a query that sets one path to two values cannot seed the document (MongoDB's error); the same value twice can", async () => {
    const conflicting = { $and: [{ owner: "ann" }, { owner: "bob" }] };
    const err = await fails(s.call("updateOne", { query: conflicting, update: { $set: { n: 1 } }, upsert: true }));
    expect(err.message).toContain("path 'owner' is matched twice");
    await s.call("updateOne", { query: { owner: "ann", $and: [{ owner: "ann" }] }, update: { $set: { n: 1 } }, upsert: true });
    expect(await s.call("find", { project: { _id: 0 } })).toEqual([{ owner: "ann", n: 1 }]);
  });

  test("a matching upsert updates and ignores $setOnInsert", async () => {
    await s.call("insertOne", { document: { _id: "k", n: 1 } });
    expect(
      await s.call("updateOne", { query: { _id: "k" }, update: { $inc: { n: 1 }, $setOnInsert: { created: 1 } }, upsert: true }),
    ).toEqual({
      matchedCount: 1,
      modifiedCount: 1,
    });
    expect(await s.call("findOne", { query: { _id: "k" } })).toEqual({ _id: "k", n: 2 });
  });

  test("the query's _id is used; replacement upsert; updateMany upsert", async () => {
    expect(await s.call("updateOne", { query: { _id: 5 }, update: { $set: { a: 1 } }, upsert: true })).toEqual({
      matchedCount: 0,
      modifiedCount: 0,
      upsertedId: 5,
    });
    expect(await s.call("updateOne", { query: { _id: 6 }, update: { b: 2 }, upsert: true })).toEqual({
      matchedCount: 0,
      modifiedCount: 0,
      upsertedId: 6,
    });
    expect(await s.call("updateMany", { query: { _id: 7 }, update: { $set: { c: 3 } }, upsert: true })).toEqual({
      matchedCount: 0,
      modifiedCount: 0,
      upsertedId: 7,
    });
    expect(await s.call("find", {})).toEqual([
      { _id: 5, a: 1 },
      { _id: 6, b: 2 },
      { _id: 7, c: 3 },
    ]);
  });
});

describe("deleteOne / deleteMany", () => {
  test("deleteOne removes the first match, deleteMany all", async () => {
    await s.call("insertMany", {
      documents: [
        { _id: 1, t: "a" },
        { _id: 2, t: "a" },
        { _id: 3, t: "b" },
      ],
    });
    expect(await s.call("deleteOne", { query: { t: "a" } })).toEqual({ deletedCount: 1 });
    expect(await s.call("find", { project: { _id: 1 } })).toEqual([{ _id: 2 }, { _id: 3 }]);
    expect(await s.call("deleteMany", { query: { t: { $in: ["a", "b"] } } })).toEqual({ deletedCount: 2 });
    expect(await s.call("deleteMany", {})).toEqual({ deletedCount: 0 });
    expect(await s.call("count", {})).toBe(0);
  });
});
