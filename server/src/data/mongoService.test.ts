import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { serverError } from "../../test/rejection.js";
import { openService, SERVICE, SYSTEM } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;
beforeEach(async () => {
  s = openService();
  await s.call("insertMany", {
    documents: [
      { _id: 1, n: 1 },
      { _id: 2, n: 2 },
    ],
  });
});
afterEach(() => s.close());

describe("MongoDB service dispatch", () => {
  test("hasService knows the configured names only", () => {
    expect(s.service.hasService(SERVICE)).toBe(true);
    expect(s.service.hasService("mongo-db")).toBe(true);
    expect(s.service.hasService("other")).toBe(false);
  });

  test("an unknown method is FunctionNotFound 404; an unknown service is ServiceNotFound 404", async () => {
    const err = await serverError(s.service.call(SERVICE, "dropDatabase", [{ database: "demo" }], SYSTEM));
    expect([err.statusCode, err.errorCode, err.message]).toEqual([404, "FunctionNotFound", "function not found: 'dropDatabase'"]);
    expect((await serverError(s.service.call(SERVICE, "toString", [{}], SYSTEM))).errorCode).toBe("FunctionNotFound");
    expect((await serverError(s.service.call("nope", "find", [{ database: "d", collection: "c" }], SYSTEM))).errorCode).toBe(
      "ServiceNotFound",
    );
  });

  test("every bad argument is a 400 ServerError, and nothing is lost", async () => {
    const bad: [string, unknown[]][] = [
      ["find", []],
      ["find", [null]],
      ["find", ["str"]],
      ["find", [{ collection: "items" }]],
      ["find", [{ database: "demo" }]],
      ["find", [{ database: 1, collection: "items" }]],
      ["find", [{ database: "demo", collection: "items", query: [1] }]],
      ["find", [{ database: "demo", collection: "items", query: "x" }]],
      ["find", [{ database: "demo", collection: "items", limit: "2" }]],
      ["find", [{ database: "demo", collection: "items", query: { n: { $bogus: 1 } } }]],
      ["find", [{ database: "demo", collection: "items", project: { a: 1, b: 0 } }]],
      ["count", [{ database: "demo", collection: "items", limit: 1.5 }]],
      ["insertOne", [{ database: "demo", collection: "items" }]],
      ["insertOne", [{ database: "demo", collection: "items", document: [1, 2] }]],
      ["insertOne", [{ database: "demo", collection: "items", document: { _id: [1] } }]],
      ["insertMany", [{ database: "demo", collection: "items", documents: [] }]],
      ["insertMany", [{ database: "demo", collection: "items", documents: [{ a: 1 }, 5] }]],
      ["updateOne", [{ database: "demo", collection: "items", query: {} }]],
      ["updateOne", [{ database: "demo", collection: "items", query: {}, update: { $set: { n: 1 } }, upsert: "yes" }]],
      ["updateMany", [{ database: "demo", collection: "items", query: {}, update: { $nope: { n: 1 } } }]],
      ["updateOne", [{ database: "demo", collection: "items", query: {}, update: [{ $match: {} }] }]],
      ["deleteMany", [{ database: "demo", collection: "items", query: { $where: 5 } }]],
      ["aggregate", [{ database: "demo", collection: "items", pipeline: { $match: {} } }]],
      ["aggregate", [{ database: "demo", collection: "items", pipeline: [{ $group: { total: 1 } }] }]],
      ["findOneAndUpdate", [{ database: "demo", collection: "items", filter: {} }]],
    ];
    for (const [name, args] of bad) {
      const err = await serverError(s.service.call(SERVICE, name, args, SYSTEM));
      expect.soft([err.statusCode, name, JSON.stringify(args)]).toEqual([400, name, JSON.stringify(args)]);
      expect.soft(["MongoDBError", "InvalidParameter"]).toContain(err.errorCode);
    }
    expect(await s.call("find", {})).toEqual([
      { _id: 1, n: 1 },
      { _id: 2, n: 2 },
    ]);
  });

  test("the argument object is not mutated and results share nothing with it", async () => {
    const doc = { _id: 3, list: [1] };
    const arg = { database: "demo", collection: "items", document: doc };
    await s.service.call(SERVICE, "insertOne", [arg], SYSTEM);
    doc.list.push(2);
    expect(arg).toEqual({ database: "demo", collection: "items", document: { _id: 3, list: [1, 2] } });
    expect(await s.call("findOne", { query: { _id: 3 } })).toEqual({ _id: 3, list: [1] });
  });

  test("findOne helper for custom user data", async () => {
    expect(await s.service.findOne(SERVICE, "demo", "items", { n: 2 })).toEqual({ _id: 2, n: 2 });
    expect(await s.service.findOne(SERVICE, "demo", "items", { n: 9 })).toBeNull();
    expect((await serverError(s.service.findOne(SERVICE, "demo", "items", { n: { $x: 1 } }))).statusCode).toBe(400);
  });

  test("each data source has its own data, as two clusters have; a database name with $ is refused", async () => {
    const other = (name: string, arg: Record<string, unknown>) =>
      s.service.call("mongo-db", name, [{ database: "demo", collection: "items", ...arg }], SYSTEM);
    expect(await other("count", {})).toBe(0);
    const events: { ns: unknown }[] = [];
    s.service.watch("mongo-db", { database: "demo", collection: "items" }, (e) => events.push(e), SYSTEM);
    const dbEvents: { ns: unknown }[] = [];
    s.service.watchDatabase?.("mongo-db", "demo", (e) => dbEvents.push(e));
    await other("insertOne", { document: { _id: "o", n: 1 } });
    expect(await other("count", {})).toBe(1);
    expect(await s.service.call(SERVICE, "count", [{ database: "demo", collection: "items" }], SYSTEM)).toBe(2);
    expect(await s.service.findOne("mongo-db", "demo", "items", {})).toEqual({ _id: "o", n: 1 });
    // a stage that is not linear runs on a query thread, over the same data source's data
    expect(await other("aggregate", { pipeline: [{ $addFields: { t: { $add: ["$n", 1] } } }] })).toEqual([{ _id: "o", n: 1, t: 2 }]);
    await expect.poll(() => events.length).toBe(1);
    expect(events[0]?.ns).toEqual({ db: "demo", coll: "items" });
    expect(dbEvents[0]?.ns).toEqual({ db: "demo", coll: "items" });
    expect(await s.service.namespaces?.("mongo-db")).toEqual([{ database: "demo", collection: "items" }]);
    expect((await s.service.namespaces?.(SERVICE))?.map((n) => n.database)).not.toContain("demo$mongo-db");
    for (const service of [SERVICE, "mongo-db"]) {
      const err = await serverError(s.service.call(service, "count", [{ database: "demo$mongo-db", collection: "items" }], SYSTEM));
      expect(err).toMatchObject({ statusCode: 400, errorCode: "InvalidParameter" });
    }
    expect(() => s.service.watch(SERVICE, { database: "a$b", collection: "items" }, () => undefined, SYSTEM)).toThrow(/may not contain \$/);
  });

  test("after close, calls are refused and watchers stop", async () => {
    const events: unknown[] = [];
    s.service.watch(SERVICE, { database: "demo", collection: "items" }, (e) => events.push(e), SYSTEM);
    await s.service.close();
    expect((await serverError(s.call("find", {}))).statusCode).toBe(503);
    expect(events).toEqual([]);
  });

  test("reset deletes every document (also on disk) and ends subscriptions", async () => {
    const events: unknown[] = [];
    s.service.watch(SERVICE, { database: "demo", collection: "items" }, (e) => events.push(e), SYSTEM);
    await s.call("insertOne", { document: { _id: 9 } }, "other");
    s.service.reset();
    expect(await s.call("count", {})).toBe(0);
    expect(await s.call("count", {}, "other")).toBe(0);
    expect(s.db.prepare("SELECT COUNT(*) AS n FROM docs").get()).toEqual({ n: 0 });
    await s.call("insertOne", { document: { _id: 1 } });
    expect(await s.call("find", {})).toEqual([{ _id: 1 }]);
    expect(events).toEqual([]);
  });
});
