/**
 * Conformance: the unmodified realm-web 2.0.1 drives the MongoDB service of a real server
 * (startServer on 127.0.0.1:0): every collection method, BSON round trips, watch, errors.
 */
import * as Realm from "realm-web";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { startServer, type RunningServer } from "../../src/index.js";
import { realmWebError as rejection } from "./realmWebError.js";

const ADMIN = "conformance-admin-token";
type Doc = Record<string, unknown>;
interface Item {
  _id: unknown;
  [field: string]: unknown;
}
type Collection = ReturnType<typeof collectionOf>;
type Stream = ReturnType<Collection["watch"]>;
type Event = Stream extends AsyncGenerator<infer E> ? E : never;

function collectionOf(u: Realm.User, name: string) {
  return u.mongoClient("mongodb-atlas").db("conf").collection<Item>(name);
}

let server: RunningServer;
let user: Realm.User;
let items: Collection;
let teams: Collection;

async function openStreams(): Promise<number> {
  const res = await fetch(`${server.url}/admin/v1/counters`, {
    headers: { authorization: `Bearer ${ADMIN}` },
    signal: AbortSignal.timeout(5000),
  });
  return ((await res.json()) as { openStreams: number }).openStreams;
}

/** Waits (polling the admin counters, 5 s deadline) until `n` watch streams are open on the server. */
async function streamsOpen(n: number): Promise<void> {
  await expect.poll(openStreams, { timeout: 5000, interval: 20, message: `${n} open watch streams` }).toBe(n);
}

/** Takes `n` events from a realm-web watch stream (5 s deadline), then closes it. */
async function take(stream: Stream, n: number): Promise<Event[]> {
  const out: Event[] = [];
  const timer = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`timed out after ${out.length}/${n} events`)), 5000).unref(),
  );
  try {
    while (out.length < n) {
      const next = await Promise.race([stream.next(), timer]);
      if (next.done) break;
      out.push(next.value);
    }
  } finally {
    void stream.return(undefined);
  }
  return out;
}

beforeAll(async () => {
  server = await startServer({
    inMemory: true,
    adminToken: ADMIN,
    functionsDir: "demo/app/functions",
    allowAllData: true,
    onWarning: () => undefined,
  });
  const app = new Realm.App({ id: server.config.appId, baseUrl: server.url });
  user = await app.logIn(Realm.Credentials.anonymous());
  items = collectionOf(user, "items");
  teams = collectionOf(user, "teams");
});

afterAll(async () => {
  await server?.close();
});

beforeEach(async () => {
  await items.deleteMany({});
  await teams.deleteMany({});
  await items.insertMany([
    { _id: 1, name: "ann", age: 31, team: "red", grades: [80, 95, 70] },
    { _id: 2, name: "bob", age: 25, team: "blue", grades: [60] },
    { _id: 3, name: "cid", age: 40, team: "red", grades: [] },
  ]);
  await teams.insertMany([
    { _id: "red", label: "Red" },
    { _id: "blue", label: "Blue" },
  ]);
});

describe("realm-web collection methods", () => {
  test("find with projection, sort and limit; findOne; count with limit", async () => {
    expect(await items.find({ age: { $gte: 30 } }, { projection: { name: 1 }, sort: { age: -1 } })).toEqual([
      { _id: 3, name: "cid" },
      { _id: 1, name: "ann" },
    ]);
    expect(await items.find({}, { sort: { name: -1 }, limit: 1, projection: { _id: 0, name: 1 } })).toEqual([{ name: "cid" }]);
    expect(await items.findOne({ team: "red" }, { sort: { age: -1 }, projection: { _id: 1 } })).toEqual({ _id: 3 });
    expect(await items.findOne({ team: "green" })).toBeNull();
    expect(await items.count()).toBe(3);
    expect(await items.count({ team: "red" }, { limit: 1 })).toBe(1);
  });

  test("insertOne generates an ObjectId; insertMany returns ids", async () => {
    const { insertedId } = await items.insertOne({ name: "dee" });
    expect((insertedId as { _bsontype?: string })._bsontype).toMatch(/^ObjectI[dD]$/);
    expect(await items.insertMany([{ _id: 10 }, { _id: 11 }])).toEqual({ insertedIds: [10, 11] });
  });

  test("a duplicate _id is a MongoDBError; an ordered insertMany keeps the documents before it", async () => {
    const err = await rejection(items.insertMany([{ _id: 20 }, { _id: 1 }, { _id: 21 }]));
    expect([err.statusCode, err.errorCode]).toEqual([400, "MongoDBError"]);
    // realm-js's integration tests against App Services look for this text
    expect(err.error).toContain("Duplicate key error");
    expect(await items.count()).toBe(4);
    expect(await items.count({ _id: { $in: [20, 21] } })).toBe(1);
  });

  test("updateOne and updateMany: operators, positional, arrayFilters, replacement, upsert", async () => {
    expect(await items.updateOne({ _id: 1, grades: 70 }, { $set: { "grades.$": 75 } })).toEqual({ matchedCount: 1, modifiedCount: 1 });
    await items.updateOne({ _id: 1 }, { $inc: { "grades.$[g]": 1 } }, { arrayFilters: [{ g: { $gte: 90 } }] });
    expect(await items.findOne({ _id: 1 }, { projection: { grades: 1 } })).toEqual({ _id: 1, grades: [80, 96, 75] });
    expect(await items.updateMany({ team: "red" }, { $set: { senior: true } })).toEqual({ matchedCount: 2, modifiedCount: 2 });
    expect(await items.updateOne({ _id: 2 }, { name: "Alison" })).toEqual({ matchedCount: 1, modifiedCount: 1 });
    expect(await items.findOne({ _id: 2 })).toEqual({ _id: 2, name: "Alison" });
    expect(await items.updateOne({ _id: 9 }, { $set: { n: 1 }, $setOnInsert: { created: true } }, { upsert: true })).toEqual({
      matchedCount: 0,
      modifiedCount: 0,
      upsertedId: 9,
    });
    expect(await items.findOne({ _id: 9 })).toEqual({ _id: 9, n: 1, created: true });
  });

  test("updateMany with a replacement-style document, and its upsert, as realm-web's integration tests expect", async () => {
    expect(await items.updateMany({}, { hiddenField: "same secret" })).toEqual({ matchedCount: 3, modifiedCount: 3 });
    const upsert = await items.updateMany({ runId: 1, name: "Dennis" }, { runId: 1, name: "Dennis" }, { upsert: true });
    expect(upsert).toMatchObject({ matchedCount: 0, modifiedCount: 0 });
    expect(typeof upsert.upsertedId).toBe("object");
    expect(await items.count({ name: "Dennis" })).toBe(1);
  });

  test("findOneAndUpdate, findOneAndReplace, findOneAndDelete", async () => {
    expect(await items.findOneAndUpdate({ _id: 1 }, { $inc: { age: 1 } }, { projection: { age: 1 } })).toEqual({ _id: 1, age: 31 });
    expect(await items.findOneAndUpdate({ _id: 1 }, { $inc: { age: 1 } }, { projection: { age: 1 }, returnNewDocument: true })).toEqual({
      _id: 1,
      age: 33,
    });
    expect(await items.findOneAndUpdate({ _id: 7 }, { $set: { x: 1 } }, { upsert: true, returnNewDocument: true })).toEqual({
      _id: 7,
      x: 1,
    });
    expect(await items.findOneAndReplace({ _id: 2 }, { name: "bea" }, { returnNewDocument: true })).toEqual({ _id: 2, name: "bea" });
    // realm-web 2.0.1 sends findOneAndDelete as `findOneAndReplace` without `update`.
    expect(await items.findOneAndDelete({ team: "red" }, { sort: { age: -1 }, projection: { name: 1 } })).toEqual({ _id: 3, name: "cid" });
    expect(await items.count({ _id: 3 })).toBe(0);
  });

  test("deleteOne and deleteMany", async () => {
    expect(await items.deleteOne({ team: "red" })).toEqual({ deletedCount: 1 });
    expect(await items.find({}, { projection: { _id: 1 } })).toEqual([{ _id: 2 }, { _id: 3 }]);
    expect(await items.deleteMany({})).toEqual({ deletedCount: 2 });
  });

  test("aggregate with $group and $lookup", async () => {
    expect(await items.aggregate([{ $group: { _id: "$team", total: { $sum: "$age" } } }, { $sort: { _id: 1 } }])).toEqual([
      { _id: "blue", total: 25 },
      { _id: "red", total: 71 },
    ]);
    expect(
      await items.aggregate([
        { $match: { _id: 2 } },
        { $lookup: { from: "teams", localField: "team", foreignField: "_id", as: "t" } },
        { $project: { t: 1 } },
      ]),
    ).toEqual([{ _id: 2, t: [{ _id: "blue", label: "Blue" }] }]);
  });

  test("BSON types round-trip through the store", async () => {
    const oid = new Realm.BSON.ObjectId();
    const doc = {
      _id: oid,
      when: new Date(Date.UTC(2024, 5, 1, 12)),
      dec: Realm.BSON.Decimal128.fromString("12.345"),
      bin: new Realm.BSON.Binary(Buffer.from("hi"), 0),
      big: Realm.BSON.Long.fromString("9007199254740993"),
      dbl: 1.5,
      nested: { list: [1, "x", null] },
    };
    await items.insertOne(doc);
    const back = (await items.findOne({ _id: oid })) as unknown as Doc;
    expect(String(back._id)).toBe(oid.toHexString());
    expect(back.when).toEqual(doc.when);
    expect(String(back.dec)).toBe("12.345");
    expect(Buffer.from((back.bin as { buffer: Uint8Array }).buffer).toString()).toBe("hi");
    // A Long above 2^53 is stored exactly (the server reads canonical EJSON): a query for the exact
    // value finds it. realm-web itself decodes responses as relaxed EJSON (bson 4: Long -> number),
    // so what it reads back is rounded.
    expect(await items.count({ big: Realm.BSON.Long.fromString("9007199254740993") })).toBe(1);
    expect(await items.count({ big: Realm.BSON.Long.fromString("9007199254740992") })).toBe(0);
    expect(back.big).toBe(9007199254740992);
    expect(back.dbl).toBe(1.5);
    expect(back.nested).toEqual({ list: [1, "x", null] });
    expect(await items.count({ when: { $gt: new Date(Date.UTC(2024, 0, 1)) } })).toBe(1);
  });

  test("Decimal128 and Int64 values compare, sort and add up by value, as MongoDB", async () => {
    const D = (s: string) => Realm.BSON.Decimal128.fromString(s);
    await items.insertMany([
      { _id: "p1", price: D("9.50"), kind: "priced" },
      { _id: "p2", price: D("10.25"), kind: "priced" },
      { _id: "p3", price: 7, kind: "priced" },
      { _id: "p4", price: Realm.BSON.Long.fromString("12"), kind: "priced" },
    ]);
    const priced = { kind: "priced" };
    const idsOf = (docs: Item[]) => docs.map((d) => d._id);
    expect(idsOf(await items.find({ ...priced, price: { $gt: 9 } }, { sort: { price: 1 } }))).toEqual(["p1", "p2", "p4"]);
    expect(idsOf(await items.find({ ...priced, price: { $lt: D("10") } }, { sort: { price: -1 } }))).toEqual(["p1", "p3"]);
    expect(await items.count({ price: 7.0 })).toBe(1);
    expect(await items.count({ price: { $type: "decimal" } })).toBe(2);
    const [total] = (await items.aggregate([
      { $match: priced },
      { $group: { _id: null, sum: { $sum: "$price" }, max: { $max: "$price" } } },
    ])) as Doc[];
    expect(String(total?.sum)).toBe("38.75");
    expect(String(total?.max)).toBe("12");
  });

  test("bad queries and updates are 400 MongoDBError; the data is intact", async () => {
    expect((await rejection(items.find({ age: { $bogus: 1 } }))).errorCode).toBe("MongoDBError");
    expect((await rejection(items.updateOne({ _id: 1 }, { $set: { _id: 5 } }))).statusCode).toBe(400);
    expect((await rejection(items.aggregate([{ $nope: 1 }]))).statusCode).toBe(400);
    expect(await items.count()).toBe(3);
  });
});

describe("realm-web watch", () => {
  test("insert, update, replace and delete events arrive in order", async () => {
    const stream = items.watch();
    await streamsOpen(1);
    const done = take(stream, 4);
    await items.insertOne({ _id: 50, n: 1 });
    await items.updateOne({ _id: 50 }, { $inc: { n: 1 }, $set: { tag: "x" } });
    await items.updateOne({ _id: 50 }, { replaced: true });
    await items.deleteOne({ _id: 50 });
    const events = await done;
    expect(events.map((e) => e.operationType)).toEqual(["insert", "update", "replace", "delete"]);
    const [insert, update, replace, remove] = events as unknown as Doc[];
    expect(insert!.fullDocument).toEqual({ _id: 50, n: 1 });
    expect(update!.updateDescription).toEqual({ updatedFields: { n: 2, tag: "x" }, removedFields: [] });
    expect(replace!.fullDocument).toEqual({ _id: 50, replaced: true });
    expect(remove!.documentKey).toEqual({ _id: 50 });
    expect(insert!.ns).toEqual({ db: "conf", coll: "items" });
    // realm-web types clusterTime as a BSON Timestamp, as MongoDB sends it
    expect((insert!.clusterTime as { _bsontype?: string })._bsontype).toBe("Timestamp");
    expect(insert!.wallTime).toBeInstanceOf(Date);
    await streamsOpen(0);
  });

  test("watch with ids and with filter", async () => {
    const byId = items.watch({ ids: [61] });
    const byFilter = items.watch({ filter: { "fullDocument.n": { $gt: 1 } } });
    await streamsOpen(2);
    const idEvents = take(byId, 2);
    const filterEvents = take(byFilter, 2);
    await items.insertMany([
      { _id: 60, n: 1 },
      { _id: 61, n: 1 },
      { _id: 62, n: 5 },
    ]);
    await items.updateOne({ _id: 61 }, { $set: { n: 3 } });
    expect(
      (await idEvents).map((e) => `${e.operationType}:${String((e as unknown as { documentKey: { _id: unknown } }).documentKey._id)}`),
    ).toEqual(["insert:61", "update:61"]);
    expect(
      (await filterEvents).map((e) => `${e.operationType}:${String((e as unknown as { documentKey: { _id: unknown } }).documentKey._id)}`),
    ).toEqual(["insert:62", "update:61"]);
    await streamsOpen(0);
  });
});
