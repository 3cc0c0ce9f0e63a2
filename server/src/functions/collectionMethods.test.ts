import { ObjectId } from "bson";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { FunctionRunner } from "../contracts.js";
import { startFunctionFiles, type FunctionFiles } from "../../test/functionFiles.js";
import { serverError } from "../../test/rejection.js";
import { distinctValues } from "./distinct.js";

// The collection and cursor methods of App Services' function API beyond the SDKs' (skip, next,
// distinct, bulkWrite), run by functions in the worker-thread runner against the real service.
const COLL = `const c = context.services.get("mongodb-atlas").db("fn").collection(name);`;
const FILES: Record<string, string> = {
  "seed.js": `exports = async function (name, docs) { ${COLL} await c.deleteMany({}); return c.insertMany(docs); };`,
  "cursor.js": `exports = async function (name) { ${COLL}
    const page = await c.find({}, { _id: 1 }).sort({ n: 1 }).skip(1).limit(2).toArray();
    const rest = await c.find({}, { _id: 1 }).sort({ n: 1 }).skip(3).toArray();
    const it = c.find({ n: { $lte: 2 } }).sort({ n: -1 });
    const first = await it.next();
    const second = await it.next();
    const third = await it.next();
    const later = c.find().sort({ n: 1 });
    later.skip(4);
    const aggPage = await c.aggregate([{ $project: { n: 1 } }]).sort({ n: -1 }).skip(1).limit(1).toArray();
    const aggFirst = await c.aggregate([{ $match: { n: { $gt: 3 } } }]).next();
    let lateSort = null;
    try { it.sort({ n: 1 }); } catch (e) { lateSort = e.message; }
    let badSkip = null;
    try { c.find().skip(-1); } catch (e) { badSkip = e.message; }
    return { page, rest, first: first._id, second: second._id, third: third === undefined, later: await later, aggPage, aggFirst, lateSort, badSkip };
  };`,
  "pastCap.js": `exports = async function (name) { ${COLL}
    return { sorted: await c.find({}, { _id: 0, n: 1 }).sort({ n: 1 }).skip(25).toArray(), natural: (await c.find({}).skip(28).toArray()).length };
  };`,
  "distinct.js": `exports = async function (name, field, query) { ${COLL} return c.distinct(field, query); };`,
  "bulk.js": `exports = async function (name, ops, options) { ${COLL}
    let error = null;
    let result;
    try { result = await c.bulkWrite(ops, options); } catch (e) { error = e.message; }
    return { result, error, docs: await c.find({}).sort({ _id: 1 }).toArray() };
  };`,
  "names.js": `exports = async function () {
    const atlas = context.services.get("mongodb-atlas");
    await atlas.db("other").collection("x").updateOne({ _id: 1 }, { $set: { n: 1 } }, { upsert: true });
    return { fn: (await atlas.db("fn").getCollectionNames()).sort(), dbs: (await atlas.admin().getDBNames()).sort() };
  };`,
};

/** The service's cap on a query's documents in these tests. */
const CAP = 20;
let files: FunctionFiles;
let runner: FunctionRunner;

beforeAll(async () => {
  files = await startFunctionFiles(FILES, {}, CAP);
  ({ runner } = files);
});

afterAll(async () => {
  await files.close();
});

describe("cursor methods", () => {
  test("a skip past the result cap reaches the documents there (the service skips before it caps)", async () => {
    await runner.call("seed", ["pastCap", Array.from({ length: 30 }, (_, n) => ({ n }))], {});
    const { sorted, natural } = (await runner.call("pastCap", ["pastCap"], {})) as { sorted: unknown[]; natural: number };
    expect(sorted).toEqual([25, 26, 27, 28, 29].map((n) => ({ n })));
    expect(natural).toBe(2);
  });

  test("skip after sort and before limit, next() one at a time then undefined, a cursor changed in place, skip on aggregate", async () => {
    await runner.call("seed", ["c", [1, 2, 3, 4, 5].map((n) => ({ _id: `d${n}`, n }))], {});
    expect(await runner.call("cursor", ["c"], {})).toEqual({
      page: [{ _id: "d2" }, { _id: "d3" }],
      rest: [{ _id: "d4" }, { _id: "d5" }],
      first: "d2",
      second: "d1",
      third: true,
      later: [{ _id: "d5", n: 5 }],
      aggPage: [{ _id: "d4", n: 4 }],
      aggFirst: { _id: "d4", n: 4 },
      lateSort: "cursor.sort() cannot be called after next() or toArray()",
      badSkip: "cursor.skip() takes a non-negative integer, not -1",
    });
  });
});

describe("distinct", () => {
  test("array elements count one by one, paths go through arrays of documents, missing fields add nothing, the query filters", async () => {
    const id = new ObjectId();
    await runner.call(
      "seed",
      [
        "d",
        [
          { _id: 1, tag: "a", tags: ["x", "y"], sub: [{ k: 1 }, { k: [2, 3] }], id },
          { _id: 2, tag: "b", tags: ["y", "z"], sub: { k: 1 }, id },
          { _id: 3, tag: "a", tags: [["x"]], sub: [] },
          { _id: 4, tag: null },
          { _id: 5 },
        ],
      ],
      {},
    );
    expect(await runner.call("distinct", ["d", "tag", {}], {})).toEqual(["a", "b", null]);
    expect(await runner.call("distinct", ["d", "tags", {}], {})).toEqual(["x", "y", "z", ["x"]]);
    expect(await runner.call("distinct", ["d", "sub.k", {}], {})).toEqual([1, 2, 3]);
    expect(await runner.call("distinct", ["d", "id", {}], {})).toEqual([id]);
    expect(await runner.call("distinct", ["d", "tags", { tag: "b" }], {})).toEqual(["y", "z"]);
    expect((await serverError(runner.call("distinct", ["d", "", {}], {}))).message).toContain("takes a field name");
  });

  test("more matching documents than a query may return: every distinct value is still found", async () => {
    const docs = Array.from({ length: CAP + 10 }, (_, i) => ({ _id: i, tag: i < CAP + 5 ? "a" : "b", sub: { k: i % 3 } }));
    await runner.call("seed", ["many", docs], {});
    expect(((await runner.call("distinct", ["many", "tag", {}], {})) as string[]).sort()).toEqual(["a", "b"]);
    expect(((await runner.call("distinct", ["many", "sub.k", {}], {})) as number[]).sort()).toEqual([0, 1, 2]);
  });

  test("an index in the path picks that element", () => {
    expect(distinctValues([{ a: [{ b: 1 }, { b: 2 }] }], "a.1.b")).toEqual([2]);
  });
});

describe("bulkWrite", () => {
  const seed = [
    { _id: 1, n: 1 },
    { _id: 2, n: 2 },
    { _id: 3, n: 3 },
  ];

  test("every documented operation, in order; resolves to null", async () => {
    await runner.call("seed", ["b", seed], {});
    const ops = [
      { insertOne: { document: { _id: 4, n: 4 } } },
      { updateOne: { filter: { _id: 1 }, update: { $set: { n: -1 } } } },
      { updateMany: { filter: { n: { $gte: 3 } }, update: { $inc: { n: 100 } } } },
      { deleteOne: { filter: { _id: 2 } } },
      { replaceOne: { filter: { _id: 3 }, replacement: { r: true } } },
      { updateOne: { filter: { _id: 9 }, update: { $set: { n: 9 } }, upsert: true } },
      { deleteMany: { filter: { n: 104 } } },
    ];
    expect(await runner.call("bulk", ["b", ops], {})).toEqual({
      result: null,
      error: null,
      docs: [
        { _id: 1, n: -1 },
        { _id: 3, r: true },
        { _id: 9, n: 9 },
      ],
    });
  });

  test("ordered stops at the first failure; unordered runs the rest, then fails with the first", async () => {
    const ops = [{ insertOne: { document: { _id: 1 } } }, { insertOne: { document: { _id: 5 } } }];
    await runner.call("seed", ["b", seed], {});
    const ordered = (await runner.call("bulk", ["b", ops], {})) as { error: string; docs: { _id: number }[] };
    expect(ordered.error).toMatch(/duplicate key/i);
    expect(ordered.docs.map((d) => d._id)).toEqual([1, 2, 3]);
    await runner.call("seed", ["b", seed], {});
    const unordered = (await runner.call("bulk", ["b", ops, { ordered: false }], {})) as { error: string; docs: { _id: number }[] };
    expect(unordered.error).toMatch(/duplicate key/i);
    expect(unordered.docs.map((d) => d._id)).toEqual([1, 2, 3, 5]);
  });

  test("a malformed operation fails before any operation runs", async () => {
    await runner.call("seed", ["b", seed], {});
    const ops = [{ insertOne: { document: { _id: 7 } } }, { updateOne: { filter: {} } }];
    const out = (await runner.call("bulk", ["b", ops], {})) as { error: string; docs: unknown[] };
    expect(out.error).toBe("bulkWrite(): operation 1 needs an update document or pipeline");
    expect(out.docs).toHaveLength(3);
    expect((await runner.call("bulk", ["b", [{ upsertOne: {} }]], {})) as { error: string }).toMatchObject({
      error: 'bulkWrite(): operation 0 has an unknown operation "upsertOne"',
    });
    expect((await runner.call("bulk", ["b", []], {})) as { error: string }).toMatchObject({
      error: "bulkWrite() takes a non-empty array of operations",
    });
  });
});

test("getCollectionNames() and admin().getDBNames() in system functions; refused as an application user", async () => {
  await runner.call("seed", ["listed", [{ _id: 1 }]], {});
  const out = (await runner.call("names", [], {})) as { fn: string[]; dbs: string[] };
  expect(out.fn).toContain("listed");
  expect(out.dbs).toEqual(["fn", "other"]);
  const asUser = { user: { id: "u1", type: "normal" as const, data: {}, custom_data: {}, identities: [] } };
  expect((await serverError(runner.call("names", [], asUser))).message).toContain(
    "getCollectionNames() is only available in system functions",
  );
});
