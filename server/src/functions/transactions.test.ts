import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { FunctionRunner } from "../contracts.js";
import { startFunctionFiles, type FunctionFiles } from "../../test/functionFiles.js";
import { ATLAS, everyone } from "../../test/appDir.js";
import { startAppServer, type AppServer } from "../../test/appServer.js";
import { TestClient } from "../../test/testClient.js";

// Transactions in functions, as App Services documents them (functions/mongodb/write.txt,
// "Transactions"), run by the worker-thread runner against the real service.
const DB = `const client = context.services.get("mongodb-atlas");
  const accounts = client.db("bank").collection("accounts");
  const trades = client.db("bank").collection("trades");`;
const FILES: Record<string, string> = {
  "seed.js": `exports = async function () { ${DB}
    await accounts.deleteMany({}); await trades.deleteMany({});
    await accounts.insertMany([{ _id: "henry", points: 42 }, { _id: "michelle", points: 144 }]);
  };`,
  "state.js": `exports = async function () { ${DB}
    return { accounts: await accounts.find({}).sort({ _id: 1 }).toArray(), trades: await trades.find({}, { _id: 0 }).toArray() };
  };`,
  // the documentation's example, awaited
  "trade.js": `exports = async function (from, to, points, failAfterDebit) { ${DB}
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        await accounts.updateOne({ _id: from }, { $inc: { points: -points } }, { session });
        if (failAfterDebit) throw new Error("the credit failed");
        await accounts.updateOne({ _id: to }, { $inc: { points } }, { session });
        await trades.insertOne({ from, to, points }, { session });
      });
      return "traded";
    } catch (err) {
      await session.abortTransaction();
      return "aborted: " + err.message;
    } finally {
      await session.endSession();
    }
  };`,
  "explicit.js": `exports = async function (how) { ${DB}
    const session = client.startSession();
    const log = [session.inTransaction()];
    session.startTransaction();
    log.push(session.inTransaction());
    try { session.startTransaction(); } catch (e) { log.push(e.message); }
    await accounts.insertOne({ _id: "zoe", points: 1 }, { session });
    await trades.bulkWrite([{ insertOne: { document: { bulk: true } } }], { session });
    // the transaction reads its own writes, through cursors too
    log.push((await accounts.find({}, { _id: 1 }, { session }).sort({ _id: 1 }).toArray()).map((d) => d._id).join());
    log.push(await trades.count({ bulk: true }, { session }));
    if (how === "commit") await session.commitTransaction();
    if (how === "abort") await session.abortTransaction();
    if (how === "end") await session.endSession();
    log.push(session.inTransaction());
    try { await session.commitTransaction(); } catch (e) { log.push(e.message); }
    return log;
  };`,
  "slowCredit.js": `exports = async function () { ${DB}
    const session = client.startSession();
    await trades.insertOne({ marker: true });
    await session.withTransaction(async () => {
      await accounts.updateOne({ _id: "henry" }, { $inc: { points: -10 } }, { session });
      await new Promise((resolve) => setTimeout(resolve, 400));
      await accounts.updateOne({ _id: "michelle" }, { $inc: { points: 10 } }, { session });
    });
  };`,
  "markers.js": `exports = function () { ${DB} return trades.count({ marker: true }); };`,
  "total.js": `exports = async function () { ${DB}
    return (await accounts.find({}).toArray()).reduce((sum, a) => sum + a.points, 0);
  };`,
  // as the documentation writes it: the transaction is not awaited
  "unawaited.js": `exports = function (from, to, points) { ${DB}
    trade(client, accounts, trades, from, to, points);
    return "Successfully traded brownie points.";
  };
  async function trade(client, accounts, trades, from, to, points) {
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        await accounts.updateOne({ _id: from }, { $inc: { points: -points } }, { session });
        await new Promise((resolve) => setTimeout(resolve, 50));
        await accounts.updateOne({ _id: to }, { $inc: { points } }, { session });
        await trades.insertOne({ from, to, points }, { session });
      });
    } catch (err) {
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
  }`,
  "duplicate.js": `exports = async function () { ${DB}
    const session = client.startSession();
    session.startTransaction();
    const log = [];
    for (const id of ["henry", "new"]) {
      try { await accounts.insertOne({ _id: id }, { session }); } catch (e) { log.push(e.message); }
    }
    try { await session.commitTransaction(); } catch (e) { log.push(e.message); }
    return log;
  };`,
  "returns.js": `exports = async function () {
    const session = context.services.get("mongodb-atlas").startSession();
    return session.withTransaction(async (s) => (s === session ? "the callback's value" : "another session"));
  };`,
};

let files: FunctionFiles;
let runner: FunctionRunner;
const call = (name: string, ...args: unknown[]) => runner.call(name, args, {});

beforeAll(async () => {
  files = await startFunctionFiles(FILES);
  ({ runner } = files);
});
afterAll(() => files.close());

describe("transactions in functions", () => {
  test("the documentation's trade commits its three writes together", async () => {
    await call("seed");
    expect(await call("trade", "michelle", "henry", 5)).toBe("traded");
    expect(await call("state")).toEqual({
      accounts: [
        { _id: "henry", points: 47 },
        { _id: "michelle", points: 139 },
      ],
      trades: [{ from: "michelle", to: "henry", points: 5 }],
    });
  });

  test("a callback that throws leaves nothing: the debit made before the failure is undone", async () => {
    await call("seed");
    expect(await call("trade", "michelle", "henry", 5, true)).toBe("aborted: the credit failed");
    expect(await call("state")).toEqual({
      accounts: [
        { _id: "henry", points: 42 },
        { _id: "michelle", points: 144 },
      ],
      trades: [],
    });
  });

  test("startTransaction, commitTransaction, abortTransaction and endSession, with the driver's errors", async () => {
    await call("seed");
    // what the function logs: not in a transaction, in one, the second start refused, its reads, then ended
    const log = [false, true, "Transaction already in progress", "henry,michelle,zoe", 1, false, "No transaction started"];
    expect(await call("explicit", "commit")).toEqual(log);
    expect(((await call("state")) as { accounts: unknown[] }).accounts).toHaveLength(3);
    await call("seed");
    expect(await call("explicit", "abort")).toEqual(log);
    expect(await call("state")).toMatchObject({ accounts: [{ _id: "henry" }, { _id: "michelle" }], trades: [] });
    expect(await call("explicit", "end")).toEqual(log);
    expect(await call("state")).toMatchObject({ accounts: [{ _id: "henry" }, { _id: "michelle" }], trades: [] });
  });

  test("a reader never sees half a transaction: it waits for the commit", async () => {
    await call("seed");
    const transfer = call("slowCredit");
    // the marker is written just before the transaction's debit, which then holds the store 400 ms
    while ((await call("markers")) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    // totals asked for meanwhile would see 176 between the debit and the credit, if they did not wait
    const totals = await Promise.all([0, 50, 100].map((ms) => new Promise((resolve) => setTimeout(resolve, ms)).then(() => call("total"))));
    await transfer;
    expect(totals).toEqual([186, 186, 186]);
  });

  test("withTransaction resolves to the callback's value and passes the session", async () => {
    expect(await call("returns")).toBe("the callback's value");
  });

  test("the documentation's example, which returns before its transaction ends, trades", async () => {
    await call("seed");
    expect(await call("unawaited", "michelle", "henry", 5)).toBe("Successfully traded brownie points.");
    // the transaction goes on after the function returned; a reader waits for its commit
    expect(await call("state")).toMatchObject({ accounts: [{ points: 47 }, { points: 139 }], trades: [{ points: 5 }] });
  });

  test("a failed operation aborts the transaction: the next one fails, and so does the commit", async () => {
    await call("seed");
    expect(await call("duplicate")).toEqual([
      expect.stringMatching(/duplicate key/),
      expect.stringMatching(/NoSuchTransaction: the transaction was aborted: an operation failed/),
      expect.stringMatching(/NoSuchTransaction/),
    ]);
    expect(((await call("state")) as { accounts: unknown[] }).accounts).toHaveLength(2);
  });
});

describe("a transaction left open", () => {
  let app: AppServer;
  let client: TestClient;
  let token: string;
  beforeAll(async () => {
    app = await startAppServer(
      {
        "data_sources/mongodb-atlas/config.json": ATLAS,
        "data_sources/mongodb-atlas/bank/accounts/rules.json": everyone("bank", "accounts"),
        "functions/config.json": [
          { name: "forget", private: false },
          { name: "count", private: false },
        ],
        "functions/forget.js": `exports = async function () {
          const session = context.services.get("mongodb-atlas").startSession();
          session.startTransaction();
          await context.services.get("mongodb-atlas").db("bank").collection("accounts").insertOne({ _id: "forgotten" }, { session });
          // half the time limit used here: the count below waits the other half, well within its own
          await new Promise((resolve) => setTimeout(resolve, 200));
          return "returned";
        };`,
        "functions/count.js": `exports = function () { return context.services.get("mongodb-atlas").db("bank").collection("accounts").count({}); };`,
        "auth/providers.json": { "anon-user": { name: "anon-user", type: "anon-user", disabled: false } },
      },
      { appId: "txn-app", config: { functionTimeoutMs: 400 } },
    );
    client = new TestClient(app.server.url, "txn-app");
    token = (await client.logIn("anon-user")).access_token;
  });
  afterAll(() => app?.close());

  test("holds the store until the function's time limit, then is aborted", async () => {
    const callFn = (name: string) => client.request("POST", client.app("/functions/call"), { token, body: { name, arguments: [] } });
    expect((await callFn("forget")).body).toBe("returned");
    const started = Date.now();
    // the count waits for the abort (about 200 ms), then finds nothing of it
    expect((await callFn("count")).body).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(100);
  });
});
