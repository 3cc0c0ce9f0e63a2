/** The argument objects of the MongoDB client (protocol reference §5) and its argument checks. */
import { describe, expect, it } from "vitest";
import { EJSON, ObjectId } from "bson";
import { createMongoClient } from "./mongo.js";
import type { RuntimeCall } from "./watch.js";
import { fakeWatchRuntime } from "../test/watch-runtime.js";

function recorder(result: unknown = null) {
  const calls: { fn: string; args: unknown; service: string }[] = [];
  const call = async (fn: string, argsEJSON: string, service: string): Promise<string> => {
    calls.push({ fn, args: JSON.parse(argsEJSON), service });
    return EJSON.stringify(result, { relaxed: false });
  };
  const noWatch: RuntimeCall = () => Promise.reject(new Error("no watch here"));
  const coll = createMongoClient(call, noWatch, "u1", "mongodb-atlas").db("d").collection<Record<string, unknown>>("c");
  return { calls, coll };
}

describe("MongoDBCollection", () => {
  it("sends realm-web's names and argument objects", async () => {
    const { calls, coll } = recorder();
    const id = new ObjectId();
    await coll.find({ a: 1 }, { projection: { a: 1 }, sort: { a: -1 }, limit: 2 });
    await coll.findOne(undefined, { projection: { b: 1 } });
    await coll.findOneAndUpdate({ _id: id }, { $set: { a: 2 } }, { returnNewDocument: true, projection: { a: 1 } });
    await coll.findOneAndReplace({ a: 1 }, { a: 3 });
    await coll.findOneAndDelete({ a: 3 });
    await coll.count({}, { limit: 5 });
    await coll.updateOne({ a: 1 }, { $inc: { a: 1 } }, { upsert: true });
    await coll.deleteMany();
    expect(calls.map((c) => c.fn)).toEqual([
      "find",
      "findOne",
      "findOneAndUpdate",
      "findOneAndReplace",
      "findOneAndDelete",
      "count",
      "updateOne",
      "deleteMany",
    ]);
    expect(calls.every((c) => c.service === "mongodb-atlas")).toBe(true);
    expect(calls[0]!.args).toEqual([
      {
        database: "d",
        collection: "c",
        query: { a: { $numberInt: "1" } },
        project: { a: { $numberInt: "1" } },
        sort: { a: { $numberInt: "-1" } },
        limit: { $numberInt: "2" },
      },
    ]);
    expect(calls[1]!.args).toEqual([{ database: "d", collection: "c", query: {}, project: { b: { $numberInt: "1" } } }]);
    expect(calls[2]!.args).toEqual([
      {
        database: "d",
        collection: "c",
        filter: { _id: { $oid: id.toHexString() } },
        update: { $set: { a: { $numberInt: "2" } } },
        returnNewDocument: true,
        projection: { a: { $numberInt: "1" } },
      },
    ]);
    expect(calls[3]!.args).toEqual([
      { database: "d", collection: "c", filter: { a: { $numberInt: "1" } }, update: { a: { $numberInt: "3" } } },
    ]);
    expect(calls[4]!.args).toEqual([{ database: "d", collection: "c", filter: { a: { $numberInt: "3" } } }]);
    expect(calls[6]!.args).toEqual([
      { database: "d", collection: "c", query: { a: { $numberInt: "1" } }, update: { $inc: { a: { $numberInt: "1" } } }, upsert: true },
    ]);
  });

  it("sends undefined as realm-web does: unset options left out, an undefined value in a filter or document as null", async () => {
    const { calls, coll } = recorder();
    const owner: string | undefined = undefined;
    await coll.deleteMany({ owner, done: true });
    await coll.find({ tags: [undefined] }, { projection: undefined, sort: undefined });
    await coll.insertOne({ text: "x", note: undefined });
    await coll.updateOne({ _id: 1 }, { $set: { note: undefined } }, { upsert: undefined });
    expect(calls.map((c) => c.args)).toEqual([
      [{ database: "d", collection: "c", query: { owner: null, done: true } }],
      [{ database: "d", collection: "c", query: { tags: [null] } }],
      [{ database: "d", collection: "c", document: { text: "x", note: null } }],
      [{ database: "d", collection: "c", query: { _id: { $numberInt: "1" } }, update: { $set: { note: null } } }],
    ]);
  });

  it("binds db() and collection(), as realm-web does: destructured, they still work", async () => {
    const calls: string[] = [];
    const noWatch: RuntimeCall = () => Promise.reject(new Error("no watch here"));
    const { db } = createMongoClient(
      async (fn, _args, service) => {
        calls.push(`${service}:${fn}`);
        return "[]";
      },
      noWatch,
      "u1",
      "mongodb-atlas",
    );
    const { collection } = db("d");
    const c = collection<Record<string, unknown>>("c");
    expect([c.databaseName, c.name]).toEqual(["d", "c"]);
    expect(await c.find()).toEqual([]);
    expect(calls).toEqual(["mongodb-atlas:find"]);
  });

  it("takes a missing filter of findOneAndUpdate and findOneAndReplace as {}, as realm-web does", async () => {
    const { calls, coll } = recorder();
    await coll.findOneAndUpdate(undefined as never, { $set: { a: 1 } });
    await coll.findOneAndReplace(undefined as never, { a: 1 });
    expect(calls.map((c) => (c.args as { filter: unknown }[])[0]!.filter)).toEqual([{}, {}]);
  });

  it("sends only the options realm-web sends for findOneAndUpdate and findOneAndReplace", async () => {
    const { calls, coll } = recorder();
    const options = { upsert: true, sort: { a: 1 }, returnNewDocument: false, projection: { a: 1 }, session: "x", maxTimeMS: 5 };
    await coll.findOneAndUpdate({}, { $set: { a: 1 } }, options);
    await coll.findOneAndReplace({}, { a: 1 }, options);
    for (const call of calls) {
      expect(Object.keys((call.args as Record<string, unknown>[])[0]!).sort()).toEqual(
        ["collection", "database", "filter", "projection", "returnNewDocument", "sort", "update", "upsert"].sort(),
      );
    }
  });

  it("decodes results with BSON types intact", async () => {
    const id = new ObjectId();
    const when = new Date(1_700_000_000_000);
    const { coll } = recorder([{ _id: id, when, n: 1 }]);
    const [doc] = await coll.find();
    expect(doc?._id).toBeInstanceOf(ObjectId);
    expect((doc?._id as ObjectId).equals(id)).toBe(true);
    expect(doc?.when).toEqual(when);
    expect(doc?.n).toBe(1);
  });

  it("rejects bad arguments with invalid-argument and sends nothing", async () => {
    const { calls, coll } = recorder();
    await expect(coll.find("x" as never)).rejects.toMatchObject({ code: "invalid-argument" });
    await expect(coll.insertOne(null as never)).rejects.toMatchObject({ code: "invalid-argument" });
    await expect(coll.insertMany([1] as never)).rejects.toMatchObject({ code: "invalid-argument" });
    await expect(coll.aggregate({} as never)).rejects.toMatchObject({ code: "invalid-argument" });
    // options that are not an object (realm-web fails on null with a TypeError), and a pipeline update with a stage that is not one
    await expect(coll.find({}, null as never)).rejects.toMatchObject({ code: "invalid-argument" });
    await expect(coll.findOneAndUpdate({}, { $set: { a: 1 } }, null as never)).rejects.toMatchObject({ code: "invalid-argument" });
    await expect(coll.updateMany({}, { $set: { a: 1 } }, 3 as never)).rejects.toMatchObject({ code: "invalid-argument" });
    await expect(coll.count({}, null as never)).rejects.toMatchObject({ code: "invalid-argument" });
    await expect(coll.updateOne({}, ["x"] as never)).rejects.toMatchObject({ code: "invalid-argument" });
    expect(() => coll.watch({ ids: "x" } as never)).toThrow(expect.objectContaining({ code: "invalid-argument" }));
    expect(() =>
      createMongoClient(
        async () => "null",
        () => Promise.reject(new Error()),
        "u",
        "",
      ).db("d"),
    ).toThrow(expect.objectContaining({ code: "invalid-argument" }));
    expect(() =>
      createMongoClient(
        async () => "null",
        () => Promise.reject(new Error()),
        "u",
        "s",
      )
        .db("d")
        .collection(""),
    ).toThrow(expect.objectContaining({ code: "invalid-argument" }));
    expect(calls).toEqual([]);
  });
});

describe("collection.watch()", () => {
  it("return() while a next() waits for an event ends the watch at once and unwatches", async () => {
    const { call: watchCall, ports, unwatched } = fakeWatchRuntime();
    const noCall = async (): Promise<string> => "null";
    const coll = createMongoClient(noCall, watchCall, "u1", "mongodb-atlas").db("d").collection<Record<string, unknown>>("c");
    const it = coll.watch();
    const pending = it.next(); // no event ever arrives
    await expect.poll(() => ports.length).toBe(1);
    await expect(it.return(undefined)).resolves.toEqual({ value: undefined, done: true });
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    await expect.poll(() => unwatched).toEqual(["w1"]);
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it("return() before the first next() starts nothing", async () => {
    const { call: watchCall, ports } = fakeWatchRuntime();
    const coll = createMongoClient(async () => "null", watchCall, "u1", "mongodb-atlas")
      .db("d")
      .collection<Record<string, unknown>>("c");
    const it = coll.watch();
    await it.return(undefined);
    expect(await it.next()).toEqual({ value: undefined, done: true });
    expect(ports).toHaveLength(0);
  });
});
