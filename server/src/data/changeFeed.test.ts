import { ObjectId, Timestamp } from "bson";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ServerError, type ChangeEvent } from "../contracts.js";
import { openService, SERVICE, SYSTEM } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;
beforeEach(() => {
  s = openService();
});
afterEach(() => s.close());

function collect(args: Record<string, unknown> = {}): { events: ChangeEvent[]; off: () => void } {
  const events: ChangeEvent[] = [];
  const off = s.service.watch(SERVICE, { database: "demo", collection: "items", ...args }, (e) => events.push(e), SYSTEM);
  return { events, off };
}

describe("change events", () => {
  test("insert, update, replace and delete, in commit order, with their fields", async () => {
    const { events } = collect();
    const id = new ObjectId();
    await s.call("insertOne", { document: { _id: id, n: 1, tags: ["a"], gone: true } });
    await s.call("updateOne", {
      query: { _id: id },
      update: { $inc: { n: 2 }, $push: { tags: "b" }, $unset: { gone: "" }, $set: { "sub.k": 1 } },
    });
    await s.call("updateOne", { query: { _id: id }, update: { fresh: true } });
    await s.call("deleteOne", { query: { _id: id } });
    expect(events.map((e) => e.operationType)).toEqual(["insert", "update", "replace", "delete"]);
    for (const e of events) {
      expect(e.ns).toEqual({ db: "demo", coll: "items" });
      expect((e.documentKey._id as ObjectId).equals(id)).toBe(true);
      expect(typeof e._id._data).toBe("string");
      expect(e.clusterTime).toBeInstanceOf(Timestamp);
      expect(e.wallTime).toBeInstanceOf(Date);
    }
    expect(new Set(events.map((e) => e._id._data)).size).toBe(4);
    const [ins, upd, rep, del] = events;
    expect(ins!.fullDocument).toEqual({ _id: id, n: 1, tags: ["a"], gone: true });
    const { updatedFields, removedFields } = upd!.updateDescription!;
    expect(updatedFields).toEqual({ n: 3, tags: ["a", "b"], "sub.k": 1 });
    expect(removedFields).toEqual(["gone"]);
    expect(upd!.fullDocument).toEqual({ _id: id, n: 3, tags: ["a", "b"], sub: { k: 1 } });
    expect(rep!.fullDocument).toEqual({ _id: id, fresh: true });
    expect(rep!.updateDescription).toBeUndefined();
    expect(del!.fullDocument).toBeUndefined();
  });

  test("insertMany and deleteMany give one event per document, in order; no event for a no-op", async () => {
    const { events } = collect();
    await s.call("insertMany", { documents: [{ _id: 1, v: 1 }, { _id: 2 }, { _id: 3 }] });
    await s.call("updateOne", { query: { _id: 1 }, update: { $set: { v: 1 } } });
    expect(await s.call("updateOne", { query: { _id: 1 }, update: { $set: { _id: 1 } } })).toEqual({ matchedCount: 1, modifiedCount: 0 });
    await s.call("deleteMany", {});
    expect(events.map((e) => `${e.operationType}:${String(e.documentKey._id)}`)).toEqual([
      "insert:1",
      "insert:2",
      "insert:3",
      "delete:1",
      "delete:2",
      "delete:3",
    ]);
  });

  test("an upsert is an insert event; a pipeline update describes changed top-level fields", async () => {
    const { events } = collect();
    await s.call("updateOne", { query: { _id: "u" }, update: { $set: { a: 1, b: 2 } }, upsert: true });
    await s.call("updateOne", { query: { _id: "u" }, update: [{ $set: { a: 5 } }, { $unset: "b" }] });
    expect(events[0]!.operationType).toBe("insert");
    expect(events[1]!.updateDescription).toEqual({ updatedFields: { a: 5 }, removedFields: ["b"] });
  });

  test("only the watched collection's events are delivered", async () => {
    const { events } = collect();
    await s.call("insertOne", { document: { _id: 1 } }, "other");
    await s.call("insertOne", { document: { _id: 2 } });
    expect(events.map((e) => e.documentKey._id)).toEqual([2]);
  });

  test("ids filters by documentKey._id, comparing exact BSON values", async () => {
    const oid = new ObjectId();
    const { events } = collect({ ids: [oid, 2] });
    await s.call("insertMany", { documents: [{ _id: oid.toHexString() }, { _id: oid }, { _id: 1 }, { _id: 2 }] });
    await s.call("deleteMany", {});
    expect(events.map((e) => `${e.operationType}:${String(e.documentKey._id)}`)).toEqual([
      `insert:${oid.toHexString()}`,
      "insert:2",
      `delete:${oid.toHexString()}`,
      "delete:2",
    ]);
    expect((events[0]!.documentKey._id as ObjectId)._bsontype).toBe("ObjectId");
  });

  test("filter is a query on the change event", async () => {
    const big = collect({ filter: { "fullDocument.n": { $gt: 1 } } });
    const ops = collect({ filter: { operationType: { $in: ["insert", "delete"] } } });
    await s.call("insertMany", {
      documents: [
        { _id: 1, n: 1 },
        { _id: 2, n: 2 },
      ],
    });
    await s.call("updateOne", { query: { _id: 1 }, update: { $set: { n: 5 } } });
    await s.call("deleteOne", { query: { _id: 2 } });
    // Filters are tested off the write path (on a query thread), so their events arrive a little later.
    await expect.poll(() => big.events.map((e) => `${e.operationType}:${String(e.documentKey._id)}`)).toEqual(["insert:2", "update:1"]);
    await expect
      .poll(() => ops.events.map((e) => `${e.operationType}:${String(e.documentKey._id)}`))
      .toEqual(["insert:1", "insert:2", "delete:2"]);
  });

  test("unsubscribe stops delivery", async () => {
    const { events, off } = collect();
    await s.call("insertOne", { document: { _id: 1 } });
    off();
    off();
    await s.call("insertOne", { document: { _id: 2 } });
    expect(events).toHaveLength(1);
  });

  test("a throwing listener breaks neither the store nor other listeners", async () => {
    s.service.watch(
      SERVICE,
      { database: "demo", collection: "items" },
      () => {
        throw new Error("listener bug");
      },
      SYSTEM,
    );
    const { events } = collect();
    await expect(s.call("insertOne", { document: { _id: 1 } })).resolves.toEqual({ insertedId: 1 });
    expect(events).toHaveLength(1);
    expect(await s.call("count", {})).toBe(1);
  });

  test("events are copies: a listener mutating one changes nothing stored", async () => {
    s.service.watch(
      SERVICE,
      { database: "demo", collection: "items" },
      (e) => {
        if (e.fullDocument) e.fullDocument.n = 999;
      },
      SYSTEM,
    );
    await s.call("insertOne", { document: { _id: 1, n: 1 } });
    expect(await s.call("findOne", {})).toEqual({ _id: 1, n: 1 });
  });

  test("bad watch arguments throw ServerError", () => {
    const bad: unknown[] = [
      { database: "", collection: "c" },
      { database: "d" },
      { database: "d", collection: "c", filter: [1] },
      { database: "d", collection: "c", ids: "x" },
      { database: "d", collection: "c", filter: { n: { $nope: 1 } } },
      null,
    ];
    for (const args of bad) {
      expect(() => s.service.watch(SERVICE, args as never, () => {}, SYSTEM)).toThrow(ServerError);
    }
    expect(() => s.service.watch("nope", { database: "d", collection: "c" }, () => {}, SYSTEM)).toThrow(ServerError);
  });
});
