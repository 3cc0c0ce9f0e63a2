import { Decimal128, Long, Timestamp } from "bson";
import { afterEach, beforeEach, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";

const dec = (s: string) => Decimal128.fromString(s);

let s: ReturnType<typeof openService>;
beforeEach(async () => {
  s = openService();
  await s.call("insertOne", { document: { _id: 1, price: dec("9.50"), big: Long.fromString("9007199254740993"), n: 4, arr: [dec("1")] } });
});
afterEach(() => s.close());

const update = (u: Record<string, unknown>) => s.call("updateOne", { query: { _id: 1 }, update: u });
const field = async (name: string): Promise<string> =>
  String(((await s.call("findOne", { query: { _id: 1 } })) as Record<string, unknown>)[name]);

test("$inc and $mul change a Decimal128 or a big Int64 (mingo left them unchanged and reported success)", async () => {
  expect(await update({ $inc: { price: 1 } })).toEqual({ matchedCount: 1, modifiedCount: 1 });
  expect(await field("price")).toBe("10.50");
  await update({ $inc: { price: dec("-0.25"), big: 1 } });
  expect([await field("price"), await field("big")]).toEqual(["10.25", "9007199254740994"]);
  await update({ $mul: { price: 2, n: dec("0.5") } });
  expect([await field("price"), await field("n")]).toEqual(["20.50", "2.0"]);
  expect(((await s.call("findOne", { query: { _id: 1 } })) as { n: unknown }).n).toBeInstanceOf(Decimal128);
});

test("missing fields: $inc sets the amount, $mul a zero of the amount's type", async () => {
  await update({ $inc: { a: dec("1.5") }, $mul: { b: dec("3"), c: Long.fromInt(2) } });
  const doc = (await s.call("findOne", { query: { _id: 1 } })) as Record<string, unknown>;
  expect([String(doc.a), String(doc.b), doc.c]).toEqual(["1.5", "0", 0]);
  expect(doc.b).toBeInstanceOf(Decimal128);
});

test("$min and $max compare by value across number types; an unchanged field is not modified", async () => {
  expect(await update({ $max: { price: 50 } })).toEqual({ matchedCount: 1, modifiedCount: 1 });
  expect(await field("price")).toBe("50");
  expect(await update({ $max: { price: dec("49.99") } })).toEqual({ matchedCount: 1, modifiedCount: 0 });
  expect(await update({ $min: { price: dec("7.25"), n: dec("4.00") } })).toEqual({ matchedCount: 1, modifiedCount: 1 });
  expect([await field("price"), await field("n")]).toEqual(["7.25", "4"]);
});

test("type checks and conflicts still answer MongoDB's errors; a positional $set still works", async () => {
  await s.call("updateOne", { query: { _id: 1 }, update: { $set: { t: "text" } } });
  await expect(update({ $inc: { t: dec("1") } })).rejects.toMatchObject({ errorCode: "MongoDBError" });
  await expect(update({ $set: { price: 1 }, $inc: { price: dec("1") } })).rejects.toMatchObject({ errorCode: "MongoDBError" });
  expect(await field("price")).toBe("9.50");
  await s.call("updateOne", { query: { _id: 1, arr: 1 }, update: { $set: { "arr.$": 2 } } });
  expect(await field("arr")).toBe("2");
});

test("$inc on a Timestamp is refused, as on any value that is not a number", async () => {
  await s.call("updateOne", { query: { _id: 1 }, update: { $set: { ts: new Timestamp({ t: 1, i: 1 }) } } });
  await expect(update({ $inc: { ts: 1 } })).rejects.toMatchObject({
    errorCode: "MongoDBError",
    message: expect.stringMatching(/non-numeric type timestamp/),
  });
});

test("array indexes in a path are followed; a conflicting update answers MongoDB's conflict error", async () => {
  await s.call("updateOne", { query: { _id: 1 }, update: { $set: { items: [{ price: dec("1.50") }], a: { b: dec("5") } } } });
  await update({ $inc: { "items.0.price": 1 } });
  expect(String(((await s.call("findOne", { query: { _id: 1 } })) as { items: { price: unknown }[] }).items[0]?.price)).toBe("2.50");
  await expect(update({ $unset: { a: "" }, $max: { a: dec("1") } })).rejects.toMatchObject({ errorCode: "MongoDBError" });
  await expect(update({ $set: { a: { b: 1 } }, $max: { "a.b": dec("1") } })).rejects.toMatchObject({ errorCode: "MongoDBError" });
  expect(await field("a")).toBe("[object Object]");
  expect(String(((await s.call("findOne", { query: { _id: 1 } })) as { a: { b: unknown } }).a.b)).toBe("5");
});

test("$addToSet adds only values no element equals by value, when an Int64 or a Decimal128 takes part", async () => {
  expect(await update({ $addToSet: { arr: 1 } })).toEqual({ matchedCount: 1, modifiedCount: 0 });
  await update({ $addToSet: { arr: { $each: [Long.fromString("9007199254740993"), dec("1.0"), 2, 2] }, fresh: { $each: [dec("3"), 3] } } });
  const doc = (await s.call("findOne", { query: { _id: 1 } })) as { arr: unknown[]; fresh: unknown[] };
  expect(doc.arr.map(String)).toEqual(["1", "9007199254740993", "2"]);
  expect(doc.fresh.map(String)).toEqual(["3"]);
  expect(doc.fresh[0]).toBeInstanceOf(Decimal128);
  // plain values stay mingo's
  await update({ $addToSet: { tags: { $each: ["a", "b", "a"] } } });
  expect(await field("tags")).toBe("a,b");
});

test("$inc, $mul and $max through $[] and $[id] change Decimal128 and Int64 values in each element they name", async () => {
  await s.call("insertOne", { document: { _id: 2, items: [{ k: 1, p: dec("9.50") }, { k: 2, p: dec("1.00") }, { k: 3 }] } });
  const items = async () =>
    ((await s.call("findOne", { query: { _id: 2 } })) as { items: { p?: unknown }[] }).items.map((i) => String(i.p));
  expect(await s.call("updateOne", { query: { _id: 2 }, update: { $inc: { "items.$[].p": 1 } } })).toEqual({
    matchedCount: 1,
    modifiedCount: 1,
  });
  expect(await items()).toEqual(["10.50", "2.00", "1"]);
  await s.call("updateOne", {
    query: { _id: 2 },
    update: { $mul: { "items.$[e].p": Long.fromInt(2) } },
    arrayFilters: [{ "e.k": { $gte: 2 } }],
  });
  expect(await items()).toEqual(["10.50", "4.00", "2"]);
  expect(
    await s.call("updateOne", {
      query: { _id: 2 },
      update: { $max: { "items.$[e].p": dec("3") } },
      arrayFilters: [{ "e.k": { $in: [2, 3] } }],
    }),
  ).toEqual({
    matchedCount: 1,
    modifiedCount: 1,
  });
  expect(await items()).toEqual(["10.50", "4.00", "3"]);
});
