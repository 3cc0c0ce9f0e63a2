/**
 * Hostile queries against the MongoDB service: catastrophic regular expressions, allocation bombs
 * and slow watch filters end with a 400 while other calls keep being answered, and the process
 * survives. The limits are small here so the tests run fast.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ServerError, type ChangeEvent } from "../contracts.js";
import { serverError } from "../../test/rejection.js";
import { openService, SERVICE, SYSTEM } from "../../test/dataHelpers.js";

const TIMEOUT_MS = 1500;
let s: ReturnType<typeof openService>;

/** 33 characters that make `^(a+)+$` backtrack for about 20 s (its PCRE translation: 0.7 s at 28, doubling with each letter). */
const EVIL = `${"a".repeat(32)}!`;
const CATASTROPHIC = { s: { $regex: "^(a+)+$" } };
/** A stage that is not linear by construction, so its pipeline runs on a query thread. */
const THREADED = { $addFields: { threaded: true } };

beforeAll(async () => {
  s = openService(":memory:", {
    queryTimeoutMs: TIMEOUT_MS,
    queryMemoryMb: 64,
    queryThreads: 4,
    maxResultDocuments: 50,
    maxResultBytes: 1024 * 1024,
  });
  await s.call("insertMany", {
    documents: [
      { _id: 1, s: EVIL },
      { _id: 2, s: "aaaa" },
    ],
  });
  await s.call("insertMany", { documents: Array.from({ length: 60 }, (_, i) => ({ _id: i, n: i })) }, "many");
  // Two started threads, so that a hostile query leaves one free.
  await Promise.all([s.call("aggregate", { pipeline: [THREADED] }), s.call("aggregate", { pipeline: [THREADED] }, "many")]);
}, 60_000);
afterAll(() => s.close());

describe("hostile queries", () => {
  test("a catastrophic regex ends with a 400 within the time limit; other calls are answered meanwhile", async () => {
    const started = performance.now();
    let settled = false;
    const hostile = serverError(s.call("find", { query: CATASTROPHIC })).finally(() => (settled = true));
    const other = performance.now();
    expect(await s.call("find", { query: { _id: 2 } })).toEqual([{ _id: 2, s: "aaaa" }]);
    expect(await s.call("aggregate", { pipeline: [{ $match: { _id: 2 } }, THREADED] })).toEqual([{ _id: 2, s: "aaaa", threaded: true }]);
    const otherMs = performance.now() - other;
    expect(settled).toBe(false);
    expect(otherMs).toBeLessThan(TIMEOUT_MS);
    const err = await hostile;
    const elapsed = performance.now() - started;
    expect([err.statusCode, err.errorCode]).toEqual([400, "MongoDBError"]);
    expect(err.message).toMatch(/time limit/);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1500);
    // The service lives on, and the same document can still be read.
    expect(await s.call("count", { query: { _id: 1 } })).toBe(1);
  });

  test("the same regex in a write's selection, an aggregate $match and $regexMatch", async () => {
    for (const [name, arg] of [
      ["updateMany", { query: CATASTROPHIC, update: { $set: { hit: true } } }],
      ["deleteOne", { query: CATASTROPHIC }],
      ["aggregate", { pipeline: [{ $match: CATASTROPHIC }] }],
      ["aggregate", { pipeline: [{ $project: { m: { $regexMatch: { input: "$s", regex: "^(a+)+$" } } } }] }],
    ] as const) {
      const err = await serverError(s.call(name, arg));
      expect([err.statusCode, err.errorCode, name]).toEqual([400, "MongoDBError", name]);
    }
    expect(await s.call("find", { query: { hit: true } })).toEqual([]);
    expect(await s.call("count", {})).toBe(2);
  });

  test("writes computed on a query thread are committed, with their change events", async () => {
    const events: ChangeEvent[] = [];
    const off = s.service.watch(SERVICE, { database: "demo", collection: "items" }, (e) => events.push(e), SYSTEM);
    // A regex selection goes to a thread; the write is committed by the main thread.
    expect(await s.call("updateMany", { query: { s: { $regex: "^a+$" } }, update: { $set: { short: true } } })).toEqual({
      matchedCount: 1,
      modifiedCount: 1,
    });
    expect(await s.call("find", { query: { short: true }, project: { _id: 1 } })).toEqual([{ _id: 2 }]);
    expect(events.map((e) => [e.operationType, e.documentKey._id, e.updateDescription?.updatedFields])).toEqual([
      ["update", 2, { short: true }],
    ]);
    off();
    await s.call("updateMany", { query: { short: { $exists: true } }, update: { $unset: { short: "" } } });
  });

  test("$range and $size bombs answer 400 at once", async () => {
    for (const pipeline of [
      [{ $project: { x: { $size: { $range: [0, 2e8] } } } }],
      [{ $project: { x: { $range: [0, 2e9, 1] } } }],
      [{ $project: { x: { $range: [-2e9, 2e9] } } }],
    ]) {
      const started = performance.now();
      const err = await serverError(s.call("aggregate", { pipeline }));
      expect([err.statusCode, err.errorCode]).toEqual([400, "MongoDBError"]);
      expect(err.message).toMatch(/\$range/);
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS);
    }
  });

  test("a heap bomb ends with a 400 (memory or time limit of the query thread); the process stays small", async () => {
    // A million arrays of a thousand numbers: every single value is within the caps, the whole is not.
    const pipeline = [{ $project: { x: { $map: { input: { $range: [0, 1_000_000] }, in: { $range: [0, 1000] } } } } }];
    // what the query added (the process is shared with other test files, so not its whole size)
    const before = process.memoryUsage().rss;
    const err = await serverError(s.call("aggregate", { pipeline }));
    expect([err.statusCode, err.errorCode]).toEqual([400, "MongoDBError"]);
    expect(err.message).toMatch(/memory limit|time limit/);
    expect(process.memoryUsage().rss - before).toBeLessThan(512 * 1024 * 1024);
    expect(await s.call("count", {})).toBe(2);
  });

  test("results are capped in documents (as App Services caps them) and in bytes, on the main thread and on a thread", async () => {
    expect(await s.call("find", {}, "many")).toHaveLength(50);
    expect(await s.call("aggregate", { pipeline: [] }, "many")).toHaveLength(50);
    expect(await s.call("aggregate", { pipeline: [THREADED] }, "many")).toHaveLength(50);
    expect(await s.call("find", { limit: 10 }, "many")).toHaveLength(10);
    const big = await serverError(s.call("aggregate", { pipeline: [{ $limit: 2 }, { $project: { x: { $range: [0, 60_000] } } }] }));
    expect([big.statusCode, big.message]).toEqual([400, expect.stringMatching(/larger than/)]);
  });

  test("a result nested deeper than MongoDB's 100 levels is refused with a 400, not written out until the stack overflows", async () => {
    const deep = (levels: number) => ({ $reduce: { input: { $range: [0, levels] }, initialValue: {}, in: { o: "$$value" } } });
    for (const call of [
      s.call("aggregate", { pipeline: [{ $match: { _id: 2 } }, { $project: { _id: 0, x: deep(5000) } }] }),
      s.call("find", { query: { _id: 2 }, project: { x: deep(5000) } }),
    ]) {
      const err = await serverError(call);
      expect([err.statusCode, err.errorCode, err.message]).toEqual([
        400,
        "MongoDBError",
        "a result document is nested deeper than 100 levels, MongoDB's limit",
      ]);
    }
    // 99 levels under the document's own: 100 in all; one more is refused
    const [ok] = (await s.call("aggregate", { pipeline: [{ $match: { _id: 2 } }, { $project: { _id: 0, x: deep(98) } }] })) as unknown[];
    expect(ok).toBeDefined();
    const over = await serverError(s.call("aggregate", { pipeline: [{ $match: { _id: 2 } }, { $project: { _id: 0, x: deep(99) } }] }));
    expect(over.errorCode).toBe("MongoDBError");
    // a pipeline run on the main thread (a field projection with a dotted path) is checked too
    const dotted = Array.from({ length: 2000 }, () => "x").join(".");
    const main = await serverError(s.call("aggregate", { pipeline: [{ $match: { _id: 2 } }, { $project: { [dotted]: "$s" } }] }));
    expect([main.statusCode, main.errorCode, main.message]).toEqual([
      400,
      "MongoDBError",
      "a result document is nested deeper than 100 levels, MongoDB's limit",
    ]);
  });

  test("JavaScript operators are refused", async () => {
    for (const query of [
      { $where: "this.n > 1" },
      { $expr: { $function: { body: "function () { return true; }", args: [], lang: "js" } } },
    ]) {
      const err = await serverError(s.call("find", { query }));
      expect(err.statusCode).toBe(400);
    }
  });

  test("a hostile watch filter does not slow inserts; its subscription ends with an error, others keep receiving", async () => {
    const fine: ChangeEvent[] = [];
    let failed: ServerError | undefined;
    const watched = { database: "demo", collection: "watched" };
    const offHostile = s.service.watch(
      SERVICE,
      { ...watched, filter: { "fullDocument.s": CATASTROPHIC.s } },
      () => undefined,
      SYSTEM,
      (err) => (failed = err),
    );
    const offFine = s.service.watch(SERVICE, { ...watched, filter: { "fullDocument.n": { $gte: 0 } } }, (e) => fine.push(e), SYSTEM);
    const timings: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await s.call("insertOne", { document: { _id: i, s: EVIL, n: i } }, "watched");
      timings.push(performance.now() - started);
    }
    expect(Math.max(...timings)).toBeLessThan(TIMEOUT_MS / 3);
    await expect.poll(() => failed?.errorCode, { timeout: TIMEOUT_MS * 3 }).toBe("MongoDBError");
    expect(failed?.message).toMatch(/time limit/);
    await expect.poll(() => fine.map((e) => e.documentKey._id), { timeout: TIMEOUT_MS * 3 }).toEqual([0, 1, 2, 3, 4]);
    offHostile();
    offFine();
  });
});

describe("bombs under the default heap limit", () => {
  let d: ReturnType<typeof openService>;
  beforeAll(async () => {
    // a time limit far above what the bombs take (about 1 s alone): under a loaded machine the size
    // limit must still be what stops them (the full suite once took over 5 s for one)
    d = openService(":memory:", { queryTimeoutMs: 20_000 });
    await d.call("insertOne", { document: { _id: 1, s: "ab" } });
    await d.call("aggregate", { pipeline: [THREADED] });
  }, 60_000);
  afterAll(() => d.close());

  test.each([
    [
      "an array doubled 60 times",
      { $reduce: { input: { $range: [0, 60] }, initialValue: [0, 1, 2, 3], in: { $concatArrays: ["$$value", "$$value"] } } },
    ],
    ["a string doubled 60 times", { $reduce: { input: { $range: [0, 60] }, initialValue: "$s", in: { $concat: ["$$value", "$$value"] } } }],
    [
      "$concatArrays of many references to one array",
      { $let: { vars: { a: { $range: [0, 1_000_000] } }, in: { $size: { $concatArrays: Array.from({ length: 50 }, () => "$$a") } } } },
    ],
    [
      // an empty delimiter is MongoDB's error 40087: split "abab…" at every "b" instead
      "$split of a long string into 8 million pieces",
      {
        $size: { $split: [{ $reduce: { input: { $range: [0, 23] }, initialValue: "$s", in: { $concat: ["$$value", "$$value"] } } }, "b"] },
      },
    ],
  ])("%s answers 400 with the size limit and the process lives", async (_label, expression) => {
    const started = performance.now();
    const err = await serverError(d.call("aggregate", { pipeline: [{ $project: { x: expression } }] }));
    expect([err.statusCode, err.errorCode]).toEqual([400, "MongoDBError"]);
    expect(err.message).toMatch(/limit is/);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(await d.call("count", {})).toBe(1);
  });

  test("close() ends every query thread", async () => {
    const e = openService(":memory:");
    await e.call("aggregate", { pipeline: [THREADED] });
    expect(e.service.queryThreads()).toBeGreaterThan(0);
    await e.close();
    expect(e.service.queryThreads()).toBe(0);
  });
});
