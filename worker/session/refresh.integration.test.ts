import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RunningServer } from "../../server/src/index.js";
import { isMongoDBRealmError, isRealmTabsError } from "../../src/protocol/encodeError.js";
import type { StateEvent } from "../../src/protocol/events.js";
import {
  admin,
  anonymous,
  emailPassword,
  listen,
  openTab,
  register,
  routeCounts,
  startTestServer,
  testHost,
} from "../../test/worker-kit.js";

const SHORT = "refresh-short"; // 2 s access tokens
const LONG = "refresh-long"; // 10 min access tokens: no proactive refresh during a test
let short: RunningServer;
let long: RunningServer;
let n = 0;
const dbName = (): string => `refresh-test-${++n}-${Date.now()}`;

beforeAll(async () => {
  [short, long] = await Promise.all([startTestServer(SHORT, 2), startTestServer(LONG, 600)]);
});
afterAll(async () => {
  await Promise.all([short.close(), long.close()]);
});

const isTokenEvent =
  (userId: string) =>
  (e: { kind: string }): boolean =>
    e.kind === "state" && (e as StateEvent).changes.some((c) => c.type === "token" && c.userId === userId);

describe("refresh policy against the real server", () => {
  it("refreshes before expiry, once per expiry, while two tabs make many concurrent calls", async () => {
    const host = testHost(dbName());
    const [a, b] = [openTab(host, short, SHORT), openTab(host, short, SHORT)];
    const { appKey } = await a.connect();
    await b.connect();
    const user = await a.api.logIn(appKey, anonymous(false));
    const id = user.userId!;
    const log = listen(appKey);
    const before = await routeCounts(short);
    let calls = 0;
    const wrong: unknown[] = [];
    // batches of concurrent calls from both tabs until three refreshes have happened (about 5 s)
    await vi.waitFor(
      async () => {
        const batch = Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).api.callFunction(appKey, id, "whoami", "[]"));
        calls += batch.length;
        for (const r of await Promise.allSettled(batch)) if (r.status === "rejected" || r.value !== JSON.stringify(id)) wrong.push(r);
        if (log.states().filter(isTokenEvent(id)).length < 3) throw new Error("fewer than three refreshes so far");
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(wrong).toEqual([]); // every call answered as the user, none failed
    const after = await routeCounts(short);
    const refreshes = (after.refresh ?? 0) - (before.refresh ?? 0);
    const tokenEvents = log.states().filter(isTokenEvent(id)).length;
    expect(refreshes).toBeGreaterThanOrEqual(2); // tokens live 2 s: it did refresh, before any call failed
    expect(refreshes).toBeLessThanOrEqual(8); // one per expiry (about 1.6 s apart), not one per call or tab
    expect(tokenEvents).toBe(refreshes); // every refresh sent produced a new token: no duplicates
    expect((after.functionCall ?? 0) - (before.functionCall ?? 0)).toBe(calls); // no 401 and retry
    log.close();
    a.close();
    b.close();
    host.close();
  });

  it("corrects for a local clock that is 90 s ahead of the server (estimated from iat)", async () => {
    const skewed = { now: () => Date.now() + 90_000 };
    const host = testHost(dbName(), { clock: skewed });
    const tab = openTab(host, short, SHORT);
    const { appKey } = await tab.connect();
    const login = await tab.api.logIn(appKey, anonymous(false));
    const id = login.userId!;
    // expiry is reported on the local (skewed) clock: about 90 s after the server's exp
    const expLocal = login.snapshot.users[0]?.accessTokenExpiresAt ?? 0;
    expect(expLocal - Date.now()).toBeGreaterThan(85_000);
    const before = await routeCounts(short);
    const until = Date.now() + 3_000;
    let calls = 0;
    while (Date.now() < until) {
      await tab.api.callFunction(appKey, id, "whoami", "[]");
      calls++;
    }
    const after = await routeCounts(short);
    // uncorrected, every call would see an expired token and refresh first
    expect((after.refresh ?? 0) - (before.refresh ?? 0)).toBeLessThanOrEqual(3);
    expect(calls).toBeGreaterThan(10);
    tab.close();
    host.close();
  });

  it("concurrent refreshAccessToken calls share one POST /auth/session", async () => {
    const host = testHost(dbName());
    const tab = openTab(host, long, LONG);
    const { appKey } = await tab.connect();
    const user = await tab.api.logIn(appKey, anonymous(false));
    const before = (await routeCounts(long)).refresh ?? 0;
    const replies = await Promise.all(Array.from({ length: 10 }, () => tab.api.refreshAccessToken(appKey, user.userId!)));
    expect((await routeCounts(long)).refresh).toBe(before + 1);
    expect(new Set(replies.map((r) => r.snapshot.epoch)).size).toBe(1);
    tab.close();
    host.close();
  });

  it("a 401 on a call refreshes once and retries once", async () => {
    const host = testHost(dbName());
    const tab = openTab(host, long, LONG);
    const { appKey } = await tab.connect();
    const id = (await tab.api.logIn(appKey, anonymous(false))).userId!;
    const c0 = await routeCounts(long);
    await admin(long, "POST", "/faults", { kind: "status", route: "functionCall", count: 1, status: 401, errorCode: "InvalidSession" });
    expect(await tab.api.callFunction(appKey, id, "whoami", "[]")).toBe(JSON.stringify(id));
    const c1 = await routeCounts(long);
    expect([(c1.functionCall ?? 0) - (c0.functionCall ?? 0), (c1.refresh ?? 0) - (c0.refresh ?? 0)]).toEqual([2, 1]);

    await admin(long, "POST", "/faults", { kind: "status", route: "functionCall", count: 2, status: 401, errorCode: "InvalidSession" });
    const err = await tab.api.callFunction(appKey, id, "whoami", "[]").catch((e: unknown) => e);
    expect(isMongoDBRealmError(err) && [err.statusCode, err.errorCode]).toEqual([401, "InvalidSession"]);
    const c2 = await routeCounts(long);
    expect([(c2.functionCall ?? 0) - (c1.functionCall ?? 0), (c2.refresh ?? 0) - (c1.refresh ?? 0)]).toEqual([2, 1]);
    expect((await tab.connect()).snapshot.users[0]?.state).toBe("LoggedIn");
    tab.close();
    host.close();
  });

  it("a 401 on the refresh itself logs the user out in every tab", async () => {
    const host = testHost(dbName());
    const tab = openTab(host, long, LONG);
    const { appKey } = await tab.connect();
    const email = `revoked-${n}@example.com`;
    await register(long, LONG, email);
    const id = (await tab.api.logIn(appKey, emailPassword(email))).userId!;
    const log = listen(appKey);
    await admin(long, "POST", `/users/${id}/revoke-sessions`);
    const err = await tab.api.refreshAccessToken(appKey, id).catch((e: unknown) => e);
    expect(isMongoDBRealmError(err) && err.statusCode).toBe(401);
    const e = await log.waitFor<StateEvent>((x) => x.kind === "state" && x.changes.some((c) => c.type === "logout"));
    expect(e.changes).toEqual([{ type: "logout", userId: id }]);
    // the event is a hint: the state comes over the tab's own port
    expect((await tab.api.snapshot(appKey)).users[0]).toMatchObject({ id, state: "LoggedOut", accessToken: null });
    const after = await tab.api.callFunction(appKey, id, "whoami", "[]").catch((x: unknown) => x);
    expect(isRealmTabsError(after) && after.code).toBe("not-logged-in");
    log.close();
    tab.close();
    host.close();
  });

  it("the proactive loop alone logs out a user whose session was revoked", async () => {
    const host = testHost(dbName());
    const tab = openTab(host, short, SHORT);
    const { appKey } = await tab.connect();
    const id = (await tab.api.logIn(appKey, anonymous(false))).userId!;
    const log = listen(appKey);
    await admin(short, "POST", `/users/${id}/revoke-sessions`);
    const e = await log.waitFor<StateEvent>((x) => x.kind === "state" && x.changes.some((c) => c.type === "logout"), 5_000);
    const snapshot = await tab.api.snapshot(appKey);
    expect(snapshot.epoch).toBeGreaterThanOrEqual(e.epoch);
    expect(snapshot.users.find((u) => u.id === id)?.state).toBe("LoggedOut");
    log.close();
    tab.close();
    host.close();
  });

  it("5xx and network errors on the refresh keep the session, back off and recover", async () => {
    const host = testHost(dbName(), { backoff: { baseMs: 100, maxMs: 400 } });
    const tab = openTab(host, short, SHORT);
    const { appKey } = await tab.connect();
    const id = (await tab.api.logIn(appKey, anonymous(false))).userId!;
    const log = listen(appKey);
    await admin(short, "POST", "/faults", { kind: "status", route: "refresh", count: 2, status: 503 });
    await admin(short, "POST", "/faults", { kind: "reset", route: "refresh", count: 1 });
    const startStats = await tab.api.stats();
    const recovered = await log.waitFor<StateEvent>(isTokenEvent(id), 8_000);
    const snapshot = await tab.api.snapshot(appKey);
    expect(snapshot.epoch).toBeGreaterThanOrEqual(recovered.epoch);
    expect(snapshot.users[0]).toMatchObject({ id, state: "LoggedIn" });
    expect(log.states().some((e) => e.changes.some((c) => c.type === "logout" || c.type === "remove"))).toBe(false);
    expect((await tab.api.stats()).refreshes - startStats.refreshes).toBeGreaterThanOrEqual(4); // 3 failures + the success
    expect(await admin(short, "GET", "/faults")).toEqual([]);
    expect(await tab.api.callFunction(appKey, id, "whoami", "[]")).toBe(JSON.stringify(id));
    log.close();
    tab.close();
    host.close();
  });
});
