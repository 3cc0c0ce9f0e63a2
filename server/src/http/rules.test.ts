import * as Realm from "realm-web";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ATLAS, ownerOnly } from "../../test/appDir.js";
import { CUSTOM_USER_DATA, startAppServer, type AppServer } from "../../test/appServer.js";
import { startServer, type RunningServer } from "../index.js";

// Data access rules over HTTP, with the unmodified realm-web 2.0.1 as the client, against an
// exported app (in a temporary folder) whose collections are owner-only.
let running: AppServer | undefined;
let server: RunningServer;
let app: Realm.App;

type Doc = { _id: unknown; owner_id: string; text: string; secret?: string };

const COUNT = (collection: string) => `exports = function () {
  return context.services.get("mongodb-atlas").db("demo").collection("${collection}").count({});
};`;

beforeAll(async () => {
  running = await startAppServer({
    "root_config.json": { name: "rules-app" },
    "auth/providers.json": { "anon-user": { name: "anon-user", type: "anon-user" } },
    "auth/custom_user_data.json": CUSTOM_USER_DATA,
    "functions/config.json": [
      { name: "countAsCaller" },
      { name: "whereFrom" },
      { name: "countAsSystem", run_as_system: true },
      { name: "internal", private: true },
      { name: "addWithSecret", run_as_system: true },
      { name: "addNote", run_as_system: true },
    ],
    "functions/whereFrom.js": `exports = function () {
      const r = context.request;
      return { ip: r.remoteIPAddress, method: r.httpMethod, action: r.action, headers: Object.keys(r.requestHeaders).sort() };
    };`,
    "functions/countAsCaller.js": COUNT("private"),
    "functions/countAsSystem.js": COUNT("private"),
    "functions/internal.js": "exports = () => 'internal';",
    // System code may write a field the owner may not read.
    "functions/addWithSecret.js": `exports = function (text) {
      return context.services.get("mongodb-atlas").db("demo").collection("todos").insertOne({ owner_id: context.user.id, text, secret: "hidden" });
    };`,
    "functions/addNote.js": `exports = function (text, secret) {
      return context.services.get("mongodb-atlas").db("demo").collection("notes").insertOne({ owner_id: context.user.id, text, secret });
    };`,
    "data_sources/mongodb-atlas/config.json": ATLAS,
    "data_sources/mongodb-atlas/demo/private/rules.json": ownerOnly("demo", "private"),
    // Readable from the loopback address only (App Services' %%request example), and from nowhere.
    "data_sources/mongodb-atlas/demo/local/rules.json": {
      database: "demo",
      collection: "local",
      roles: [
        { name: "local", apply_when: { "%%request.remoteIPAddress": { $in: ["127.0.0.1", "::ffff:127.0.0.1"] } }, read: true, write: true },
      ],
    },
    "data_sources/mongodb-atlas/demo/elsewhere/rules.json": {
      database: "demo",
      collection: "elsewhere",
      roles: [{ name: "office", apply_when: { "%%request.remoteIPAddress": "10.1.2.3" }, read: true, write: true }],
    },
    // Everyone reads the board; only a post's owner writes it.
    "data_sources/mongodb-atlas/demo/board/rules.json": {
      database: "demo",
      collection: "board",
      roles: [
        { name: "owner", apply_when: { owner_id: "%%user.id" }, read: true, write: true, insert: true, delete: true },
        { name: "reader", apply_when: {}, read: true, write: false, insert: false, delete: false },
      ],
    },
    // Each user's notes, by a filter; a note's `secret` is not readable.
    "data_sources/mongodb-atlas/demo/notes/rules.json": {
      database: "demo",
      collection: "notes",
      roles: [
        {
          name: "owner",
          apply_when: { owner_id: "%%user.id" },
          fields: { owner_id: { read: true, write: true }, text: { read: true, write: true }, n: { read: true, write: true } },
          insert: true,
          delete: true,
        },
      ],
      filters: [{ name: "mine", apply_when: true, query: { owner_id: "%%user.id" } }],
    },
    "data_sources/mongodb-atlas/demo/todos/rules.json": {
      database: "demo",
      collection: "todos",
      roles: [
        {
          name: "owner",
          apply_when: { owner_id: "%%user.id" },
          fields: { owner_id: { read: true, write: true }, text: { read: true, write: true } },
          insert: true,
          delete: true,
        },
      ],
    },
  });
  server = running.server;
  app = new Realm.App({ id: "rules-app", baseUrl: server.url });
});
afterAll(async () => {
  await running?.close();
});

const collection = (user: Realm.User, name: string) => user.mongoClient("mongodb-atlas").db("demo").collection<Doc>(name);

describe("an exported app with owner-only rules, through realm-web 2.0.1", () => {
  it("an anonymous user can neither read nor change another user's documents", async () => {
    const alice = await app.logIn(Realm.Credentials.anonymous(false));
    const mallory = await app.logIn(Realm.Credentials.anonymous(false));
    const mine = collection(alice, "private");
    const theirs = collection(mallory, "private");
    const { insertedId } = await mine.insertOne({ owner_id: alice.id, text: "diary", secret: "s" });

    expect(await theirs.find({})).toEqual([]);
    expect(await theirs.findOne({ _id: insertedId })).toBeNull();
    expect(await theirs.count({})).toBe(0);
    expect(await theirs.updateOne({ _id: insertedId }, { $set: { text: "rewritten" } })).toMatchObject({
      matchedCount: 0,
      modifiedCount: 0,
    });
    expect(await theirs.deleteMany({})).toEqual({ deletedCount: 0 });
    await expect(theirs.insertOne({ owner_id: alice.id, text: "planted" })).rejects.toMatchObject({
      statusCode: 403,
      error: "insert not permitted",
    });
    await expect(mine.updateOne({ _id: insertedId }, { $set: { owner_id: mallory.id } })).rejects.toMatchObject({
      statusCode: 403,
      error: "update not permitted",
    });

    expect(await mine.find({})).toEqual([{ _id: insertedId, owner_id: alice.id, text: "diary", secret: "s" }]);
  });

  it("an ordered insertMany keeps the permitted documents before a duplicate; one not permitted writes nothing", async () => {
    const alice = await app.logIn(Realm.Credentials.anonymous(false));
    const mine = collection(alice, "private");
    const mineOnly = (id: string) => ({ _id: id, owner_id: alice.id, text: id });
    await mine.insertOne(mineOnly("a1"));
    await expect(mine.insertMany([mineOnly("a2"), mineOnly("a1"), mineOnly("a3")])).rejects.toMatchObject({
      statusCode: 400,
      errorCode: "MongoDBError",
    });
    await expect(mine.insertMany([mineOnly("a4"), { _id: "x", owner_id: "someone else", text: "planted" }])).rejects.toMatchObject({
      statusCode: 403,
      error: "insert not permitted",
    });
    expect((await mine.find({}, { sort: { _id: 1 } })).map((d) => d._id)).toEqual(["a1", "a2"]);
  });

  it("a user who may only read a document cannot take it over by writing its owner field", async () => {
    const alice = await app.logIn(Realm.Credentials.anonymous(false));
    const mallory = await app.logIn(Realm.Credentials.anonymous(false));
    const { insertedId } = await collection(alice, "board").insertOne({ owner_id: alice.id, text: "hello" });
    const board = collection(mallory, "board");
    expect(await board.findOne({ _id: insertedId })).toEqual({ _id: insertedId, owner_id: alice.id, text: "hello" });
    await expect(board.updateOne({ _id: insertedId }, { $set: { owner_id: mallory.id, text: "mine now" } })).rejects.toMatchObject({
      statusCode: 403,
      error: "update not permitted",
    });
    await expect(board.findOneAndReplace({ _id: insertedId }, { owner_id: mallory.id, text: "replaced" })).rejects.toMatchObject({
      statusCode: 403,
    });
    expect(await collection(alice, "board").updateOne({ _id: insertedId }, { $set: { text: "edited" } })).toMatchObject({
      modifiedCount: 1,
    });
    expect(await board.findOne({ _id: insertedId })).toEqual({ _id: insertedId, owner_id: alice.id, text: "edited" });
  });

  it("rules see the request as %%request, and functions as context.request, without its credentials", async () => {
    const user = await app.logIn(Realm.Credentials.anonymous(false));
    const from = (await user.functions.whereFrom!()) as { ip: string; method: string; action: string; headers: string[] };
    expect(from.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect(from).toMatchObject({ method: "POST", action: "whereFrom" });
    expect(from.headers).toContain("Content-Type");
    expect(from.headers).not.toContain("Authorization");
    expect(await collection(user, "local").insertOne({ owner_id: user.id, text: "here" })).toHaveProperty("insertedId");
    expect(await collection(user, "local").count({})).toBe(1);
    await expect(collection(user, "elsewhere").insertOne({ owner_id: user.id, text: "there" })).rejects.toMatchObject({
      statusCode: 403,
      error: "insert not permitted",
    });
  });

  it("a namespace without rules is refused with App Services' error", async () => {
    const user = await app.logIn(Realm.Credentials.anonymous(false));
    await expect(collection(user, "other").find({})).rejects.toMatchObject({
      statusCode: 403,
      errorCode: "NoMatchingRuleFound",
      error: "no rule exists for namespace 'demo.other'",
    });
  });

  it("the custom user data collection is not writable by users", async () => {
    const user = await app.logIn(Realm.Credentials.anonymous(false));
    const data = user.mongoClient("mongodb-atlas").db("demo").collection("userData");
    await expect(data.updateOne({ userId: user.id }, { $set: { role: "admin" } }, { upsert: true })).rejects.toMatchObject({
      errorCode: "NoMatchingRuleFound",
    });
  });

  it("an operator kept for system code is refused", async () => {
    const user = await app.logIn(Realm.Credentials.anonymous(false));
    await expect(collection(user, "private").find({ text: { $regex: "^(a+)+$" } })).rejects.toMatchObject({
      statusCode: 400,
      errorCode: "MongoDBError",
      error: expect.stringContaining("$regex"),
    });
    await expect(
      collection(user, "private").aggregate([{ $lookup: { from: "todos", localField: "a", foreignField: "b", as: "c" } }]),
    ).rejects.toMatchObject({
      error: expect.stringContaining("$lookup"),
    });
  });

  it("a function runs as its caller unless it runs as system; private functions are not callable", async () => {
    const a = await app.logIn(Realm.Credentials.anonymous(false));
    const b = await app.logIn(Realm.Credentials.anonymous(false));
    await collection(a, "private").insertOne({ owner_id: a.id, text: "a" });
    await collection(b, "private").insertOne({ owner_id: b.id, text: "b" });
    const total = await b.functions["countAsSystem"]?.();
    expect(await b.functions["countAsCaller"]?.()).toBe(1);
    expect(total).toBeGreaterThanOrEqual(2);
    await expect(b.functions["internal"]?.()).rejects.toMatchObject({ statusCode: 404, errorCode: "FunctionNotFound" });
  });

  it("queries and sorts see the stored documents, results only what the user may read; upserts get the filter's fields", async () => {
    const alice = await app.logIn(Realm.Credentials.anonymous(false));
    const bob = await app.logIn(Realm.Credentials.anonymous(false));
    await alice.functions["addNote"]?.("b", "2");
    await alice.functions["addNote"]?.("a", "1");
    await bob.functions["addNote"]?.("c", "1");
    const notes = collection(alice, "notes");
    const found = await notes.find({ secret: "1" });
    expect(found.map(({ _id: _, ...rest }) => rest)).toEqual([{ owner_id: alice.id, text: "a" }]);
    expect((await notes.find({}, { sort: { secret: -1 } })).map((d) => d.text)).toEqual(["b", "a"]);
    expect(await notes.findOne({ secret: "2" }, { projection: { _id: 0, secret: 1, text: 1 } })).toEqual({ text: "b" });

    const upserted = await collection(bob, "notes").updateOne({ text: "new" }, { $set: { n: 1 } }, { upsert: true });
    expect(upserted.upsertedId).toBeDefined();
    expect(await collection(bob, "notes").findOne({ text: "new" }, { projection: { _id: 0 } })).toEqual({
      owner_id: bob.id,
      text: "new",
      n: 1,
    });
    expect(await notes.count({ text: "new" })).toBe(0);
  });

  it("a watch stream carries only its user's documents, without the fields they may not read", async () => {
    const alice = await app.logIn(Realm.Credentials.anonymous(false));
    const bob = await app.logIn(Realm.Credentials.anonymous(false));
    const stream = collection(alice, "todos").watch();
    const received: (typeof stream extends AsyncIterable<infer E> ? E : never)[] = [];
    const reading = (async () => {
      for await (const event of stream) received.push(event);
    })();
    // The stream opens asynchronously: Alice inserts until her first event arrives.
    await vi.waitFor(
      async () => {
        if (received.length > 0) return;
        await alice.functions["addWithSecret"]?.("ping");
        throw new Error("no event yet");
      },
      { timeout: 5000, interval: 100 },
    );
    await collection(bob, "todos").insertOne({ owner_id: bob.id, text: "bob's" });
    await collection(alice, "todos").insertOne({ owner_id: alice.id, text: "last" });
    await vi.waitFor(() => expect(received.some((e) => "fullDocument" in e && e.fullDocument?.text === "last")).toBe(true), {
      timeout: 5000,
    });
    await stream.return(undefined);
    await reading.catch(() => undefined);
    const docs = received.map((e) => ("fullDocument" in e ? e.fullDocument : undefined));
    expect(docs.every((d) => d?.owner_id === alice.id)).toBe(true);
    expect(docs.some((d) => d?.text === "bob's")).toBe(false);
    expect(docs.every((d) => d !== undefined && !("secret" in d))).toBe(true);
  });
});

describe("without an app", () => {
  it("users reach no data by default; allowAllData opens it with a warning", async () => {
    const closed = await startServer({ inMemory: true, appId: "closed", onWarning: () => undefined });
    const warnings: string[] = [];
    const open = await startServer({ inMemory: true, appId: "open", allowAllData: true, onWarning: (line) => warnings.push(line) });
    try {
      const closedUser = await new Realm.App({ id: "closed", baseUrl: closed.url }).logIn(Realm.Credentials.anonymous(false));
      await expect(collection(closedUser, "anything").insertOne({ owner_id: "x", text: "t" })).rejects.toMatchObject({
        statusCode: 403,
        errorCode: "NoMatchingRuleFound",
        error: "no rule exists for namespace 'demo.anything'",
      });
      expect(closed.warnings).toEqual([]);
      const openUser = await new Realm.App({ id: "open", baseUrl: open.url }).logIn(Realm.Credentials.anonymous(false));
      expect(await collection(openUser, "anything").insertOne({ owner_id: "x", text: "t" })).toMatchObject({
        insertedId: expect.anything(),
      });
      expect(warnings).toEqual([expect.stringContaining("allowAllData")]);
      expect(open.warnings).toEqual(warnings);
    } finally {
      await Promise.all([closed.close(), open.close()]);
    }
  });
});
