import { Decimal128, Long, ObjectId, Timestamp } from "bson";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";
import { sortDocs } from "./bsonSort.js";

const dec = (s: string) => Decimal128.fromString(s);
const BIG = "9007199254740993"; // 2^53 + 1: stays an Int64

let s: ReturnType<typeof openService>;
beforeEach(async () => {
  s = openService();
  await s.call("insertMany", {
    documents: [
      { _id: 1, p: dec("9.5"), t: "a" },
      { _id: 2, p: dec("10.5"), t: "a" },
      { _id: 3, p: dec("100"), t: "b" },
      { _id: 4, p: 7, t: "b" },
      { _id: 5, p: Long.fromString(BIG), t: "c" },
      { _id: 6, p: dec("10.00"), t: "c" },
    ],
  });
});
afterEach(() => s.close());

const ids = async (query: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<unknown[]> =>
  ((await s.call("find", { query, ...extra })) as { _id: unknown }[]).map((d) => d._id);

describe("query operators compare numbers of every BSON type by value", () => {
  test("$gt, $gte, $lt, $lte against a Decimal128, a double and an Int64", async () => {
    expect(await ids({ p: { $gt: dec("10") } })).toEqual([2, 3, 5]);
    expect(await ids({ p: { $gte: 10 } })).toEqual([2, 3, 5, 6]);
    expect(await ids({ p: { $lt: 10 } })).toEqual([1, 4]);
    expect(await ids({ p: { $lte: Long.fromInt(10) } })).toEqual([1, 4, 6]);
    expect(await ids({ p: { $gt: Long.fromString("9007199254740992") } })).toEqual([5]);
    expect(await ids({ p: { $gt: 9, $lt: 11 } })).toEqual([1, 2, 6]);
  });

  test("$eq, $ne, $in, $nin: 10, Int64 10 and Decimal128 10.00 are one value", async () => {
    expect(await ids({ p: 10 })).toEqual([6]);
    expect(await ids({ p: { $eq: dec("10.0") } })).toEqual([6]);
    expect(await ids({ p: { $ne: Long.fromInt(10) } })).toEqual([1, 2, 3, 4, 5]);
    expect(await ids({ p: { $in: [100, Long.fromInt(7)] } })).toEqual([3, 4]);
    expect(await ids({ p: { $nin: [dec("7"), dec("9.50")] } })).toEqual([2, 3, 5, 6]);
    expect(await ids({ p: { $in: [Long.fromString(BIG)] } })).toEqual([5]);
  });

  test("numbers inside arrays and documents", async () => {
    await s.call("insertMany", {
      documents: [
        { _id: 7, p: [dec("1"), dec("50")], sub: { n: dec("2") } },
        { _id: 8, p: [], sub: { n: 2 } },
      ],
    });
    expect(await ids({ p: { $gt: 20, $lt: 60 } })).toEqual([7]);
    expect(await ids({ p: 1 })).toEqual([7]);
    expect(await ids({ sub: { n: 2 } })).toEqual([7, 8]);
    expect(await ids({ "sub.n": { $gte: dec("2") } })).toEqual([7, 8]);
  });

  test("$all: each value by value, in an array field or as the whole array; [] matches nothing; regexes and $elemMatch as before", async () => {
    await s.call("insertMany", {
      documents: [
        { _id: 7, p: [dec("1"), dec("50")], tags: ["ssl", "security"] },
        { _id: 8, p: [1, 2], tags: ["ssl"] },
        { _id: 9, p: [[1, 50]], tags: [{ k: "a", n: 3 }] },
      ],
    });
    expect(await ids({ p: { $all: [1, Long.fromInt(50)] } })).toEqual([7]);
    expect(await ids({ p: { $all: [dec("1.0")] } })).toEqual([7, 8]);
    // the whole array equals [1, 50] by value (7), or holds it as an element (9)
    expect(await ids({ p: { $all: [[1, 50]] } })).toEqual([7, 9]);
    expect(await ids({ p: { $all: [] } })).toEqual([]);
    expect(await ids({ tags: { $all: ["ssl", "security"] } })).toEqual([7]);
    expect(await ids({ tags: { $all: [/^sec/] } })).toEqual([7]);
    expect(await ids({ tags: { $all: [{ $elemMatch: { k: "a", n: { $gt: 2 } } }] } })).toEqual([9]);
    // a field that is no array: a value equals it, a regular expression matches it
    await s.call("insertMany", { documents: [{ _id: 10, t: "security" }] });
    expect(await ids({ t: { $all: ["security", /^sec/] } })).toEqual([10]);
    expect(await ids({ t: { $all: [null] }, _id: { $gte: 9 } })).toEqual([9]);
    await expect(s.call("find", { query: { p: { $all: [{ $gt: 1 }] } } })).rejects.toThrow(/no \$ expressions in \$all/);
    await expect(s.call("find", { query: { tags: { $all: [{ $elemMatch: { k: "a" } }, 5] } } })).rejects.toThrow(/has to be consistent/);
  });

  test("other types keep their comparisons", async () => {
    expect(await ids({ t: { $gt: "a" } })).toEqual([3, 4, 5, 6]);
    expect(await ids({ t: { $in: ["c", 1] } })).toEqual([5, 6]);
    expect(await ids({ p: { $gt: "0" } })).toEqual([]);
  });

  test("$gte and $lte null match null and missing fields; $gt and $lt null match nothing", async () => {
    await s.call("insertOne", { document: { _id: 30, p: null } });
    expect(await ids({ p: { $gte: null } })).toEqual([30]);
    expect(await ids({ q: { $lte: null } })).toEqual([1, 2, 3, 4, 5, 6, 30]);
    expect(await ids({ p: { $gt: null } })).toEqual([]);
  });

  test("a Decimal128 in an $in list matches the plain double of exactly its value, not a nearby one", async () => {
    await s.call("insertMany", {
      documents: [
        { _id: 50, r: 9.5 },
        { _id: 51, r: 9.99 },
        { _id: 52, r: dec("9.99") },
      ],
    });
    expect(await ids({ r: { $in: [dec("9.50"), dec("9.99")] } })).toEqual([50, 52]);
    expect(await ids({ r: { $in: [9.99] } })).toEqual([51]);
  });

  test("a long $in list of numbers is matched by value", async () => {
    const list = Array.from({ length: 5000 }, (_, i) => i + 0.25);
    expect(await ids({ p: { $in: [...list, dec("10.5"), Long.fromInt(100)] } })).toEqual([2, 3]);
  });

  test("$in keeps its semantics: null matches missing, regexes match strings, dates, ObjectIds, documents by value", async () => {
    const oid = new ObjectId();
    await s.call("insertMany", {
      documents: [
        { _id: 40, w: new Date(5), o: oid, d: { x: dec("1") }, tags: ["red", "blue"] },
        { _id: 41, w: new Date(6), o: new ObjectId(), d: { x: 2 }, tags: "green" },
      ],
    });
    expect(await ids({ w: { $in: [new Date(5)] } })).toEqual([40]);
    expect(await ids({ o: { $in: [new ObjectId(oid.toHexString())] } })).toEqual([40]);
    expect(await ids({ d: { $in: [{ x: 1 }, { x: 3 }] } })).toEqual([40]);
    expect(await ids({ tags: { $in: [/^gr/, "blue"] } })).toEqual([40, 41]);
    expect(await ids({ w: { $in: [null] } })).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await ids({ w: { $nin: [null, new Date(6)] } })).toEqual([40]);
  });

  test("an array field is in a list that holds it as a whole, or one of its elements", async () => {
    await s.call("insertMany", {
      documents: [
        { _id: 42, a: [5, 6] },
        { _id: 43, a: [[5, 6]] },
        { _id: 44, a: [6, 5] },
        { _id: 45, a: 5 },
      ],
    });
    expect(await ids({ a: { $in: [[5, 6]] } })).toEqual([42, 43]);
    expect(await ids({ a: { $in: [[Long.fromInt(6), dec("5.0")], 7] } })).toEqual([44]);
    expect(await ids({ a: { $nin: [[5, 6], 5] } })).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test("$in and $nin need an array", async () => {
    await expect(s.call("find", { query: { p: { $in: 5 } } })).rejects.toMatchObject({
      errorCode: "MongoDBError",
      message: "$in needs an array",
    });
    await expect(s.call("find", { query: { p: { $nin: {} } } })).rejects.toMatchObject({ message: "$nin needs an array" });
  });
});

describe("$type knows every BSON type", () => {
  test("decimal, long, number, objectId, timestamp, and arrays by their elements", async () => {
    await s.call("insertMany", {
      documents: [
        { _id: 9, p: new ObjectId(), q: [1, "x"] },
        { _id: 10, p: new Timestamp({ t: 1, i: 1 }), q: "y" },
      ],
    });
    expect(await ids({ p: { $type: "decimal" } })).toEqual([1, 2, 3, 6]);
    expect(await ids({ p: { $type: 19 } })).toEqual([1, 2, 3, 6]);
    expect(await ids({ p: { $type: "long" } })).toEqual([4, 5]);
    expect(await ids({ p: { $type: "number" } })).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await ids({ p: { $type: ["objectId", "timestamp"] } })).toEqual([9, 10]);
    expect(await ids({ q: { $type: "string" } })).toEqual([9, 10]);
    expect(await ids({ q: { $type: "array" } })).toEqual([9]);
    await s.call("insertMany", {
      documents: [
        { _id: 11, a: [{ b: 1 }, { b: 2 }] },
        { _id: 12, a: [{ b: [1] }] },
      ],
    });
    // through an array of documents, each element's field is a value of its own: [1] is an array holding a number
    expect(await ids({ "a.b": { $type: "array" } })).toEqual([12]);
    expect(await ids({ "a.b": { $type: "number" } })).toEqual([11, 12]);
  });
});

describe("sorts follow MongoDB's order", () => {
  test("find's sort, skip and limit over mixed number types", async () => {
    expect(await ids({}, { sort: { p: 1 } })).toEqual([4, 1, 6, 2, 3, 5]);
    expect(await ids({}, { sort: { p: -1 }, limit: 2 })).toEqual([5, 3]);
    expect(await ids({}, { sort: { t: -1, p: 1 }, skip: 1, limit: 3 })).toEqual([5, 4, 3]);
    await expect(s.call("find", { query: {}, sort: { p: "asc" } })).rejects.toMatchObject({ errorCode: "MongoDBError" });
  });

  test("the $sort stage; an array sorts by its smallest element ascending, its largest descending; [] before null", () => {
    const docs = [
      { _id: "a", v: [5, dec("1")] },
      { _id: "b", v: 3 },
      { _id: "c", v: [] },
      { _id: "d", v: null },
      { _id: "e" },
      { _id: "f", v: "text" },
    ];
    expect(sortDocs(docs, { v: 1 }).map((d) => d._id)).toEqual(["c", "d", "e", "a", "b", "f"]);
    expect(sortDocs(docs, { v: -1 }).map((d) => d._id)).toEqual(["f", "a", "b", "d", "e", "c"]);
  });

  test("aggregate $sort", async () => {
    const out = (await s.call("aggregate", { pipeline: [{ $sort: { p: -1 } }, { $project: { _id: 1 } }] })) as { _id: number }[];
    expect(out.map((d) => d._id)).toEqual([5, 3, 2, 6, 1, 4]);
  });
});

describe("aggregation over numbers of every BSON type", () => {
  const agg = async (pipeline: unknown[]) => (await s.call("aggregate", { pipeline })) as Record<string, unknown>[];

  test("$sum and $avg keep Decimal128 values (mingo left them out); $max and $min compare by value", async () => {
    const [row] = await agg([
      { $match: { _id: { $ne: 5 } } },
      { $group: { _id: null, total: { $sum: "$p" }, mean: { $avg: "$p" }, max: { $max: "$p" }, min: { $min: "$p" } } },
    ]);
    expect(String(row?.total)).toBe("137.00");
    expect(row?.total).toBeInstanceOf(Decimal128);
    expect(String(row?.mean)).toBe("27.4");
    expect(String(row?.max)).toBe("100");
    expect(row?.min).toBe(7);
  });

  test("$sum of Int64 values is exact past 2^53; of plain numbers, as before", async () => {
    const [row] = await agg([
      { $match: { _id: { $in: [4, 5] } } },
      { $group: { _id: null, total: { $sum: "$p" }, n: { $sum: 1 }, plain: { $sum: "$_id" } } },
    ]);
    expect(String(row?.total)).toBe("9007199254741000");
    expect(row?.n).toBe(2);
    expect(row?.plain).toBe(9);
  });

  test("$add, $subtract, $multiply, $divide and $toDecimal", async () => {
    const rows = await agg([
      { $match: { _id: { $in: [1, 4, 5] } } },
      {
        $project: {
          add: { $add: ["$p", dec("0.25"), 1] },
          sub: { $subtract: ["$p", Long.fromInt(1)] },
          mul: { $multiply: ["$p", 2] },
          div: { $divide: ["$p", dec("4")] },
          asDec: { $toDecimal: "$p" },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    const shown = rows.map((r) => [r._id, String(r.add), String(r.sub), String(r.mul), String(r.div), String(r.asDec)]);
    expect(shown).toEqual([
      [1, "10.75", "8.5", "19.0", "2.375", "9.5"],
      [4, "8.25", "6", "14", "1.75", "7"],
      [5, "9007199254740994.25", "9007199254740992", "18014398509481986", "2251799813685248.25", BIG],
    ]);
    expect(rows[0]?.add).toBeInstanceOf(Decimal128);
    expect(rows[2]?.mul).toBeInstanceOf(Long);
  });

  test("$round, $trunc, $abs, $ceil and $floor keep a Decimal128 a Decimal128; $round rounds half to even", async () => {
    await s.call("insertOne", { document: { _id: 20, p: dec("-2.345"), q: dec("2.355") } });
    const [row] = await agg([
      { $match: { _id: 20 } },
      {
        $project: {
          r: { $round: ["$p", 2] },
          r2: { $round: ["$q", 2] },
          t: { $trunc: ["$p", 1] },
          tens: { $round: [dec("1250"), -2] },
          a: { $abs: "$p" },
          c: { $ceil: "$p" },
          f: { $floor: "$p" },
          plain: { $round: [2.5, 0] },
        },
      },
    ]);
    expect(Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, String(v)]))).toEqual({
      _id: "20",
      r: "-2.34",
      r2: "2.36",
      t: "-2.3",
      tens: "1.2E+3", // quantized to the exponent 2, as MongoDB (bsonRounding.ts)
      a: "2.345",
      c: "-2",
      f: "-3",
      plain: "2",
    });
    expect(row?.r).toBeInstanceOf(Decimal128);
    await expect(agg([{ $project: { x: { $round: ["$p", 1.5] } } }])).rejects.toMatchObject({ errorCode: "MongoDBError" });
    await expect(agg([{ $project: { x: { $sqrt: "$p" } } }])).rejects.toMatchObject({ errorCode: "MongoDBError" });
  });

  test("$divide by a Decimal128 zero and $add of a string are MongoDBErrors", async () => {
    await expect(agg([{ $project: { x: { $divide: ["$p", dec("0")] } } }])).rejects.toMatchObject({
      errorCode: "MongoDBError",
      message: "can't $divide by zero",
    });
    await expect(agg([{ $project: { x: { $add: ["$p", "$t"] } } }])).rejects.toMatchObject({ errorCode: "MongoDBError" });
  });

  test("comparison expressions compare across types in MongoDB's order", async () => {
    const rows = await agg([
      { $match: { _id: { $in: [2, 4] } } },
      {
        $project: {
          gt: { $gt: ["$p", 10] },
          cmp: { $cmp: ["$t", "$p"] },
          eq: { $eq: ["$p", Long.fromInt(7)] },
          miss: { $eq: ["$nope", null] },
          missCmp: { $cmp: ["$nope", null] },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    expect(rows).toEqual([
      { _id: 2, gt: true, cmp: 1, eq: false, miss: false, missCmp: -1 },
      { _id: 4, gt: false, cmp: 1, eq: true, miss: false, missCmp: -1 },
    ]);
  });
});
