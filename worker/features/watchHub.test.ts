/**
 * Shared watch streams, API keys, email/password and the realm-web import, against the real server
 * with tabs over MessageChannel.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as Comlink from "comlink";
import { EJSON } from "bson";
import { startServer, type RunningServer } from "../../server/src/index.js";
import type { WatchMessage } from "../../src/protocol/rpc.js";
import type { FetchLike } from "../io/deps.js";
import { PROTOCOL_VERSION, isSessionEvent } from "../../src/protocol/events.js";
import { channelName } from "../../src/protocol/names.js";
import {
  ADMIN_TOKEN,
  admin,
  anonymous,
  listen,
  openTab,
  routeCounts,
  startTestServer,
  testHost,
  type TestTab,
} from "../../test/worker-kit.js";

const APP = "watch-app";
let server: RunningServer;
let n = 0;

beforeAll(async () => {
  server = await startTestServer(APP);
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await admin(server, "POST", "/reset");
});

type Counters = { openStreams: number; logins: number; refreshes: number; routes: Record<string, number> };
async function counters(): Promise<Counters> {
  return (await admin(server, "GET", "/counters")) as Counters;
}

function inbox(): { port: MessagePort; messages: WatchMessage[] } {
  const { port1, port2 } = new MessageChannel();
  const messages: WatchMessage[] = [];
  port1.onmessage = (m: MessageEvent) => messages.push(m.data as WatchMessage);
  return { port: port2, messages };
}

async function setup(tabs = 2): Promise<{ host: ReturnType<typeof testHost>; t: TestTab[]; appKey: string; userId: string }> {
  const host = testHost(`watch-${++n}`);
  const t = Array.from({ length: tabs }, () => openTab(host, server, APP));
  const replies = await Promise.all(t.map((x) => x.connect()));
  const appKey = replies[0]!.appKey;
  const login = await t[0]!.api.logIn(appKey, anonymous());
  return { host, t, appKey, userId: login.userId! };
}

/**
 * The runtime's fetch, where each watch stream request (`baas_request`) can be cut as the network
 * would: its controller is pushed on `drops` (abort it to drop that stream). A stream request first
 * waits for `opened()`, if given (hold it back to keep the stream down).
 */
function droppableStreams(drops: AbortController[], opened?: () => Promise<void>): FetchLike {
  return async (input, init) => {
    if (!input.includes("baas_request")) return fetch(input, init);
    if (opened) await opened();
    const ctl = new AbortController();
    drops.push(ctl);
    return fetch(input, { ...init, signal: init.signal ? AbortSignal.any([init.signal, ctl.signal]) : ctl.signal });
  };
}

const req = { service: "mongodb-atlas", database: "db", collection: "items" };
const insert = (doc: unknown) => EJSON.stringify([{ database: "db", collection: "items", document: doc }], { relaxed: false });

describe("watch hub", () => {
  it("two tabs share one server stream, both get each other's inserts, and it closes after both stop", async () => {
    const { host, t, appKey, userId } = await setup();
    const a = inbox(),
      b = inbox();
    const wa = await t[0]!.api.watch(appKey, userId, req, Comlink.transfer(a.port, [a.port]));
    const wb = await t[1]!.api.watch(appKey, userId, req, Comlink.transfer(b.port, [b.port]));
    await expect.poll(async () => (await counters()).openStreams).toBe(1);
    await expect.poll(() => host.stats().openStreams).toBe(1);
    await t[1]!.api.callFunction(appKey, userId, "insertOne", insert({ n: 1 }), "mongodb-atlas");
    await t[0]!.api.callFunction(appKey, userId, "insertOne", insert({ n: 2 }), "mongodb-atlas");
    for (const box of [a, b]) {
      await expect.poll(() => box.messages.filter((m) => m.type === "event").length).toBe(2);
      const docs = box.messages.map((m) =>
        m.type === "event" ? (EJSON.parse(m.ejson) as { fullDocument: { n: number } }).fullDocument.n : -1,
      );
      expect(docs).toEqual([1, 2]);
    }
    expect((await counters()).routes.watch).toBe(1);
    await t[0]!.api.unwatch(wa);
    expect((await counters()).openStreams).toBe(1);
    await t[1]!.api.unwatch(wb);
    await expect.poll(async () => (await counters()).openStreams).toBe(0);
    expect(host.stats().openStreams).toBe(0);
    host.close();
  });

  it("a different filter opens its own stream; a dead tab's watch is released", async () => {
    const { host, t, appKey, userId } = await setup();
    const a = inbox(),
      b = inbox();
    await t[0]!.api.watch(appKey, userId, req, Comlink.transfer(a.port, [a.port]));
    await t[1]!.api.watch(
      appKey,
      userId,
      { ...req, filterEJSON: '{"fullDocument.n":{"$numberInt":"7"}}' },
      Comlink.transfer(b.port, [b.port]),
    );
    await expect.poll(async () => (await counters()).openStreams).toBe(2);
    host.liveness.end(t[0]!.tabId);
    await expect.poll(async () => (await counters()).openStreams).toBe(1);
    // the live tab writes (a gone tab's calls end at once)
    await t[1]!.api.callFunction(appKey, userId, "insertOne", insert({ n: 1 }), "mongodb-atlas");
    await t[1]!.api.callFunction(appKey, userId, "insertOne", insert({ n: 7 }), "mongodb-atlas");
    await expect.poll(() => b.messages.length).toBe(1);
    host.liveness.end(t[1]!.tabId);
    await expect.poll(async () => (await counters()).openStreams).toBe(0);
    host.close();
  });

  it("logout ends the stream and the watchers get watch-closed", async () => {
    const { host, t, appKey, userId } = await setup(1);
    const a = inbox();
    await t[0]!.api.watch(appKey, userId, req, Comlink.transfer(a.port, [a.port]));
    await expect.poll(async () => (await counters()).openStreams).toBe(1);
    await t[0]!.api.logOut(appKey, userId);
    await expect.poll(() => a.messages.at(-1)?.type).toBe("error");
    const last = a.messages.at(-1) as Extract<WatchMessage, { type: "error" }>;
    expect(last.error).toMatchObject({ kind: "tabs", code: "watch-closed" });
    await expect.poll(async () => (await counters()).openStreams).toBe(0);
    host.close();
  });

  it("a forged logout event on the app channel does not end the streams (only a committed logout does)", async () => {
    const { host, t, appKey, userId } = await setup(1);
    const a = inbox();
    await t[0]!.api.watch(appKey, userId, req, Comlink.transfer(a.port, [a.port]));
    await expect.poll(async () => (await counters()).openStreams).toBe(1);
    const forger = new BroadcastChannel(channelName(appKey));
    const { epoch } = (await t[0]!.connect()).snapshot;
    const forged = { v: PROTOCOL_VERSION, kind: "state", appKey, epoch: epoch + 100, changes: [{ type: "logout", userId }] };
    expect(isSessionEvent(forged)).toBe(true); // well-formed: only its origin (the channel) makes it untrusted
    const seen = listen(appKey);
    forger.postMessage(forged);
    await seen.waitFor((e) => e.kind === "state" && e.epoch === forged.epoch);
    seen.close();
    forger.close();
    // the insert is sent after the forged event, so its change event arrives after the forgery was seen
    await t[0]!.api.callFunction(appKey, userId, "insertOne", insert({ n: 7 }), "mongodb-atlas");
    await expect.poll(() => a.messages.filter((m) => m.type === "event").length).toBe(1);
    expect(a.messages.some((m) => m.type === "error")).toBe(false);
    expect((await counters()).openStreams).toBe(1);
    host.close();
  });

  it("closing the runtime (a leader tab resigning) ends watchers with a retryable watch-closed", async () => {
    const { host, t, appKey, userId } = await setup(1);
    const a = inbox();
    await t[0]!.api.watch(appKey, userId, req, Comlink.transfer(a.port, [a.port]));
    await expect.poll(async () => (await counters()).openStreams).toBe(1);
    host.close();
    await expect.poll(() => a.messages.at(-1)?.type).toBe("error");
    expect((a.messages.at(-1) as Extract<WatchMessage, { type: "error" }>).error).toMatchObject({ code: "watch-closed", retryable: true });
    await expect.poll(async () => (await counters()).openStreams).toBe(0);
  });

  it("bad watch arguments are invalid-argument and send no request", async () => {
    const { host, t, appKey, userId } = await setup(1);
    const a = inbox();
    const before = (await counters()).routes.watch ?? 0;
    await expect(t[0]!.api.watch(appKey, userId, { ...req, collection: "" }, Comlink.transfer(a.port, [a.port]))).rejects.toMatchObject({
      code: "invalid-argument",
    });
    const b = inbox();
    await expect(t[0]!.api.watch(appKey, userId, { ...req, filterEJSON: "[1]" }, Comlink.transfer(b.port, [b.port]))).rejects.toMatchObject(
      { code: "invalid-argument" },
    );
    expect((await counters()).routes.watch ?? 0).toBe(before);
    host.close();
  });
});

describe("watch stream recovery", () => {
  it("reconnects after a network drop (with backoff, through a 503) and refreshes on a 401 before the first byte", async () => {
    const drops: AbortController[] = [];
    const connectTimeoutMs = 1000;
    const host = testHost(`drop-${++n}`, {
      backoff: { baseMs: 10, maxMs: 50 },
      requestTimeoutMs: connectTimeoutMs,
      fetch: droppableStreams(drops),
    });
    const t = [openTab(host, server, APP)];
    const { appKey } = await t[0]!.connect();
    const userId = (await t[0]!.api.logIn(appKey, anonymous())).userId!;
    await admin(server, "POST", "/faults", { kind: "status", route: "watch", count: 1, status: 401, errorCode: "InvalidSession" });
    const refreshesBefore = (await counters()).refreshes;
    const a = inbox();
    await t[0]!.api.watch(appKey, userId, req, Comlink.transfer(a.port, [a.port]));
    await expect.poll(async () => (await counters()).openStreams).toBe(1);
    expect((await counters()).refreshes).toBe(refreshesBefore + 1);
    await admin(server, "POST", "/faults", { kind: "status", route: "watch", count: 1, status: 503 });
    drops.at(-1)!.abort(); // the network drops the open stream
    await expect.poll(async () => (await counters()).routes.watch, { timeout: 10_000 }).toBe(4); // 401, ok, 503, ok
    await expect.poll(async () => (await counters()).openStreams).toBe(1);
    await t[0]!.api.callFunction(appKey, userId, "insertOne", insert({ n: 5 }), "mongodb-atlas");
    await expect.poll(() => a.messages.filter((m) => m.type === "event").length).toBe(1);
    // the stream outlives the connect deadline (which covers the headers only): no reconnect, no gap
    const openedAt = Date.now();
    let sent = 1;
    while (Date.now() - openedAt < 2 * connectTimeoutMs) {
      await t[0]!.api.callFunction(appKey, userId, "insertOne", insert({ n: 5 + sent }), "mongodb-atlas");
      sent++;
      await expect.poll(() => a.messages.filter((m) => m.type === "event").length).toBe(sent);
    }
    expect((await counters()).routes.watch).toBe(4);
    expect(a.messages.some((m) => m.type === "error")).toBe(false);
    host.close();
    await expect.poll(async () => (await counters()).openStreams).toBe(0);
  });
});

describe("watch stream resume", () => {
  it("events committed while the stream was down are delivered after it reconnects: none lost, none twice", async () => {
    const drops: AbortController[] = [];
    let gate: Promise<void> = Promise.resolve();
    let release: () => void = () => undefined;
    const host = testHost(`resume-${++n}`, {
      backoff: { baseMs: 10, maxMs: 50 },
      fetch: droppableStreams(drops, () => gate),
    });
    const t = [openTab(host, server, APP)];
    const { appKey } = await t[0]!.connect();
    const userId = (await t[0]!.api.logIn(appKey, anonymous())).userId!;
    const a = inbox();
    await t[0]!.api.watch(appKey, userId, req, Comlink.transfer(a.port, [a.port]));
    await expect.poll(async () => (await counters()).openStreams).toBe(1);
    await t[0]!.api.callFunction(appKey, userId, "insertOne", insert({ n: 1 }), "mongodb-atlas");
    await expect.poll(() => a.messages.filter((m) => m.type === "event").length).toBe(1);
    // the network drops the stream and the reconnection waits at the gate while three inserts commit
    gate = new Promise((resolve) => {
      release = resolve;
    });
    drops.at(-1)!.abort();
    await expect.poll(async () => (await counters()).openStreams).toBe(0);
    for (const k of [2, 3, 4]) await t[0]!.api.callFunction(appKey, userId, "insertOne", insert({ n: k }), "mongodb-atlas");
    release();
    await expect.poll(async () => (await counters()).openStreams).toBe(1);
    await t[0]!.api.callFunction(appKey, userId, "insertOne", insert({ n: 5 }), "mongodb-atlas");
    const seen = () =>
      a.messages.map((m) => (m.type === "event" ? (EJSON.parse(m.ejson) as { fullDocument: { n: number } }).fullDocument.n : -1));
    await expect.poll(seen).toEqual([1, 2, 3, 4, 5]);
    host.close();
  });
});

describe("watch stream and token expiry", () => {
  it("when the server ends the stream at its token's expiry, the hub refreshes and resumes without an error", async () => {
    const short = await startTestServer("watch-short", 2);
    try {
      const host = testHost(`expiry-${++n}`, { backoff: { baseMs: 10, maxMs: 50 } });
      const t = [openTab(host, short, "watch-short")];
      const { appKey } = await t[0]!.connect();
      const userId = (await t[0]!.api.logIn(appKey, anonymous())).userId!;
      const a = inbox();
      await t[0]!.api.watch(appKey, userId, req, Comlink.transfer(a.port, [a.port]));
      // as in the tests above: an insert made before the stream is open is not an event of it
      await expect.poll(() => host.stats().openStreams).toBe(1);
      await t[0]!.api.callFunction(appKey, userId, "insertOne", insert({ n: 1 }), "mongodb-atlas");
      await expect.poll(() => a.messages.length).toBe(1);
      // the first stream's token expires after 2 s: the stream is reopened with a fresh one
      await expect.poll(async () => (await routeCounts(short)).watch ?? 0, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      await t[0]!.api.callFunction(appKey, userId, "insertOne", insert({ n: 2 }), "mongodb-atlas");
      await expect.poll(() => a.messages.map((m) => m.type)).toEqual(["event", "event"]);
      host.close();
    } finally {
      await short.close();
    }
  });
});

describe("api keys", () => {
  it("create, fetch, fetchAll, disable, enable, log in with the key, delete", async () => {
    const { host, t, appKey, userId } = await setup(1);
    const api = t[0]!.api;
    const created = EJSON.parse(await api.apiKeys(appKey, userId, "create", "k1")) as {
      _id: string;
      key: string;
      name: string;
      disabled: boolean;
    };
    expect(created.name).toBe("k1");
    expect(typeof created.key).toBe("string");
    const id = created._id;
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    const fetched = EJSON.parse(await api.apiKeys(appKey, userId, "fetch", id)) as Record<string, unknown>;
    expect(fetched).toMatchObject({ name: "k1", disabled: false });
    expect(fetched.key).toBeUndefined();
    await api.apiKeys(appKey, userId, "disable", id);
    expect(EJSON.parse(await api.apiKeys(appKey, userId, "fetchAll"))).toMatchObject([{ name: "k1", disabled: true }]);
    await api.apiKeys(appKey, userId, "enable", id);
    const viaKey = await api.logIn(appKey, { providerType: "api-key", payloadEJSON: JSON.stringify({ key: created.key }), reuse: false });
    expect(viaKey.userId).toBe(userId);
    await api.apiKeys(appKey, userId, "delete", id).catch(() => undefined); // the key in use may be refused
    await expect(api.apiKeys(appKey, userId, "fetch", "nope")).rejects.toMatchObject({ code: "invalid-argument" });
    host.close();
  });
});

describe("email/password and realm-web import", () => {
  it("register, confirm with the token from the admin API, reset, then log in", async () => {
    const s = await startServer({
      port: 0,
      appId: APP,
      inMemory: true,
      adminToken: ADMIN_TOKEN,
      config: { authProviders: { "local-userpass": { autoConfirm: false }, "anon-user": {} } },
    });
    try {
      const host = testHost(`ep-${++n}`);
      const tab = openTab(host, s, APP);
      const { appKey } = await tab.connect();
      const body = (o: unknown): string => EJSON.stringify(o, { relaxed: false });
      await tab.api.emailPassword(appKey, "register", body({ email: "ann@example.com", password: "secret123" }));
      await expect(
        tab.api.logIn(appKey, {
          providerType: "local-userpass",
          payloadEJSON: body({ username: "ann@example.com", password: "secret123" }),
          reuse: false,
        }),
      ).rejects.toMatchObject({ statusCode: 401 });
      await tab.api.emailPassword(appKey, "confirm/send", body({ email: "ann@example.com" }));
      const tok = (await admin(s, "GET", "/userpass/tokens?email=ann%40example.com&kind=confirm")) as { token: string; tokenId: string };
      await tab.api.emailPassword(appKey, "confirm", body({ token: tok.token, tokenId: tok.tokenId }));
      await tab.api.emailPassword(appKey, "reset/send", body({ email: "ann@example.com" }));
      const reset = (await admin(s, "GET", "/userpass/tokens?email=ann%40example.com&kind=reset")) as { token: string; tokenId: string };
      await tab.api.emailPassword(appKey, "reset", body({ token: reset.token, tokenId: reset.tokenId, password: "newpass123" }));
      const r = await tab.api.logIn(appKey, {
        providerType: "local-userpass",
        payloadEJSON: body({ username: "ann@example.com", password: "newpass123" }),
        reuse: false,
      });
      expect(r.userId).toBeTruthy();
      await expect(tab.api.emailPassword(appKey, "register", body({ email: "x@example.com" }))).rejects.toMatchObject({
        code: "invalid-argument",
      });
      host.close();
    } finally {
      await s.close();
    }
  });

  it("imports realm-web users without a new login and skips users it already has", async () => {
    const res = await fetch(`${server.url}/api/client/v2.0/app/${APP}/auth/providers/anon-user/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    const login = (await res.json()) as { user_id: string; access_token: string; refresh_token: string; device_id: string };
    const host = testHost(`mig-${++n}`);
    const tab = openTab(host, server, APP);
    const { appKey } = await tab.connect();
    const logins = (await counters()).logins;
    const profileJSON = JSON.stringify({ type: "normal", identities: [{ id: "x", providerType: "anon-user" }], data: {} });
    const data = {
      users: [
        { id: login.user_id, accessToken: login.access_token, refreshToken: login.refresh_token, providerType: "anon-user", profileJSON },
      ],
      deviceId: login.device_id,
    };
    const reply = await tab.api.importRealmWeb(appKey, data);
    expect(reply.snapshot.currentUserId).toBe(login.user_id);
    expect(reply.snapshot.users[0]?.profile?.identities).toEqual([{ id: "x", providerType: "anon-user" }]);
    expect(await tab.api.callFunction(appKey, login.user_id, "sum", "[1,2]")).toBeTruthy();
    expect((await tab.api.importRealmWeb(appKey, data)).changes).toEqual([]);
    expect((await counters()).logins).toBe(logins);
    await expect(tab.api.importRealmWeb(appKey, { users: "x" } as never)).rejects.toMatchObject({ code: "invalid-argument" });
    host.close();
  });
});
