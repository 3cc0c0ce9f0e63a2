import * as Realm from "realm-web";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ATLAS } from "../../test/appDir.js";
import { startAppServer, type AppServer } from "../../test/appServer.js";

// An exported app's triggers, run by the server, with the unmodified realm-web 2.0.1 as the client
// that causes the events. Trigger functions write what they received into t.log; the tests read
// it through a system function.
const LOG = `context.services.get("mongodb-atlas").db("t").collection("log")`;
const OPEN = (collection: string) => ({
  database: "t",
  collection,
  roles: [{ name: "all", apply_when: {}, read: true, write: true, insert: true, delete: true }],
});
const onChanges = (name: string, collection: string, config: Record<string, unknown>, fn: string) => ({
  name,
  type: "DATABASE",
  config: { service_name: "mongodb-atlas", database: "t", collection, ...config },
  disabled: false,
  event_processors: { FUNCTION: { config: { function_name: fn } } },
});

const ADMIN = "triggers-admin-token";
let running: AppServer;
let app: Realm.App;
let user: Realm.User;
const failures: string[] = [];

interface Entry {
  kind: string;
  op?: string;
  event?: Record<string, unknown>;
  providers?: string[];
  userId?: string;
  userType?: string;
  timeIsDate?: boolean;
  system?: boolean;
  times?: { cluster: string; wall: boolean };
}

const readLog = (kind: string): Promise<Entry[]> => user.functions.readLog!(kind) as Promise<Entry[]>;
const items = () => user.mongoClient("mongodb-atlas").db("t").collection<{ _id: number; n?: number; flag?: boolean }>("items");

beforeAll(async () => {
  running = await startAppServer(
    {
      "root_config.json": { name: "triggers-app" },
      "auth/providers.json": { "anon-user": { name: "anon-user", type: "anon-user" } },
      "functions/config.json": [{ name: "readLog", run_as_system: true }, { name: "logEvent" }, { name: "writeW", run_as_system: true }],
      "functions/readLog.js": `exports = (kind) => ${LOG}.find({ kind }, { _id: 0 }).sort({ _id: 1 }).toArray();`,
      "functions/logEvent.js": `exports = async function (event) {
        const times = { cluster: event.clusterTime._bsontype, wall: event.wallTime instanceof Date };
        await ${LOG}.insertOne({ kind: "db", op: event.operationType, event, times, system: context.runningAsSystem() });
      };`,
      "functions/logFlag.js": `exports = (event) => ${LOG}.insertOne({ kind: "flag", event });`,
      "functions/logAuth.js": `exports = async function (authEvent) {
        const { operationType, providers, user, time } = authEvent;
        // a slow CREATE: its LOGIN still comes after it
        if (operationType === "CREATE") await new Promise((resolve) => setTimeout(resolve, 100));
        await ${LOG}.insertOne({ kind: "auth", op: operationType, providers, userId: user.id, userType: user.type, timeIsDate: time instanceof Date });
      };`,
      "functions/tick.js": `exports = () => ${LOG}.insertOne({ kind: "tick" });`,
      "functions/writeW.js": `exports = async () => {
        const w = context.services.get("mongodb-atlas").db("w");
        await w.collection("a").insertOne({ _id: 1 });
        await w.collection("b").insertOne({ _id: 2 });
        await w.collection("b").deleteOne({ _id: 2 });
      };`,
      "functions/logWide.js": `exports = (event) => ${LOG}.insertOne({ kind: "wide", op: event.operationType, coll: event.ns.coll });`,
      "functions/fails.js": `exports = () => { throw new Error("boom"); };`,
      "data_sources/mongodb-atlas/config.json": ATLAS,
      "data_sources/mongodb-atlas/t/items/rules.json": OPEN("items"),
      "data_sources/mongodb-atlas/t/boom/rules.json": OPEN("boom"),
      "triggers/onItems.json": onChanges(
        "onItems",
        "items",
        { operation_types: ["INSERT", "UPDATE", "REPLACE", "DELETE"], full_document_before_change: true },
        "logEvent",
      ),
      "triggers/onFlagged.json": onChanges(
        "onFlagged",
        "items",
        {
          operation_types: ["INSERT", "UPDATE"],
          full_document: true,
          match: { "fullDocument.flag": true },
          project: { operationType: 1, "fullDocument.n": 1 },
        },
        "logFlag",
      ),
      "triggers/onBoom.json": onChanges("onBoom", "boom", { operation_types: ["INSERT"] }, "fails"),
      "triggers/onW.json": {
        ...onChanges("onW", "", { operation_types: ["INSERT"] }, "logWide"),
        config: { database: "w", operation_types: ["INSERT"] },
      },
      "triggers/onAnon.json": {
        name: "onAnon",
        type: "AUTHENTICATION",
        config: { operation_type: ["CREATE", "LOGIN", "DELETE"], providers: ["anon-user"] },
        function_name: "logAuth",
        disabled: false,
      },
      "triggers/everySecond.json": { name: "everySecond", type: "SCHEDULED", config: { schedule: "* * * * * *" }, function_name: "tick" },
      "triggers/off.json": { name: "off", type: "SCHEDULED", config: { schedule: "* * * * * *" }, function_name: "fails", disabled: true },
    },
    { onTriggerError: (line) => failures.push(line), adminToken: ADMIN },
  );
  app = new Realm.App({ id: "triggers-app", baseUrl: running.server.url });
  user = await app.logIn(Realm.Credentials.anonymous(false));
});

afterAll(async () => {
  await running.close();
});

describe("database triggers", () => {
  test("each listed change reaches the function as a change event, in order, run as system; UPDATE without fullDocument, with fullDocumentBeforeChange", async () => {
    await items().insertOne({ _id: 1, n: 1 });
    await items().updateOne({ _id: 1 }, { $set: { n: 2 } });
    await items().updateOne({ _id: 1 }, { n: 3 });
    await items().deleteOne({ _id: 1 });
    await expect
      .poll(async () => (await readLog("db")).map((e) => e.op), { timeout: 5000 })
      .toEqual(["insert", "update", "replace", "delete"]);
    const [insert, update, replace, remove] = (await readLog("db")).map((e) => e.event!);
    expect(insert).toMatchObject({
      operationType: "insert",
      ns: { db: "t", coll: "items" },
      documentKey: { _id: 1 },
      fullDocument: { _id: 1, n: 1 },
    });
    expect(insert).not.toHaveProperty("fullDocumentBeforeChange");
    expect(update).toMatchObject({
      updateDescription: { updatedFields: { n: 2 }, removedFields: [] },
      fullDocumentBeforeChange: { _id: 1, n: 1 },
    });
    expect(update).not.toHaveProperty("fullDocument");
    expect(replace).toMatchObject({ fullDocument: { _id: 1, n: 3 }, fullDocumentBeforeChange: { _id: 1, n: 2 } });
    expect(remove).toMatchObject({ operationType: "delete", documentKey: { _id: 1 }, fullDocumentBeforeChange: { _id: 1, n: 3 } });
    expect(remove).not.toHaveProperty("fullDocument");
    expect((await readLog("db")).every((e) => e.system === true)).toBe(true);
    expect((await readLog("db")).map((e) => e.times)).toEqual(Array(4).fill({ cluster: "Timestamp", wall: true }));
  });

  test("a database-level trigger (no collection) receives the changes of every collection of its database", async () => {
    await user.functions.writeW!();
    await expect
      .poll(async () => (await readLog("wide")).map((e) => [e.op, (e as { coll?: string }).coll]), { timeout: 5000 })
      .toEqual([
        ["insert", "a"],
        ["insert", "b"],
      ]);
  });

  test("match selects the events and project shapes them (fullDocument on UPDATE with full_document)", async () => {
    await items().insertMany([
      { _id: 10, n: 10, flag: true },
      { _id: 11, n: 11, flag: false },
    ]);
    await items().updateOne({ _id: 11 }, { $set: { flag: true } });
    await expect.poll(async () => (await readLog("flag")).length, { timeout: 5000 }).toBe(2);
    expect((await readLog("flag")).map((e) => e.event)).toEqual([
      { _id: expect.anything() as unknown, operationType: "insert", fullDocument: { n: 10 } },
      { _id: expect.anything() as unknown, operationType: "update", fullDocument: { n: 11 } },
    ]);
  });

  test("a function that throws is reported, and the trigger goes on", async () => {
    const boom = user.mongoClient("mongodb-atlas").db("t").collection<{ _id: number }>("boom");
    await boom.insertOne({ _id: 1 });
    await boom.insertOne({ _id: 2 });
    await expect.poll(() => failures.length, { timeout: 5000 }).toBe(2);
    expect(failures[0]).toBe("trigger onBoom: function fails failed: boom");
  });
});

describe("authentication triggers", () => {
  test("CREATE and LOGIN on a new user's login, DELETE with the user's providers", async () => {
    const other = await app.logIn(Realm.Credentials.anonymous(false));
    await app.deleteUser(other);
    const mine = (entry: Entry) => entry.userId === other.id;
    await expect
      .poll(async () => (await readLog("auth")).filter(mine).map((e) => e.op), { timeout: 5000 })
      .toEqual(["CREATE", "LOGIN", "DELETE"]);
    const first = (await readLog("auth")).find(mine);
    expect(first).toMatchObject({ providers: ["anon-user"], userType: "normal", timeIsDate: true });
    expect((await readLog("auth")).filter((e) => e.userId === user.id).map((e) => e.op)).toEqual(["CREATE", "LOGIN"]);
  });
});

describe("after the admin API's reset", () => {
  test("database triggers watch the collections again", async () => {
    const res = await fetch(`${running.server.url}/admin/v1/reset`, { method: "POST", headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.status).toBeLessThan(300);
    user = await app.logIn(Realm.Credentials.anonymous(false));
    await items().insertOne({ _id: 99, n: 99 });
    await expect.poll(async () => (await readLog("db")).map((e) => e.op), { timeout: 5000 }).toEqual(["insert"]);
  });
});

describe("scheduled triggers", () => {
  test("the function runs at each time the schedule matches; a disabled trigger does not run", async () => {
    await expect.poll(async () => (await readLog("tick")).length, { timeout: 5000, interval: 250 }).toBeGreaterThanOrEqual(2);
    expect(failures.filter((line) => line.includes("trigger off"))).toEqual([]);
  });
});

test("an invalid schedule or match stops the start, naming the trigger", async () => {
  const base = {
    "root_config.json": { name: "bad" },
    "functions/f.js": "exports = () => 1;",
    "data_sources/mongodb-atlas/config.json": ATLAS,
  };
  await expect(
    startAppServer({
      ...base,
      "triggers/t.json": { name: "t", type: "SCHEDULED", config: { schedule: "every minute" }, function_name: "f" },
    }),
  ).rejects.toThrow(/trigger t: invalid schedule "every minute"/);
  await expect(
    startAppServer({
      ...base,
      "triggers/m.json": onChanges("m", "items", { operation_types: ["INSERT"], match: { n: { $nope: 1 } } }, "f"),
    }),
  ).rejects.toThrow(/\$nope/);
  await expect(
    startAppServer({ ...base, "triggers/s.json": onChanges("s", "items", { operation_types: ["INSERT"], service_name: "other" }, "f") }),
  ).rejects.toThrow('trigger s: no data source named "other"');
});
