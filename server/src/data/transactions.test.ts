import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import type { Caller, ChangeEvent } from "../contracts.js";
import type { CollectionRegistry } from "./collection.js";
import { TransactionCoordinator } from "./transactions.js";
import { openService, SERVICE, SYSTEM } from "../../test/dataHelpers.js";

type Service = ReturnType<typeof openService>;
let opened: Service[] = [];
let dirs: string[] = [];

function open(lifetimeMs = 10_000, file = ":memory:"): Service {
  const s = openService(file, undefined, { transactionLifetimeMs: lifetimeMs });
  opened.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(opened.map((s) => s.close()));
  opened = [];
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

/** A service on a database file in a new folder (removed after the test). */
async function openOnDisk(): Promise<{ s: Service; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), "rt-txn-"));
  dirs.push(dir);
  const file = join(dir, "data.sqlite");
  return { s: open(10_000, file), file };
}

const inTxn = (transaction: string): Caller => ({ ...SYSTEM, transaction });
/** A call on demo.<coll>, as the system, in `transaction` if given. */
function op(s: Service, name: string, arg: Record<string, unknown>, transaction?: string, coll = "items"): Promise<unknown> {
  return s.service.call(
    SERVICE,
    name,
    [{ database: "demo", collection: coll, ...arg }],
    transaction === undefined ? SYSTEM : inTxn(transaction),
  );
}
const names = async (s: Service, coll = "items"): Promise<unknown[]> =>
  ((await op(s, "find", { query: {}, sort: { _id: 1 } }, undefined, coll)) as { _id: unknown }[]).map((d) => d._id);
/** Settles on the next turns of the event loop (a waiting call must still be waiting after them). */
const turns = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("transactions", () => {
  test("nobody sees a transaction's writes before its commit; then everyone sees all of them", async () => {
    const s = open();
    await op(s, "insertMany", {
      documents: [
        { _id: "ann", points: 42 },
        { _id: "bob", points: 144 },
      ],
    });
    await op(s, "updateOne", { query: { _id: "bob" }, update: { $inc: { points: -5 } } }, "t1");
    // the transaction reads its own writes
    expect(await op(s, "findOne", { query: { _id: "bob" } }, "t1")).toEqual({ _id: "bob", points: 139 });
    let seen: unknown;
    const outside = op(s, "find", { query: {}, sort: { _id: 1 } }).then((docs) => (seen = docs));
    await op(s, "updateOne", { query: { _id: "ann" }, update: { $inc: { points: 5 } } }, "t1");
    await op(s, "insertOne", { document: { _id: "trade", points: 5 } }, "t1", "trades");
    await turns();
    expect(seen).toBeUndefined(); // it waits for the transaction
    await s.service.transaction?.("commit", "t1");
    await outside;
    expect(seen).toEqual([
      { _id: "ann", points: 47 },
      { _id: "bob", points: 139 },
    ]);
    expect(await names(s, "trades")).toEqual(["trade"]);
  });

  test("an abort leaves nothing, in memory, on the query threads or on disk, and keeps the natural order", async () => {
    const { s, file } = await openOnDisk();
    await op(s, "insertMany", { documents: [{ _id: 1 }, { _id: 2 }, { _id: 3 }] });
    await op(s, "deleteOne", { query: { _id: 1 } }, "t2");
    await op(s, "insertOne", { document: { _id: 4 } }, "t2");
    // a pipeline update and an $expr query run on a query thread, whose replica gets the transaction's writes
    await op(s, "updateMany", { query: {}, update: [{ $set: { x: 1 } }] }, "t2");
    expect(await op(s, "count", { query: { $expr: { $eq: ["$x", 1] } } }, "t2")).toBe(3);
    await s.service.transaction?.("abort", "t2");
    const natural = (await op(s, "find", { query: {} })) as { _id: number }[];
    expect(natural).toEqual([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    // ...and drops them at the abort
    expect(await op(s, "count", { query: { $expr: { $eq: ["$x", 1] } } })).toBe(0);
    expect(await op(s, "count", { query: { $expr: { $gte: ["$_id", 1] } } })).toBe(3);
    // a later operation of the aborted transaction, and its commit, fail
    await expect(op(s, "insertOne", { document: { _id: 9 } }, "t2")).rejects.toThrow(/NoSuchTransaction: the transaction was aborted/);
    await expect(s.service.transaction?.("commit", "t2")).rejects.toThrow(/NoSuchTransaction/);
    await s.close();
    opened = [];
    const reopened = open(10_000, file);
    expect(await names(reopened)).toEqual([1, 2, 3]);
  });

  test("the disk has none of an uncommitted transaction, and all of a committed one", async () => {
    const { s } = await openOnDisk();
    await op(s, "insertOne", { document: { _id: "a" } }, "t3");
    await op(s, "insertOne", { document: { _id: "b" } }, "t3", "other");
    const rows = () => s.db.prepare("SELECT coll, id FROM docs ORDER BY coll, id").all();
    expect(rows()).toEqual([]); // a crash now would leave nothing
    await s.service.transaction?.("commit", "t3");
    expect(rows()).toEqual([
      { coll: "items", id: '{"k":"a"}' },
      { coll: "other", id: '{"k":"b"}' },
    ]);
    // committing again is a no-op; operations of a committed transaction fail
    await s.service.transaction?.("commit", "t3");
    await expect(op(s, "find", { query: {} }, "t3")).rejects.toThrow(/has been committed/);
  });

  test("change events of a transaction come at its commit, in order; none for an abort", async () => {
    const s = open();
    const events: ChangeEvent[] = [];
    s.service.watch(SERVICE, { database: "demo", collection: "items" }, (e) => events.push(e), SYSTEM);
    await op(s, "insertOne", { document: { _id: 1 } }, "t4");
    await op(s, "updateOne", { query: { _id: 1 }, update: { $set: { v: 2 } } }, "t4");
    await turns();
    expect(events).toEqual([]);
    await s.service.transaction?.("commit", "t4");
    expect(events.map((e) => e.operationType)).toEqual(["insert", "update"]);
    await op(s, "deleteOne", { query: { _id: 1 } }, "t5");
    await s.service.transaction?.("abort", "t5");
    await turns();
    expect(events).toHaveLength(2);
    expect(await names(s)).toEqual([1]);
  });

  test("a failed operation aborts its transaction, as in MongoDB", async () => {
    const s = open();
    await op(s, "insertOne", { document: { _id: 1 } });
    await op(s, "insertOne", { document: { _id: 2 } }, "t6");
    await expect(op(s, "insertOne", { document: { _id: 1 } }, "t6")).rejects.toThrow(/duplicate key/);
    await expect(s.service.transaction?.("commit", "t6")).rejects.toThrow(/an operation failed: .*duplicate key/);
    expect(await names(s)).toEqual([1]);
  });

  test("a transaction left open is aborted at the end of its lifetime, and what waited goes on", async () => {
    const s = open(300);
    await op(s, "insertOne", { document: { _id: "left" } }, "t7");
    const started = Date.now();
    expect(await names(s)).toEqual([]); // waited for the abort
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    await expect(op(s, "find", { query: {} }, "t7")).rejects.toThrow(/exceeded its time limit of 300 ms/);
  });

  test("a transaction starts once the calls in progress have ended; two transactions run one after the other", async () => {
    const s = open();
    await op(s, "insertOne", { document: { _id: "n", v: 0 } });
    // two transactions each read v and write v + 1: serializable, so v ends at 2
    const bump = async (t: string): Promise<void> => {
      const doc = (await op(s, "findOne", { query: { _id: "n" } }, t)) as { v: number };
      await turns();
      await op(s, "updateOne", { query: { _id: "n" }, update: { $set: { v: doc.v + 1 } } }, t);
      await s.service.transaction?.("commit", t);
    };
    await Promise.all([bump("t8"), bump("t9"), op(s, "updateOne", { query: { _id: "n" }, update: { $set: { w: 1 } } })]);
    expect(await op(s, "findOne", { query: { _id: "n" } })).toEqual({ _id: "n", v: 2, w: 1 });
  });

  test("a transaction ended before its first operation started never starts: its waiting operations fail", async () => {
    const s = open();
    await op(s, "insertOne", { document: { _id: "held" } }, "holder");
    const waiting = op(s, "insertOne", { document: { _id: "late" } }, "queued");
    const outcome = waiting.then(
      () => "ran",
      (e: Error) => e.message,
    );
    await s.service.transaction?.("abort", "queued");
    expect(await outcome).toMatch(/NoSuchTransaction: the transaction was aborted: abortTransaction was called/);
    await s.service.transaction?.("commit", "holder");
    expect(await names(s)).toEqual(["held"]); // and the store is free
  });

  test("a transaction that waited its lifetime to start does not start", async () => {
    const s = open(300);
    await op(s, "insertOne", { document: { _id: "t" } }, "first");
    const second = op(s, "insertOne", { document: { _id: "u" } }, "second");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const third = op(s, "insertOne", { document: { _id: "v" } }, "third").then(
      () => "ran",
      (e: Error) => e.message,
    );
    // "first" is aborted at 300 ms, then "second" holds the store until 600 ms: "third" gives up at 400 ms
    expect(await third).toMatch(/waited 300 ms to start/);
    await second;
    await s.service.transaction?.("commit", "second");
    expect(await names(s)).toEqual(["u"]);
  });

  test("a commit made while the transaction's operations wait to start comes after them", async () => {
    const s = open();
    await op(s, "insertOne", { document: { _id: "a" } }, "holding");
    const queuedOp = op(s, "insertOne", { document: { _id: "b" } }, "queued2"); // not awaited, as a function may
    const commit = s.service.transaction?.("commit", "queued2");
    await s.service.transaction?.("commit", "holding");
    await queuedOp;
    await commit;
    expect(await names(s)).toEqual(["a", "b"]);
  });

  test("a call still waiting when its function gives up (its deadline) is refused, and never runs", async () => {
    const s = open();
    await op(s, "insertOne", { document: { _id: "holder" } }, "t17");
    const deadline = Date.now() + 150;
    const given = (name: string, arg: Record<string, unknown>, transaction?: string) =>
      s.service
        .call(SERVICE, name, [{ database: "demo", collection: "items", ...arg }], {
          ...SYSTEM,
          deadline,
          ...(transaction ? { transaction } : {}),
        })
        .then(
          () => "ran",
          (e: Error) => e.message,
        );
    const plain = given("insertOne", { document: { _id: "late" } });
    const inTransaction = given("insertOne", { document: { _id: "later" } }, "t18");
    expect(await plain).toMatch(/waited for a transaction until its function's time limit: it did not run/);
    expect(await inTransaction).toMatch(/NoSuchTransaction: the transaction was aborted: it waited 1\d\d ms to start/);
    await s.service.transaction?.("commit", "t17");
    expect(await names(s)).toEqual(["holder"]);
  });

  test("an operation that fails while the commit waits for it turns the commit into an abort", async () => {
    const s = open();
    await op(s, "insertOne", { document: { _id: 1 } });
    await op(s, "insertOne", { document: { _id: 2 } }, "t11");
    const failing = op(s, "insertMany", { documents: [{ _id: 3 }, { _id: 1 }] }, "t11").catch((e: Error) => e.message);
    const commit = s.service.transaction?.("commit", "t11").then(
      () => "committed",
      (e: Error) => e.message,
    );
    expect(await failing).toMatch(/duplicate key/);
    expect(await commit).toMatch(/NoSuchTransaction: the transaction was aborted: an operation failed/);
    expect(await names(s)).toEqual([1]);
  });

  test("a delete and a re-insert of one document commit in the order they were made, in memory and on disk", async () => {
    const { s, file } = await openOnDisk();
    await op(s, "insertMany", { documents: [{ _id: 1 }, { _id: 2 }, { _id: 3 }] });
    await op(s, "deleteOne", { query: { _id: 1 } }, "t12");
    await op(s, "insertOne", { document: { _id: 1, again: true } }, "t12");
    await s.service.transaction?.("commit", "t12");
    const natural = async (x: Service) => ((await op(x, "find", { query: {} })) as { _id: number }[]).map((d) => d._id);
    expect(await natural(s)).toEqual([2, 3, 1]);
    await s.close();
    opened = [];
    expect(await natural(open(10_000, file))).toEqual([2, 3, 1]);
  });

  test("custom user data is read as committed, without waiting for a transaction", async () => {
    const s = open();
    await op(s, "insertOne", { document: { _id: "u1", plan: "free" } });
    await op(s, "updateOne", { query: { _id: "u1" }, update: { $set: { plan: "paid" } } }, "t13");
    expect(await s.service.findOne(SERVICE, "demo", "items", { _id: "u1" })).toEqual({ _id: "u1", plan: "free" });
    await s.service.transaction?.("commit", "t13");
    expect(await s.service.findOne(SERVICE, "demo", "items", { _id: "u1" })).toEqual({ _id: "u1", plan: "paid" });
  });

  test("closing the service aborts the transaction and refuses what waited", async () => {
    const s = open();
    await op(s, "insertOne", { document: { _id: 1 } }, "t14");
    const waiting = op(s, "find", { query: {} }).catch((e: Error) => e.message);
    await s.close();
    opened = [];
    expect(await waiting).toMatch(/the MongoDB service is closed/);
  });

  test("reset ends the transaction in progress and lets the next one start on the wiped store", async () => {
    const s = open();
    await op(s, "insertOne", { document: { _id: "old" } }, "t15");
    const next = op(s, "insertOne", { document: { _id: "new" } }, "t16");
    s.service.reset();
    await next;
    await s.service.transaction?.("commit", "t16");
    await op(s, "insertOne", { document: { _id: "after" } });
    expect(await names(s)).toEqual(["after", "new"]);
    expect(s.db.prepare("SELECT id FROM docs ORDER BY id").all()).toEqual([{ id: '{"k":"after"}' }, { id: '{"k":"new"}' }]);
  });

  test("a transaction that ran nothing commits and aborts at once; reset ends one in progress", async () => {
    const s = open();
    await s.service.transaction?.("commit", "empty");
    await s.service.transaction?.("abort", "empty2");
    await op(s, "insertOne", { document: { _id: 1 } }, "t10");
    s.service.reset();
    expect(await names(s)).toEqual([]);
    await expect(op(s, "find", { query: {} }, "t10")).rejects.toThrow(/the store was reset/);
  });
});

describe("the coordinator's queue", () => {
  test("a call made within an admitted call runs at once, even with a transaction waiting", async () => {
    const reg = { defer: () => undefined, persist: () => undefined, undo: () => undefined } as unknown as CollectionRegistry;
    const gate = new TransactionCoordinator(reg, 10_000);
    let finishOuter: () => void = () => undefined;
    const outer = gate.run(undefined, false, () => new Promise<void>((resolve) => (finishOuter = resolve)));
    await turns();
    let started = false;
    const txn = gate.run("t", false, async () => {
      started = true;
    });
    await turns();
    expect(started).toBe(false); // waits for the call in progress
    // the outer call's rule runs a function, whose own call must not wait behind "t"
    expect(await gate.run(undefined, true, async () => "nested")).toBe("nested");
    const plain = gate.run(undefined, false, async () => "plain");
    finishOuter();
    await outer;
    await txn;
    expect(started).toBe(true);
    await gate.commit("t");
    expect(await plain).toBe("plain"); // queued behind "t", in order of arrival
    // a function that a rule's %function runs cannot start a transaction
    await expect(gate.run("inner", true, async () => "ran")).rejects.toThrow(/cannot start in a function that a rule's %function runs/);
  });
});
