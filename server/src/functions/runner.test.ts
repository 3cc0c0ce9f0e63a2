import Database from "better-sqlite3";
import { Decimal128, Long, ObjectId } from "bson";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ServerError, type Caller, type FunctionRunner } from "../contracts.js";
import { serverError } from "../../test/rejection.js";
import { createMongoService } from "../data/index.js";
import { openAccess } from "../rules/index.js";
import { createFunctionRunner, createInProcessRunner } from "./index.js";

const DEMO = fileURLToPath(new URL("../../../demo/app/functions", import.meta.url));
const alice: Caller = {
  user: {
    id: "65f0aaaaaaaaaaaaaaaaaaaa",
    type: "normal",
    data: { name: "Alice" },
    custom_data: {},
    identities: [{ id: "x", provider_type: "anon-user" }],
  },
};
const bob: Caller = { user: { ...alice.user!, id: "65f0bbbbbbbbbbbbbbbbbbbb" } };

let dir: string;
let db: Database.Database;
let mongo: ReturnType<typeof createMongoService>;
let runner: FunctionRunner;
let roomy: FunctionRunner;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "fn-"));
  const files: Record<string, string> = {
    "ctx.js":
      "exports = function () { return { user: context.user.id, value: context.values.get('greeting'), missing: context.values.get('nope') === undefined }; };",
    "nested.js":
      "exports = async function (a, b) { return { sum: await context.functions.execute('sum', a, b), me: await context.functions.execute('whoami') }; };",
    "bsonGlobals.js":
      "exports = function (hex) { const id = new BSON.ObjectId(hex); return { id, hex: id.toHexString(), ejson: EJSON.stringify({ n: 1 }), dec: BSON.Decimal128.fromString('1.5') }; };",
    "loop.js": "exports = function () { while (true) {} };",
    "loopAfterAwait.js": "exports = async function () { await new Promise((r) => setTimeout(r, 5)); while (true) {} };",
    "timerThrows.js":
      "exports = function () { setTimeout(() => { throw new Error('thrown in a timer'); }, 1); return new Promise(() => {}); };",
    "never.js": "exports = async function () { await new Promise(() => {}); };",
    "broken.js": "exports = function ( { ;",
    "notAFunction.js": "exports = 42;",
    "cjs.js": "module.exports = (x) => x * 2;",
    "undef.js": "exports = function () {};",
    "cyclic.js": "exports = function () { const o = {}; o.self = o; return o; };",
    "throwsString.js": "exports = function () { throw 'plain string'; };",
    "bigLong.js": `exports = async function () {
      const c = context.services.get("mongodb-atlas").db("fn").collection("longs");
      await c.insertOne({ _id: "big", v: BSON.Long.fromString("9007199254740993"), i: new BSON.Int32(4) });
      const back = await c.findOne({ _id: "big" });
      return { v: back.v.toString(), type: back.v._bsontype, i: back.i };
    };`,
    "badService.js": "exports = function () { return context.services.get('nope') === undefined; };",
    "mongo.js": `exports = async function () {
      const c = context.services.get("mongodb-atlas").db("fn").collection("things");
      await c.insertMany([{ _id: 1, n: 3 }, { _id: 2, n: 1 }, { _id: 3, n: 2 }]);
      const sorted = await c.find({}, { _id: 1 }).sort({ n: 1 }).toArray();
      const awaited = await c.find({ n: { $gt: 1 } });
      const limited = await c.find().sort({ n: -1 }).limit(1);
      const one = await c.findOne({ _id: 2 });
      const up = await c.updateOne({ _id: 2 }, { $inc: { n: 10 } });
      const fau = await c.findOneAndUpdate({ _id: 1 }, { $set: { x: true } }, { returnNewDocument: true, projection: { x: 1 } });
      const count = await c.count({ n: { $gte: 2 } });
      const agg = await c.aggregate([{ $group: { _id: null, total: { $sum: "$n" } } }]).toArray();
      const aggTop = await c.aggregate([{ $project: { n: 1 } }]).sort({ n: -1 }).limit(1);
      const del = await c.deleteMany({});
      return { sorted, awaited: awaited.map((d) => d._id), limited, one, up, fau, count, agg, aggTop, del };
    };`,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  mkdirSync(join(dir, "folderFn"));
  writeFileSync(join(dir, "folderFn", "source.js"), "exports = function () { return 'from folder'; };");
  for (const name of ["sum.js", "whoami.js", "echo.js", "slow.js"])
    writeFileSync(join(dir, name), (await import("node:fs")).readFileSync(join(DEMO, name)));
  db = new Database(":memory:");
  mongo = createMongoService({ db, serviceNames: ["mongodb-atlas"], access: openAccess(undefined) });
  runner = await createFunctionRunner({ dir, timeoutMs: 300, values: { greeting: "hello" }, mongo });
  // the 300 ms limit is for the time-limit tests; a function making a dozen data calls gets more
  // room, so that a loaded machine does not fail it
  roomy = await createFunctionRunner({ dir, timeoutMs: 10_000, values: { greeting: "hello" }, mongo });
});

afterAll(async () => {
  await roomy.close();
  await runner.close();
  await mongo.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("function runner", () => {
  test("has() lists loaded functions, including a folder with source.js and a broken file", () => {
    expect(runner.has("sum")).toBe(true);
    expect(runner.has("folderFn")).toBe(true);
    expect(runner.has("broken")).toBe(true);
    expect(runner.has("missing")).toBe(false);
  });

  test("context.user, context.values; context.services.get of an unknown service is undefined", async () => {
    expect(await runner.call("ctx", [], alice)).toEqual({ user: alice.user!.id, value: "hello", missing: true });
    expect(await runner.call("badService", [], {})).toBe(true);
  });

  test("context.functions.execute runs other functions as the same user", async () => {
    expect(await runner.call("nested", [2, 5], bob)).toEqual({ sum: 7, me: bob.user!.id });
  });

  test("BSON and EJSON globals", async () => {
    const hex = "65f0cccccccccccccccccccc";
    const out = (await runner.call("bsonGlobals", [hex], {})) as Record<string, unknown>;
    expect((out.id as ObjectId).toHexString()).toBe(hex);
    expect(out.hex).toBe(hex);
    expect(out.ejson).toBe('{"n":1}');
    expect(String(out.dec)).toBe("1.5");
  });

  test("echo returns BSON values unchanged", async () => {
    const value = {
      id: new ObjectId(),
      when: new Date(1704067200000),
      dec: Decimal128.fromString("1.25"),
      big: Long.fromString("9007199254740993"),
    };
    expect(await runner.call("echo", [value], {})).toEqual(value);
  });

  test("folder format and module.exports", async () => {
    expect(await runner.call("folderFn", [], {})).toBe("from folder");
    expect(await runner.call("cjs", [21], {})).toBe(42);
  });

  test("undefined result becomes null", async () => {
    expect(await runner.call("undef", [], {})).toBeNull();
  });

  test("context.services: every collection method with driver-like signatures", async () => {
    const out = await roomy.call("mongo", [], alice);
    expect(out).toEqual({
      sorted: [{ _id: 2 }, { _id: 3 }, { _id: 1 }],
      awaited: [1, 3],
      limited: [{ _id: 1, n: 3 }],
      one: { _id: 2, n: 1 },
      up: { matchedCount: 1, modifiedCount: 1 },
      fau: { _id: 1, x: true },
      count: 3,
      agg: [{ _id: null, total: 16 }],
      aggTop: [{ _id: 2, n: 11 }],
      del: { deletedCount: 3 },
    });
  });

  test("a big Long stored by a function is kept exactly; Int32 wrappers become numbers", async () => {
    expect(await runner.call("bigLong", [], {})).toEqual({ v: "9007199254740993", type: "Long", i: 4 });
  });

  test("a synchronous infinite loop hits the time limit and the runner still works", async () => {
    const err = await serverError(runner.call("loop", [], {}));
    expect(err.statusCode).toBe(400);
    expect(err.errorCode).toBe("ExecutionTimeLimitExceeded");
    expect(await runner.call("sum", [1, 2], {})).toBe(3);
  });

  test("a never-resolving async function hits the time limit", async () => {
    const started = Date.now();
    const err = await serverError(runner.call("never", [], {}));
    expect(err.errorCode).toBe("ExecutionTimeLimitExceeded");
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test("a thrown error is FunctionExecutionError with its message", async () => {
    const err = await serverError(runner.call("sum", [1, "x"], {}));
    expect(err.statusCode).toBe(400);
    expect(err.errorCode).toBe("FunctionExecutionError");
    expect(err.message).toContain('sum: not a number: "x"');
    expect((await serverError(runner.call("throwsString", [], {}))).message).toBe("plain string");
  });

  test("unknown function is FunctionNotFound 404", async () => {
    const err = await serverError(runner.call("missing", [], {}));
    expect(err.statusCode).toBe(404);
    expect(err.errorCode).toBe("FunctionNotFound");
    expect(err.message).toBe("function not found: 'missing'");
  });

  test("a syntax error affects only its own function", async () => {
    const err = await serverError(runner.call("broken", [], {}));
    expect(err.errorCode).toBe("FunctionExecutionError");
    expect(err.message).toContain("broken");
    expect(await runner.call("sum", [4, 5], {})).toBe(9);
  });

  test("a source without an exported function, and an unserialisable result", async () => {
    expect((await serverError(runner.call("notAFunction", [], {}))).message).toContain("does not assign a function");
    expect((await serverError(runner.call("cyclic", [], {}))).errorCode).toBe("FunctionExecutionError");
  });

  test("concurrent calls each see their own context.user", async () => {
    const results = await Promise.all([alice, bob, alice].map((c) => runner.call("nested", [1, 1], c)));
    expect(results.map((r) => (r as { me: string }).me)).toEqual([alice.user!.id, bob.user!.id, alice.user!.id]);
  });

  test("no folder gives no functions", async () => {
    const empty = await createFunctionRunner({ dir: join(dir, "does-not-exist"), timeoutMs: 100, values: {}, mongo });
    expect(empty.has("sum")).toBe(false);
    expect((await serverError(empty.call("sum", [], {}))).errorCode).toBe("FunctionNotFound");
    await empty.close();
  });

  test("a synchronous loop after an await is stopped by ending the worker; the next call works", async () => {
    const innocent = runner.call("slow", [250], {}).then(
      () => "resolved",
      (e: ServerError) => e.errorCode,
    );
    const err = await serverError(runner.call("loopAfterAwait", [], {}));
    expect(err.errorCode).toBe("ExecutionTimeLimitExceeded");
    // A call that was running on the stuck worker cannot finish either.
    expect(await innocent).toBe("ExecutionTimeLimitExceeded");
    expect(await runner.call("sum", [20, 22], alice)).toBe(42);
    expect(await runner.call("ctx", [], alice)).toEqual({ user: alice.user!.id, value: "hello", missing: true });
  });

  test("a worker that misses its start deadline is ended and the next call starts a fresh one", async () => {
    const tuning = { startTimeoutMs: 30_000 };
    const r = await createFunctionRunner({ dir, timeoutMs: 300, values: {}, mongo }, tuning);
    tuning.startTimeoutMs = 1; // the replacement for the worker the loop kills cannot start in time
    expect((await serverError(r.call("loopAfterAwait", [], {}))).errorCode).toBe("ExecutionTimeLimitExceeded");
    await expect(r.call("sum", [1, 2], {})).rejects.toThrow(/did not start in time/);
    tuning.startTimeoutMs = 30_000;
    expect(await r.call("sum", [1, 2], {})).toBe(3);
    await r.close();
  });

  test("an exception thrown in a function's timer ends only that worker", async () => {
    const err = await serverError(runner.call("timerThrows", [], {}));
    expect(err.errorCode).toBe("FunctionExecutionError");
    expect(err.message).toContain("thrown in a timer");
    expect(await runner.call("sum", [1, 1], {})).toBe(2);
  });

  test("after close, calls are refused", async () => {
    const r = await createFunctionRunner({ dir, timeoutMs: 100, values: {}, mongo });
    expect(await r.call("sum", [1], {})).toBe(1);
    await r.close();
    expect((await serverError(r.call("sum", [1], {}))).statusCode).toBe(503);
  });

  test("the in-process runner runs the same sources (without the hard stop)", async () => {
    const r = await createInProcessRunner({ dir, timeoutMs: 200, values: { greeting: "hi" }, mongo });
    expect(await r.call("nested", [3, 4], bob)).toEqual({ sum: 7, me: bob.user!.id });
    expect((await serverError(r.call("loop", [], {}))).errorCode).toBe("ExecutionTimeLimitExceeded");
    expect((await serverError(r.call("never", [], {}))).errorCode).toBe("ExecutionTimeLimitExceeded");
    await r.close();
  });
});

describe("demo functions", () => {
  let demo: FunctionRunner;
  beforeAll(async () => {
    // 1 s: a first data call on a loaded machine took more than 200 ms once
    demo = await createFunctionRunner({ dir: DEMO, timeoutMs: 1_000, values: {}, mongo });
  });
  afterAll(async () => {
    await demo.close();
  });

  test("sum, whoami, echo, fail", async () => {
    expect(await demo.call("sum", [1, 2.5, 3], alice)).toBe(6.5);
    expect(await demo.call("whoami", [], alice)).toBe(alice.user!.id);
    expect(await demo.call("echo", [{ a: 1 }], alice)).toEqual({ a: 1 });
    expect((await serverError(demo.call("fail", ["boom"], alice))).message).toBe("boom");
  });

  test("addTodo and listTodos are per user", async () => {
    await demo.call("addTodo", ["a1"], alice);
    await demo.call("addTodo", ["b1"], bob);
    await demo.call("addTodo", ["a2"], alice);
    const list = (await demo.call("listTodos", [], alice)) as { text: string; owner_id: string }[];
    expect(list.map((t) => t.text)).toEqual(["a1", "a2"]);
    expect(list.every((t) => t.owner_id === alice.user!.id)).toBe(true);
  });

  test("slow resolves within the limit and times out beyond it", async () => {
    expect(await demo.call("slow", [10], {})).toBe(10);
    expect((await serverError(demo.call("slow", [3000], {}))).errorCode).toBe("ExecutionTimeLimitExceeded");
  });

  test("authFunc and resetFunc", async () => {
    expect(await demo.call("authFunc", [{ username: "carol" }], {})).toBe("carol");
    expect((await serverError(demo.call("authFunc", [{}], {}))).errorCode).toBe("FunctionExecutionError");
    expect(await demo.call("resetFunc", [{ token: "t", tokenId: "i", username: "u", password: "p" }, 1], {})).toEqual({
      status: "success",
    });
  });
});
