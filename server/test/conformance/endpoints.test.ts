/**
 * Conformance: what the unmodified realm-web 2.0.1 writes to the demo app (demo/app, its rules
 * included), its HTTPS endpoint and its Data API read back for the same user, authenticated by an
 * API key realm-web created or by realm-web's own access token; another user reads nothing.
 */
import * as Realm from "realm-web";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startServer, type RunningServer } from "../../src/index.js";

let server: RunningServer;
let app: Realm.App;
let alice: Realm.User;
let key: string;

beforeAll(async () => {
  server = await startServer({ inMemory: true, appDir: "demo/app", onWarning: () => undefined });
  app = new Realm.App({ id: server.config.appId, baseUrl: server.url });
  await app.emailPasswordAuth.registerUser({ email: "alice@example.com", password: "password1" });
  alice = await app.logIn(Realm.Credentials.emailPassword("alice@example.com", "password1"));
  const todos = alice.mongoClient("mongodb-atlas").db("demo").collection("todos");
  await todos.insertOne({ owner_id: alice.id, text: "buy milk", done: false, createdAt: new Date(1) });
  await alice.functions.callFunction("addTodo", "write the report");
  key = (await alice.apiKeys.create("shell")).key;
});

afterAll(async () => {
  await server?.close();
});

function endpoint(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}/app/${server.config.appId}/endpoint${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
}

describe("the demo's HTTPS endpoint and Data API, beside realm-web", () => {
  test("GET /todos with realm-web's API key or access token: the todos realm-web wrote", async () => {
    const byKey = await endpoint("/todos", { headers: { apiKey: key } });
    expect(byKey.status).toBe(200);
    expect(byKey.headers.get("cache-control")).toBe("no-store");
    const todos = (await byKey.json()) as { text: string; owner_id: string; _id: string }[];
    expect(todos.map((t) => t.text)).toEqual(["buy milk", "write the report"]);
    expect(todos[0]?._id).toMatch(/^[0-9a-f]{24}$/);
    const byToken = await endpoint("/todos?done=false", { headers: { authorization: `Bearer ${alice.accessToken ?? ""}` } });
    expect(((await byToken.json()) as unknown[]).length).toBe(2);
  });

  test("the Data API finds them as Alice, updates one that realm-web then reads; another user finds none", async () => {
    const post = (action: string, body: object, headers: Record<string, string>) =>
      endpoint(`/data/v1/action/${action}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ dataSource: "mongodb-atlas", database: "demo", collection: "todos", ...body }),
      });
    const found = await post("find", { filter: {}, sort: { createdAt: 1 }, projection: { _id: 0, text: 1 } }, { apiKey: key });
    expect(await found.json()).toEqual({ documents: [{ text: "buy milk" }, { text: "write the report" }] });
    const updated = await post("updateOne", { filter: { text: "buy milk" }, update: { $set: { done: true } } }, { apiKey: key });
    expect(await updated.json()).toEqual({ matchedCount: 1, modifiedCount: 1 });
    const mine = alice.mongoClient("mongodb-atlas").db("demo").collection("todos");
    expect(await mine.findOne({ text: "buy milk" })).toMatchObject({ done: true });

    const bob = await app.logIn(Realm.Credentials.anonymous());
    const theirs = await post("find", { filter: {} }, { authorization: `Bearer ${bob.accessToken ?? ""}` });
    expect(await theirs.json()).toEqual({ documents: [] });
    const denied = await post("deleteMany", { filter: {} }, { authorization: `Bearer ${bob.accessToken ?? ""}` });
    expect(await denied.json()).toEqual({ deletedCount: 0 });
    expect((await mine.find({})).length).toBe(2);
  });
});
