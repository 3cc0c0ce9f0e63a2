import Database from "better-sqlite3";
import { Binary, Decimal128, Double, Int32, Long, ObjectId, BSON } from "bson";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { ServerError } from "../contracts.js";
import { openService, SYSTEM } from "../../test/dataHelpers.js";

const dir = mkdtempSync(join(tmpdir(), "store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("persistence in SQLite", () => {
  test("exact BSON types survive closing and reopening the file", async () => {
    const file = join(dir, "types.sqlite");
    const oid = new ObjectId();
    const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    const doc = {
      _id: oid,
      when,
      dec: Decimal128.fromString("12.345"),
      big: Long.fromString("9007199254740993"),
      bin: new Binary(Buffer.from("hello"), 0),
      uuid: new Binary(Buffer.from("0123456789abcdef"), 4),
      int: 7,
      dbl: 1.5,
      nested: { arr: [1, "two", { three: 3 }], nil: null },
    };
    const first = openService(file);
    await first.call("insertOne", { document: doc });
    await first.close();

    const second = openService(file);
    const back = (await second.call("findOne", { query: { _id: oid } })) as Record<string, unknown>;
    await second.close();
    expect(back).toEqual(doc);
    expect((back._id as ObjectId)._bsontype).toBe("ObjectId");
    expect(back.when).toBeInstanceOf(Date);
    expect((back.dec as Decimal128)._bsontype).toBe("Decimal128");
    expect((back.big as Long)._bsontype).toBe("Long");
    expect((back.big as Long).toString()).toBe("9007199254740993");
    expect((back.bin as Binary).sub_type).toBe(0);
    expect((back.uuid as Binary).sub_type).toBe(4);
    // Int32 vs Double as they go out on the wire (canonical EJSON): 7 stays an int, 1.5 a double.
    const raw = BSON.deserialize(BSON.serialize(back), { promoteValues: false });
    expect(raw.int).toBeInstanceOf(Int32);
    expect(raw.dbl).toBeInstanceOf(Double);
  });

  test("Int32/Double wrappers from callers are stored as numbers, so operators work on them", async () => {
    const s = openService();
    await s.call("insertOne", { document: { _id: 1, n: new Int32(2), d: new Double(2.5) } });
    await s.call("updateOne", { query: { n: { $gt: 1 } }, update: { $inc: { n: new Int32(1) } } });
    expect(await s.call("findOne", { query: { _id: 1 } })).toEqual({ _id: 1, n: 3, d: 2.5 });
    await s.close();
  });

  test("updates, deletes and natural order persist", async () => {
    const file = join(dir, "order.sqlite");
    const a = openService(file);
    await a.call("insertMany", { documents: [{ _id: 3 }, { _id: 1 }, { _id: 2 }] });
    await a.call("updateOne", { query: { _id: 3 }, update: { replaced: true } });
    await a.call("deleteOne", { query: { _id: 1 } });
    await a.call("insertOne", { document: { _id: 0 } });
    await a.close();
    const b = openService(file);
    expect(await b.call("find", {})).toEqual([{ _id: 3, replaced: true }, { _id: 2 }, { _id: 0 }]);
    await b.close();
  });

  test("a failing SQLite write leaves memory and disk unchanged and emits no event", async () => {
    const file = join(dir, "atomic.sqlite");
    const s = openService(file);
    await s.call("insertOne", { document: { _id: 1, n: 1 } });
    s.db.exec(`CREATE TRIGGER refuse_bad BEFORE INSERT ON docs WHEN NEW.id LIKE '%"bad"%' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    const events: unknown[] = [];
    s.service.watch("mongodb-atlas", { database: "demo", collection: "items" }, (e) => events.push(e), SYSTEM);
    const err = await s.call("insertMany", { documents: [{ _id: "ok" }, { _id: "bad" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect([(err as ServerError).statusCode, (err as ServerError).errorCode]).toEqual([500, "InternalServerError"]);
    expect(await s.call("find", {})).toEqual([{ _id: 1, n: 1 }]);
    expect(events).toEqual([]);
    await s.close();
    const again = openService(file);
    expect(await again.call("find", {})).toEqual([{ _id: 1, n: 1 }]);
    await again.close();
  });

  test("the store only uses its own table", async () => {
    const db = new Database(":memory:");
    db.exec("CREATE TABLE users (id TEXT)");
    const s = openService(":memory:");
    await s.close();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()).toEqual([{ name: "users" }]);
    db.close();
  });
});
