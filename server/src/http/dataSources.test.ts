import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ATLAS, ownerOnly } from "../../test/appDir.js";
import { startAppServer, type AppServer } from "../../test/appServer.js";
import { TestClient, type LoginBody } from "../../test/testClient.js";

// Two data sources, as two clusters in Atlas: one protects learn.tasks (owner only), the other
// lets everyone read everything. Here they share a store, but not their data.
let app: AppServer;
let c: TestClient;
let alice: LoginBody;
let bob: LoginBody;

beforeAll(async () => {
  app = await startAppServer({
    "auth/providers.json": { "anon-user": { type: "anon-user" } },
    "data_sources/mongodb-atlas/config.json": ATLAS,
    "data_sources/mongodb-atlas/learn/tasks/rules.json": ownerOnly("learn", "tasks"),
    "data_sources/analytics/config.json": { name: "analytics", type: "mongodb-atlas", config: { clusterName: "other" } },
    "data_sources/analytics/default_rule.json": { roles: [{ name: "reader", apply_when: {}, read: true, write: false }] },
    "data_sources/analytics/learn/notes/rules.json": ownerOnly("learn", "notes"),
  });
  c = new TestClient(app.server.url, "test-app");
  alice = await c.logIn("anon-user");
  bob = await c.logIn("anon-user");
});
afterAll(() => app.close());

function call(user: LoginBody, service: string, name: string, arg: Record<string, unknown>) {
  return c.request("POST", c.app("/functions/call"), {
    token: user.access_token,
    body: { name, service, arguments: [{ database: "learn", collection: "tasks", ...arg }] },
  });
}

describe("data sources", () => {
  test("a data source whose rules are wider does not open what another's protect", async () => {
    expect((await call(alice, "mongodb-atlas", "insertOne", { document: { owner_id: alice.user_id, secret: "alice-1" } })).status).toBe(
      200,
    );
    expect((await call(bob, "mongodb-atlas", "find", { query: {} })).body).toEqual([]);
    // through the other data source, the same names reach that data source's own (empty) data
    expect((await call(bob, "analytics", "find", { query: {} })).body).toEqual([]);
    expect((await call(alice, "analytics", "find", { query: {} })).body).toEqual([]);
    expect((await call(alice, "mongodb-atlas", "find", { query: {}, project: { _id: 0, secret: 1 } })).body).toEqual([
      { secret: "alice-1" },
    ]);
  });

  test("the other data source's own collection rules apply to its data", async () => {
    const notes = (user: LoginBody, name: string, arg: Record<string, unknown>) =>
      call(user, "analytics", name, { collection: "notes", ...arg });
    expect((await notes(bob, "insertOne", { document: { owner_id: bob.user_id, text: "bob's" } })).status).toBe(200);
    expect((await notes(alice, "insertOne", { document: { owner_id: bob.user_id, text: "as bob" } })).status).toBe(403);
    expect((await notes(alice, "find", { query: {} })).body).toEqual([]);
    expect((await notes(bob, "find", { query: {}, project: { _id: 0, text: 1 } })).body).toEqual([{ text: "bob's" }]);
    expect((await call(bob, "mongodb-atlas", "find", { collection: "notes", query: {} })).status).toBe(403);
  });

  test("a database named by a BSON symbol, or an argument with a _bsontype key, is mapped too; $ in a name is refused", async () => {
    const raw = (user: LoginBody, service: string, arg: string) =>
      c.request("POST", c.app("/functions/call"), {
        token: user.access_token,
        rawBody: `{"name":"find","service":"${service}","arguments":[${arg}]}`,
      });
    // through the wide data source, the owner-only data of the other must stay out of reach
    expect((await raw(bob, "analytics", '{"database":{"$symbol":"learn"},"collection":"tasks","query":{}}')).body).toEqual([]);
    expect((await raw(bob, "analytics", '{"_bsontype":null,"database":"learn","collection":"tasks","query":{}}')).body).toEqual([]);
    const named = await raw(bob, "mongodb-atlas", '{"database":{"$symbol":"learn$analytics"},"collection":"notes","query":{}}');
    expect(named.status).toBe(400);
    expect(named.body).toMatchObject({ error_code: "InvalidParameter", error: expect.stringContaining("may not contain $") });
  });

  test("errors name the database as the request did", async () => {
    const doc = { _id: "dup", owner_id: bob.user_id };
    expect((await call(bob, "analytics", "insertOne", { collection: "notes", document: doc })).status).toBe(200);
    const again = await call(bob, "analytics", "insertOne", { collection: "notes", document: doc });
    expect(again.body).toMatchObject({ error: expect.stringContaining("collection: learn.notes") });
    expect(JSON.stringify(again.body)).not.toContain("$analytics");
  });

  test("nothing is listed at start for two data sources", () => {
    expect(app.server.warnings).toEqual([]);
  });
});

describe("a data directory records its primary data source", () => {
  const OPEN = { roles: [{ name: "all", apply_when: {}, read: true, write: true }] };
  const source = (name: string) => ({
    [`data_sources/${name}/config.json`]: { name, type: "mongodb-atlas", config: { clusterName: name } },
    [`data_sources/${name}/default_rule.json`]: OPEN,
  });
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "rt-primary-"));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  /** Starts the app with these data sources on the data directory, and finds learn.items through each. */
  async function run(names: string[], write?: string): Promise<{ found: Record<string, unknown>; warnings: readonly string[] }> {
    const files: Record<string, unknown> = { "auth/providers.json": { "anon-user": { type: "anon-user" } } };
    for (const name of names) Object.assign(files, source(name));
    const running = await startAppServer(files, { inMemory: false, dataDir });
    try {
      const client = new TestClient(running.server.url, "test-app");
      const user = await client.logIn("anon-user");
      const items = (service: string, name: string, arg: Record<string, unknown>) =>
        client.request("POST", client.app("/functions/call"), {
          token: user.access_token,
          body: { name, service, arguments: [{ database: "learn", collection: "items", ...arg }] },
        });
      if (write !== undefined) expect((await items(write, "insertOne", { document: { from: write } })).status).toBe(200);
      const found: Record<string, unknown> = {};
      for (const name of names) found[name] = (await items(name, "find", { query: {}, project: { _id: 0 } })).body;
      return { found, warnings: running.server.warnings };
    } finally {
      await running.close();
    }
  }

  test("adding a data source that sorts first does not move the data; a renamed one keeps it; one that had data of its own does not take the primary one's", async () => {
    expect((await run(["cluster0"], "cluster0")).found).toEqual({ cluster0: [{ from: "cluster0" }] });
    // without the record, analytics (first by name) would take over cluster0's unsuffixed names
    const added = await run(["analytics", "cluster0"], "analytics");
    expect(added.found).toEqual({ analytics: [{ from: "analytics" }], cluster0: [{ from: "cluster0" }] });
    expect(added.warnings).toEqual([]);
    const removed = await run(["analytics"]);
    expect(removed.found).toEqual({ analytics: [{ from: "analytics" }] });
    expect(removed.warnings).toEqual([
      "data source cluster0 holds this data directory's data under its databases' own names (recorded at its first start), and it is not configured: that data is not reachable, and analytics keeps its data apart",
    ]);
    // a name no start has run with, alone: cluster0 renamed
    const renamed = await run(["main"]);
    expect(renamed.found).toEqual({ main: [{ from: "cluster0" }] });
    expect(renamed.warnings).toEqual([
      "data source main takes over the data of cluster0, this data directory's primary data source, which is not configured any more",
    ]);
    expect(await run(["main"])).toEqual({ found: { main: [{ from: "cluster0" }] }, warnings: [] });
  });
});
