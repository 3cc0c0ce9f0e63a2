/**
 * Issue 4: the rest of the SDK surface across tabs, against the real local server and the real
 * SharedWorker: CRUD, shared watch streams, API keys, email/password, link, delete, and the opt-out
 * of the migration from realm-web 2.0.1 (the migration itself: playwright/scenarios/migration.ts).
 */
import type { Page } from "@playwright/test";
import { FUNCTIONS_DIR, expect, test } from "./fixtures.js";
import { startTestServer, type TestServer } from "../src/testing/server.js";
import { expectTabsAgree, openTab, openTabs, testPageUrl } from "../src/testing/tabs.js";

const SERVICE = "mongodb-atlas";

function logInAnonymously(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const { app, Credentials } = window.realmTabs!;
    return (await app.logIn(Credentials.anonymous())).id;
  });
}

async function adminGet(server: TestServer, path: string): Promise<unknown> {
  const res = await fetch(`${server.url}/admin/v1${path}`, {
    headers: { authorization: `Bearer ${server.adminToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`admin ${path}: ${res.status}`);
  return res.json();
}

/** Starts `for await (… of collection.watch())` in the page; events' `fullDocument.n` go to `window.__watch.seen`. */
function startWatch(page: Page, collection: string): Promise<void> {
  return page.evaluate(
    ({ collection, service }) => {
      const coll = window.realmTabs!.app.currentUser!.mongoClient(service).db("surface").collection(collection);
      const state = { seen: [] as number[], stop: false, ended: false, error: null as string | null };
      (window as unknown as { __watch: typeof state }).__watch = state;
      void (async () => {
        try {
          for await (const change of coll.watch()) {
            state.seen.push((change as { fullDocument?: { n: number } }).fullDocument!.n);
            if (state.stop) break;
          }
        } catch (e) {
          state.error = String(e);
        }
        state.ended = true;
      })();
    },
    { collection, service: SERVICE },
  );
}

const watchState = (page: Page) =>
  page.evaluate(() => (window as unknown as { __watch: { seen: number[]; ended: boolean; error: string | null } }).__watch);

function insert(page: Page, collection: string, n: number): Promise<void> {
  return page.evaluate(
    async ({ collection, n, service }) => {
      await window.realmTabs!.app.currentUser!.mongoClient(service).db("surface").collection(collection).insertOne({ n });
    },
    { collection, n, service: SERVICE },
  );
}

/** Inserts probes (n = 0) until every tab's watch delivered one: then every tab is subscribed. */
async function waitUntilWatching(pages: Page[], collection: string): Promise<void> {
  await expect
    .poll(
      async () => {
        await insert(pages[0]!, collection, 0);
        const states = await Promise.all(pages.map(watchState));
        return states.every((s) => s.seen.includes(0));
      },
      { timeout: 20_000 },
    )
    .toBe(true);
}

test("CRUD from different tabs, with BSON types intact both ways", async ({ context, stack }) => {
  const [a, b] = await openTabs(context, stack.url, 2);
  await logInAnonymously(a!);
  await expectTabsAgree([a!, b!], (v) => v.currentUserId !== null);
  const id = await a!.evaluate(async (service) => {
    const { app, BSON } = window.realmTabs!;
    const c = app.currentUser!.mongoClient(service).db("surface").collection<Record<string, unknown>>("crud");
    const r = await c.insertOne({ name: "ada", born: new Date(Date.UTC(1815, 11, 10)), price: BSON.Decimal128.fromString("1.50") });
    await c.insertMany([
      { name: "bob", n: 1 },
      { name: "cy", n: 2 },
    ]);
    return (r.insertedId as InstanceType<typeof BSON.ObjectId>).toHexString();
  }, SERVICE);
  const seen = await b!.evaluate(
    async ({ service, id }) => {
      const { app, BSON } = window.realmTabs!;
      const c = app.currentUser!.mongoClient(service).db("surface").collection<Record<string, unknown>>("crud");
      const doc = await c.findOne({ _id: new BSON.ObjectId(id) }, { projection: { name: 1, born: 1, price: 1 } });
      const updated = await c.updateOne({ name: "bob" }, { $set: { n: 10 } });
      const after = await c.findOneAndUpdate({ name: "cy" }, { $inc: { n: 1 } }, { returnNewDocument: true });
      const deleted = await c.deleteOne({ name: "bob" });
      await c.insertOne({ name: "dee", n: 4 });
      const replaced = await c.findOneAndReplace({ name: "dee" }, { name: "dee", n: 5 }, { returnNewDocument: true });
      const removed = await c.findOneAndDelete({ name: "dee" });
      const total = await c.aggregate([{ $match: { n: { $gte: 0 } } }, { $group: { _id: null, sum: { $sum: "$n" } } }]);
      return {
        replaced: replaced?.n,
        removed: removed?.n,
        total: (total as { sum: number }[])[0]?.sum,
        idIsObjectId: doc?._id instanceof BSON.ObjectId,
        bornIsDate: doc?.born instanceof Date,
        born: (doc?.born as Date).toISOString(),
        priceIsDecimal: doc?.price instanceof BSON.Decimal128,
        price: String(doc?.price),
        updated,
        after: after?.n,
        deleted,
        count: await c.count(),
        names: (await c.find({}, { sort: { name: 1 } })).map((d) => d.name),
      };
    },
    { service: SERVICE, id },
  );
  expect(seen).toEqual({
    replaced: 5,
    removed: 5,
    total: 3,
    idIsObjectId: true,
    bornIsDate: true,
    born: "1815-12-10T00:00:00.000Z",
    priceIsDecimal: true,
    price: "1.50",
    updated: { matchedCount: 1, modifiedCount: 1 },
    after: 3,
    deleted: { deletedCount: 1 },
    count: 2,
    names: ["ada", "cy"],
  });
  const bad = await a!.evaluate(async (service) => {
    const c = window.realmTabs!.app.currentUser!.mongoClient(service).db("surface").collection<Record<string, unknown>>("crud");
    const e = (await c.find("nope" as never).catch((x: unknown) => x)) as { code?: string };
    return e.code;
  }, SERVICE);
  expect(bad).toBe("invalid-argument");
});

test(`two tabs watching one collection share ONE server stream, see each other's inserts, and release it on break (leader mode)`, async ({
  context,
  stack,
}) => {
  // in the default mode this is the scenario of playwright/scenarios/watch.ts (cross-tab.spec.ts)
  const [a, b] = await openTabs(context, `${stack.url}&mode=leader`, 2);
  expect(await a!.evaluate(() => window.realmTabs!.app.mode)).toBe("leader");
  await logInAnonymously(a!);
  await expectTabsAgree([a!, b!], (v) => v.currentUserId !== null);
  await startWatch(a!, "watched");
  await startWatch(b!, "watched");
  await waitUntilWatching([a!, b!], "watched");
  expect((await stack.server.counters()).openStreams).toBe(1);
  expect(await a!.evaluate(async () => (await window.realmTabs!.app.stats()).openStreams)).toBe(1);
  await insert(a!, "watched", 1);
  await insert(b!, "watched", 2);
  for (const tab of [a!, b!]) await expect.poll(async () => (await watchState(tab)).seen.filter((n) => n > 0)).toEqual([1, 2]);
  // both loops break at the next event
  for (const tab of [a!, b!])
    await tab.evaluate(() => {
      (window as unknown as { __watch: { stop: boolean } }).__watch.stop = true;
    });
  await insert(a!, "watched", 3);
  for (const tab of [a!, b!]) await expect.poll(async () => (await watchState(tab)).ended).toBe(true);
  await expect.poll(async () => (await stack.server.counters()).openStreams).toBe(0);
  expect((await watchState(a!)).error).toBeNull();
});

test("a shared watch stream closes when both watching tabs close", async ({ context, stack }) => {
  const [a, b, c] = await openTabs(context, stack.url, 3);
  await logInAnonymously(a!);
  await expectTabsAgree([a!, b!, c!], (v) => v.currentUserId !== null);
  await startWatch(a!, "closing");
  await startWatch(b!, "closing");
  await waitUntilWatching([a!, b!], "closing");
  expect((await stack.server.counters()).openStreams).toBe(1);
  await a!.close();
  await expect.poll(async () => await c!.evaluate(async () => (await window.realmTabs!.app.stats()).tabs)).toBe(2);
  expect((await stack.server.counters()).openStreams).toBe(1);
  await b!.close();
  await expect.poll(async () => (await stack.server.counters()).openStreams, { timeout: 20_000 }).toBe(0);
});

test("API keys: create in one tab, list in another, log in with the key as the same user", async ({ context, stack }) => {
  const [a, b] = await openTabs(context, stack.url, 2);
  const id = await logInAnonymously(a!);
  await expectTabsAgree([a!, b!], (v) => v.currentUserId === id);
  const created = await a!.evaluate(async () => {
    const { app } = window.realmTabs!;
    const k = await app.currentUser!.apiKeys.create("k1");
    return { key: k.key, id: k._id, idType: typeof k._id, name: k.name, disabled: k.disabled };
  });
  expect(created).toMatchObject({ idType: "string", name: "k1", disabled: false });
  expect(created.id).toMatch(/^[0-9a-f]{24}$/);
  const listed = await b!.evaluate(async () => {
    const keys = await window.realmTabs!.app.currentUser!.apiKeys.fetchAll();
    return keys.map((k) => ({ id: k._id, name: k.name, hasKey: "key" in k }));
  });
  expect(listed).toEqual([{ id: created.id, name: "k1", hasKey: false }]);
  const viaKey = await b!.evaluate(async (key) => {
    const { app, Credentials } = window.realmTabs!;
    return (await app.logIn(Credentials.apiKey(key))).id;
  }, created.key);
  expect(viaKey).toBe(id);
});

test("email/password: register, confirm with the emailed token, reset the password, log in", async ({ context, stack }) => {
  const server = await startTestServer({
    functionsDir: FUNCTIONS_DIR,
    config: { authProviders: { "local-userpass": { autoConfirm: false }, "anon-user": {} } },
  });
  try {
    const url = testPageUrl(stack.page, server);
    const [a, b] = [await openTab(context, url), await openTab(context, url)];
    const email = "ann@example.com";
    await a.evaluate((email) => window.realmTabs!.app.emailPasswordAuth.registerUser({ email, password: "secret123" }), email);
    const unconfirmed = await b.evaluate(async (email) => {
      const { app, Credentials } = window.realmTabs!;
      const e = (await app.logIn(Credentials.emailPassword(email, "secret123")).catch((x: unknown) => x)) as { statusCode?: number };
      return e.statusCode;
    }, email);
    expect(unconfirmed).toBe(401);
    await b.evaluate((email) => window.realmTabs!.app.emailPasswordAuth.resendConfirmationEmail({ email }), email);
    const confirm = (await adminGet(server, `/userpass/tokens?email=${encodeURIComponent(email)}&kind=confirm`)) as {
      token: string;
      tokenId: string;
    };
    await b.evaluate((t) => window.realmTabs!.app.emailPasswordAuth.confirmUser(t), confirm);
    await a.evaluate((email) => window.realmTabs!.app.emailPasswordAuth.sendResetPasswordEmail({ email }), email);
    const reset = (await adminGet(server, `/userpass/tokens?email=${encodeURIComponent(email)}&kind=reset`)) as {
      token: string;
      tokenId: string;
    };
    await a.evaluate((t) => window.realmTabs!.app.emailPasswordAuth.resetPassword({ ...t, password: "newpass123" }), reset);
    const id = await b.evaluate(async (email) => {
      const { app, Credentials } = window.realmTabs!;
      return (await app.logIn(Credentials.emailPassword(email, "newpass123"))).id;
    }, email);
    await expectTabsAgree([a, b], (v) => v.currentUserId === id);
    const bad = await a.evaluate(async () => {
      const e = (await window.realmTabs!.app.emailPasswordAuth.registerUser({ email: "", password: "x" }).catch((x: unknown) => x)) as {
        code?: string;
      };
      return e.code;
    });
    expect(bad).toBe("invalid-argument");
  } finally {
    await server.close();
  }
});

test("linkCredentials in tab A: tab B sees the new identity", async ({ context, stack }) => {
  const [a, b] = await openTabs(context, stack.url, 2);
  const id = await logInAnonymously(a!);
  await expectTabsAgree([a!, b!], (v) => v.currentUserId === id);
  const email = `link-${Date.now()}@example.com`;
  await a!.evaluate(async (email) => {
    const { app, Credentials } = window.realmTabs!;
    await app.emailPasswordAuth.registerUser({ email, password: "secret123" });
    await app.currentUser!.linkCredentials(Credentials.emailPassword(email, "secret123"));
  }, email);
  await expect
    .poll(() => b!.evaluate(() => window.realmTabs!.app.currentUser!.identities.map((i) => i.providerType).sort()))
    .toEqual(["anon-user", "local-userpass"]);
});

test("deleteUser in tab A removes the user in every tab", async ({ context, stack }) => {
  const [a, b, c] = await openTabs(context, stack.url, 3);
  const id = await logInAnonymously(a!);
  await expectTabsAgree([a!, b!, c!], (v) => v.currentUserId === id);
  const before = (await stack.server.counters()).routes.deleteUser ?? 0;
  await b!.evaluate(async () => {
    const { app } = window.realmTabs!;
    await app.deleteUser(app.currentUser!);
  });
  await expectTabsAgree([a!, b!, c!], (v) => v.currentUserId === null && v.users.length === 0);
  expect((await stack.server.counters()).routes.deleteUser).toBe(before + 1);
});

test("migrateFromRealmWeb: false leaves realm-web's session alone", async ({ context, stack }) => {
  const rwUrl = new URL(stack.url);
  rwUrl.pathname = "/playwright/app/realm-web.html";
  const page = await context.newPage();
  await page.goto(rwUrl.toString());
  await expect(page.locator("#status")).toHaveText("ready", { timeout: 30_000 });
  await page.evaluate(async () => {
    await window.realmWeb!.app.logIn(window.realmWeb!.Credentials.anonymous());
  });
  const keys = () =>
    page.evaluate(() =>
      Object.keys(localStorage)
        .filter((k) => k.startsWith("realm-web:app("))
        .sort(),
    );
  const before = await keys();
  const optOut = new URL(stack.url);
  optOut.searchParams.set("migrate", "0");
  await page.goto(optOut.toString());
  await expect(page.locator("#status")).toHaveText("ready", { timeout: 30_000 });
  expect(await page.evaluate(() => window.realmTabs!.app.currentUser?.id ?? null)).toBeNull();
  expect(await keys()).toEqual(before);
});
