/**
 * App and User in Node against the worker's real session host (worker/host.ts, memory store),
 * reached over MessageChannels (one per "tab"), with events on real BroadcastChannels, against the
 * real local server started in-process.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { fileURLToPath } from "node:url";
import { ObjectId } from "bson";
import { EJSON as EJSON4 } from "bson4";
import * as RealmWeb from "realm-web";
import { App } from "./app.js";
import type { TabSession } from "./session.js";
import { Credentials } from "./credentials.js";
import { exposeSession } from "./protocol/expose.js";
import { isMongoDBRealmError } from "./protocol/encodeError.js";
import { createSessionHost, type SessionHost } from "../worker/host/host.js";
import { manualLiveness } from "../worker/host/liveness.js";
import { memoryStore } from "../worker/io/fallbackStore.js";
import { startServer } from "../server/src/index.js";

const functionsDir = fileURLToPath(new URL("../playwright/functions", import.meta.url));
let server: Awaited<ReturnType<typeof startServer>>;
let host: SessionHost;
const ports: MessagePort[] = [];
const apps: App[] = [];

beforeAll(async () => {
  server = await startServer({
    port: 0,
    host: "127.0.0.1",
    appId: "tab-it",
    inMemory: true,
    functionsDir,
    adminToken: "integration-admin-token",
  });
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  for (const app of apps.splice(0)) app.close();
  for (const port of ports.splice(0)) port.close();
  host.close();
});

/** The bodies of the runtime's requests, in order (with their URLs). */
const sent: { url: string; body: unknown }[] = [];

/** Opens `count` tabs of one fresh runtime (a new host = a fresh SharedWorker). */
function openTabs(count: number): App[] {
  sent.length = 0;
  host = createSessionHost({
    buildId: "it",
    openStore: () => memoryStore(),
    fetch: (input, init) => {
      if (typeof init?.body === "string") sent.push({ url: String(input), body: JSON.parse(init.body) as unknown });
      return fetch(input, init);
    },
    channel: (name) => new BroadcastChannel(name),
    liveness: manualLiveness(),
  });
  const id = `tab-it`;
  const baseUrl = server.url; // a new host per test is a fresh runtime (a fresh SharedWorker)
  return Array.from({ length: count }, () => {
    const app = new App({
      id,
      baseUrl,
      timeoutMs: 10_000,
      worker: () => {
        const { port1, port2 } = new MessageChannel();
        exposeSession(host.connection(), port1);
        ports.push(port1, port2);
        return port2;
      },
    });
    apps.push(app);
    return app;
  });
}

describe("App and User against the real session host and server", () => {
  it("shares a login, function calls, a token refresh and a logout between tabs", async () => {
    const [a, b] = openTabs(2);
    await Promise.all([a!.ready, b!.ready]);
    const user = await a!.logIn(Credentials.anonymous());
    expect(user.accessToken).toMatch(/^ey/);
    await vi.waitFor(() => expect(b!.currentUser?.accessToken).toBe(user.accessToken));
    const other = b!.currentUser!;
    expect(other.identities[0]?.providerType).toBe("anon-user");
    expect(await user.functions.sum!(1, 2)).toBe(3);
    expect(await other.callFunction("sum", 20, 22)).toBe(42);

    const fired = { a: 0, b: 0, appA: 0, appB: 0 };
    user.addListener(() => {
      fired.a += 1;
    });
    other.addListener(() => {
      fired.b += 1;
    });
    a!.addListener(() => {
      fired.appA += 1;
    });
    b!.addListener(() => {
      fired.appB += 1;
    });
    // An unchanged token is no change: refresh (in tab b) until the server mints a new one, then
    // tab a must see that same token.
    const before = user.accessToken;
    await vi.waitFor(
      async () => {
        await other.refreshAccessToken();
        expect(other.accessToken).not.toBe(before);
      },
      { timeout: 5_000, interval: 200 },
    );
    await vi.waitFor(() => expect(user.accessToken).toBe(other.accessToken));
    await vi.waitFor(() => expect(fired).toMatchObject({ a: 1, b: 1 }));

    await other.logOut();
    await vi.waitFor(() => expect(fired).toEqual({ a: 2, b: 2, appA: 1, appB: 1 }));
    expect(user.isLoggedIn).toBe(false);
    expect(a!.currentUser).toBeNull();
    // every change reached tab a on its push port: no channel hint made it fetch a snapshot
    const session = (app: App): TabSession => (app as unknown as { session: TabSession }).session;
    expect(session(a!).attached!.pushes.received).toBeGreaterThanOrEqual(3);
    expect(session(a!).attached!.gate.fetches).toBe(0);
  });

  it("logging a user out again resolves, as realm-web's: after another tab's logout removed it, and after removeUser", async () => {
    const [a, b] = openTabs(2);
    const anon = await a!.logIn(Credentials.anonymous(false));
    await vi.waitFor(() => expect(b!.currentUser?.id).toBe(anon.id));
    const inB = b!.currentUser!;
    await anon.logOut();
    await vi.waitFor(() => expect(inB.state).toBe("Removed"));
    await expect(inB.logOut()).resolves.toBeUndefined();
    await expect(anon.logOut()).resolves.toBeUndefined();
    const again = await a!.logIn(Credentials.anonymous(false));
    await a!.removeUser(again);
    await expect(again.logOut()).resolves.toBeUndefined();
    expect(Object.keys(a!.allUsers)).toEqual([]);
  });

  it("user.toJSON() has realm-web 2.0.1's shape: the whole profile (type, identities, data), not only its data", async () => {
    const [a] = openTabs(1);
    const user = await a!.logIn(Credentials.anonymous(false));
    const web = new RealmWeb.App({ id: server.config.appId, baseUrl: server.url });
    const webUser = await web.logIn(RealmWeb.Credentials.anonymous(false));
    const ours = JSON.parse(JSON.stringify(user)) as Record<string, unknown>;
    const theirs = JSON.parse(JSON.stringify(webUser)) as Record<string, unknown>;
    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    expect(ours.profile).toEqual({ type: "normal", identities: [{ id: expect.any(String), providerType: "anon-user" }], data: {} });
    expect(theirs.profile).toEqual({ type: "normal", identities: [{ id: expect.any(String), providerType: "anon-user" }], data: {} });
    expect(ours).toMatchObject({ id: user.id, accessToken: user.accessToken, state: "LoggedIn", customData: {} });
    await webUser.logOut();
  });

  it("sends function arguments holding undefined as realm-web 2.0.1 does, plain or with BSON values", async () => {
    const [a] = openTabs(1);
    const user = await a!.logIn(Credentials.anonymous());
    const id = new ObjectId("65f0aaaaaaaaaaaaaaaaaaaa");
    const plain = [{ a: 1, b: undefined, c: { d: undefined, e: [undefined, 2] } }, undefined, [undefined]];
    const withBson = [{ id, b: undefined, c: { d: undefined } }];
    for (const args of [plain, withBson]) {
      await user.callFunction("nope", ...args).catch(() => undefined);
      const body = sent.findLast((r) => r.url.endsWith("/functions/call"))?.body as { arguments: unknown };
      // realm-web: cleanArgs (an object argument's own undefined keys deleted), then bson 4.7's EJSON
      const cleaned = args.map((arg) =>
        typeof arg === "object" && arg !== null && !Array.isArray(arg)
          ? Object.fromEntries(Object.entries(arg).filter(([, v]) => v !== undefined))
          : arg,
      );
      expect(body.arguments).toEqual(JSON.parse(EJSON4.stringify(cleaned, { relaxed: false })));
    }
  });

  it("server errors reach the tab with their class and fields", async () => {
    const [a] = openTabs(1);
    const user = await a!.logIn(Credentials.anonymous());
    const missing = await user.callFunction("nope").catch((e: unknown) => e);
    expect(isMongoDBRealmError(missing)).toBe(true);
    expect(missing).toMatchObject({ statusCode: 404, errorCode: "FunctionNotFound" });
    const login = await a!.logIn(Credentials.emailPassword("nobody@example.com", "wrong-password")).catch((e: unknown) => e);
    expect(isMongoDBRealmError(login)).toBe(true);
    expect(login).toMatchObject({ statusCode: 401 });
  });

  it("switchUser and removeUser reach every tab; refreshCustomData resolves to the custom data", async () => {
    const [a, b] = openTabs(2);
    const first = await a!.logIn(Credentials.anonymous(false));
    const second = await a!.logIn(Credentials.anonymous(false));
    await vi.waitFor(() => expect(b!.currentUser?.id).toBe(second.id));
    await b!.switchUser(b!.allUsers[first.id]!);
    await vi.waitFor(() => expect(a!.currentUser).toBe(first));
    expect(await first.refreshCustomData()).toEqual({});
    await a!.removeUser(second);
    await vi.waitFor(() => expect(Object.keys(b!.allUsers)).toEqual([first.id]));
    expect(second.state).toBe("Removed");
  });
});
