import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as Comlink from "comlink";
import type { RunningServer } from "../../server/src/index.js";
import { wrapSession } from "../../src/protocol/comlink.js";
import { exposeSession } from "../../src/protocol/expose.js";
import { isMongoDBRealmError, isRealmTabsError } from "../../src/protocol/encodeError.js";
import { PROTOCOL_VERSION, type StateEvent } from "../../src/protocol/events.js";
import { idbStore, type SessionStore } from "../io/store.js";
import { anonymous, emailPassword, listen, openTab, register, routeCounts, startTestServer, testHost } from "../../test/worker-kit.js";

const APP = "host-test";
let server: RunningServer;
let db = 0;
const freshDb = (): string => `host-test-${++db}-${Date.now()}`;

beforeAll(async () => {
  server = await startTestServer(APP);
});
afterAll(async () => {
  await server.close();
});

describe("session host over a MessageChannel port, against the real server", () => {
  it("logs in (location once, login, profile), calls a function and logs out", async () => {
    const host = testHost(freshDb());
    const tab = openTab(host, server, APP);
    const before = await routeCounts(server);
    const { appKey } = await tab.connect();
    const email = `a-${db}@example.com`;
    await register(server, APP, email);
    const login = await tab.api.logIn(appKey, emailPassword(email));
    expect(login.userId).toEqual(expect.any(String));
    expect(login.snapshot.currentUserId).toBe(login.userId);
    const user = login.snapshot.users[0];
    expect(user).toMatchObject({ id: login.userId, state: "LoggedIn", providerType: "local-userpass", refreshToken: null });
    expect(user?.profile?.identities[0]?.providerType).toBe("local-userpass");
    expect(user?.profile?.data.email).toBe(email);
    expect(login.changes.map((c) => c.type)).toEqual(["login", "profile"]);

    expect(await tab.api.callFunction(appKey, login.userId!, "sum", '[{"$numberInt":"2"},{"$numberInt":"40"}]')).toBe(
      '{"$numberInt":"42"}',
    );
    expect(await tab.api.callFunction(appKey, login.userId!, "whoami", "[]")).toBe(JSON.stringify(login.userId));
    await tab.api.logIn(appKey, anonymous()); // second login: no second location request

    const out = await tab.api.logOut(appKey, login.userId!);
    expect(out.changes).toEqual([{ type: "logout", userId: login.userId }]);
    expect(out.snapshot.users.find((u) => u.id === login.userId)).toMatchObject({ state: "LoggedOut", accessToken: null });
    const after = await routeCounts(server);
    const delta = (k: string): number => (after[k] ?? 0) - (before[k] ?? 0);
    expect([delta("location"), delta("login"), delta("profile"), delta("functionCall"), delta("logout")]).toEqual([1, 2, 2, 2, 1]);
    tab.close();
    host.close();
  });

  it("publishes every committed change with strictly increasing epochs, matching the replies", async () => {
    const host = testHost(freshDb());
    const tab = openTab(host, server, APP);
    const { appKey, snapshot } = await tab.connect();
    const log = listen(appKey);
    const a = await tab.api.logIn(appKey, anonymous(false));
    const b = await tab.api.logIn(appKey, anonymous(false));
    const sw = await tab.api.switchUser(appKey, a.userId!);
    const rm = await tab.api.removeUser(appKey, b.userId!);
    await log.waitFor((e) => e.kind === "state" && e.epoch === rm.snapshot.epoch);
    const epochs = log.states().map((e) => e.epoch);
    expect(epochs).toEqual([1, 2, 3, 4].map((n) => snapshot.epoch + n));
    // each event names the epoch and changes of one reply, and nothing else
    expect(log.states().map((e) => ({ epoch: e.epoch, changes: e.changes }))).toEqual(
      [a, b, sw, rm].map((r) => ({ epoch: r.snapshot.epoch, changes: r.changes })),
    );
    expect(sw.snapshot.currentUserId).toBe(a.userId);
    expect(rm.snapshot.users.map((u) => u.id)).toEqual([a.userId]);
    expect(log.states()[2]?.changes).toEqual([{ type: "switch", userId: a.userId }]);
    log.close();
    tab.close();
    host.close();
  });

  it("reuses a logged-in anonymous user without a request, and creates a new one for reuse: false", async () => {
    const host = testHost(freshDb());
    const tab = openTab(host, server, APP);
    const { appKey } = await tab.connect();
    const first = await tab.api.logIn(appKey, anonymous());
    const logins = (await routeCounts(server)).login;
    const again = await tab.api.logIn(appKey, anonymous());
    expect(again.userId).toBe(first.userId);
    expect((await routeCounts(server)).login).toBe(logins);
    const other = await tab.api.logIn(appKey, anonymous(false));
    expect(other.userId).not.toBe(first.userId);
    tab.close();
    host.close();
  });

  it("switchUser needs a logged-in user; logOut keeps a named user, removes an anonymous one", async () => {
    const host = testHost(freshDb());
    const tab = openTab(host, server, APP);
    const { appKey } = await tab.connect();
    const email = `s-${db}@example.com`;
    await register(server, APP, email);
    const named = await tab.api.logIn(appKey, emailPassword(email));
    const anon = await tab.api.logIn(appKey, anonymous(false));
    expect(anon.snapshot.currentUserId).toBe(anon.userId);
    const outNamed = await tab.api.logOut(appKey, named.userId!);
    expect(outNamed.snapshot.currentUserId).toBe(anon.userId);
    const err = await tab.api.switchUser(appKey, named.userId!).catch((e: unknown) => e);
    expect(isRealmTabsError(err) && err.code).toBe("not-logged-in");
    const outAnon = await tab.api.logOut(appKey, anon.userId!);
    expect(outAnon.changes).toEqual([{ type: "remove", userId: anon.userId }]);
    expect(outAnon.snapshot.users.map((u) => [u.id, u.state])).toEqual([[named.userId, "LoggedOut"]]);
    expect(outAnon.snapshot.currentUserId).toBeNull();
    // a second logout (a double click, or another tab logging the same user out) resolves and
    // changes nothing, for the removed anonymous user and the logged-out named one alike
    const again = await tab.api.logOut(appKey, anon.userId!);
    expect(again.changes).toEqual([]);
    expect(again.snapshot.epoch).toBe(outAnon.snapshot.epoch);
    expect((await tab.api.logOut(appKey, named.userId!)).changes).toEqual([]);
    // logging in again with the same identity updates the same user
    const back = await tab.api.logIn(appKey, emailPassword(email));
    expect(back.userId).toBe(named.userId);
    expect(back.snapshot.users).toHaveLength(1);
    tab.close();
    host.close();
  });

  it("deleteUser deletes on the server with that user's own token, then forgets it", async () => {
    const host = testHost(freshDb());
    const tab = openTab(host, server, APP);
    const { appKey } = await tab.connect();
    const email = `d-${db}@example.com`;
    await register(server, APP, email);
    const victim = await tab.api.logIn(appKey, emailPassword(email));
    const current = await tab.api.logIn(appKey, anonymous(false));
    const before = (await routeCounts(server)).deleteUser ?? 0;
    const del = await tab.api.deleteUser(appKey, victim.userId!);
    expect(del.changes).toEqual([{ type: "delete", userId: victim.userId }]);
    expect(del.snapshot.users.map((u) => u.id)).toEqual([current.userId]);
    expect((await routeCounts(server)).deleteUser).toBe(before + 1);
    const err = await tab.api.logIn(appKey, emailPassword(email)).catch((e: unknown) => e);
    expect(isMongoDBRealmError(err) && err.statusCode).toBe(401);
    tab.close();
    host.close();
  });

  it("links email/password credentials to an anonymous user, then refreshes its profile", async () => {
    const host = testHost(freshDb());
    const tab = openTab(host, server, APP);
    const { appKey } = await tab.connect();
    const email = `link-${db}@example.com`;
    await register(server, APP, email);
    const anon = await tab.api.logIn(appKey, anonymous(false));
    const linked = await tab.api.linkCredentials(appKey, anon.userId!, emailPassword(email));
    expect(linked.changes.map((c) => c.type)).toEqual(["link", "profile"]);
    expect(linked.snapshot.users[0]?.profile?.identities.map((i) => i.providerType).sort()).toEqual(["anon-user", "local-userpass"]);
    const again = await tab.api.logIn(appKey, emailPassword(email));
    expect(again.userId).toBe(anon.userId);
    const refused = await tab.api.linkCredentials(appKey, anon.userId!, anonymous()).catch((e: unknown) => e);
    expect(isRealmTabsError(refused) && refused.code).toBe("invalid-argument");
    tab.close();
    host.close();
  });

  it("refreshProfile and refreshCustomData answer with a committed snapshot", async () => {
    const host = testHost(freshDb());
    const tab = openTab(host, server, APP);
    const { appKey } = await tab.connect();
    const u = await tab.api.logIn(appKey, anonymous(false));
    const p = await tab.api.refreshProfile(appKey, u.userId!);
    expect(p.changes).toEqual([{ type: "profile", userId: u.userId }]);
    const refreshes = (await routeCounts(server)).refresh ?? 0;
    const c = await tab.api.refreshCustomData(appKey, u.userId!);
    expect((await routeCounts(server)).refresh).toBe(refreshes + 1);
    // the server may mint the identical token within one second: then nothing changed
    const changed = c.snapshot.users[0]?.accessToken !== u.snapshot.users[0]?.accessToken;
    expect(c.changes).toEqual(changed ? [{ type: "token", userId: u.userId }] : []);
    expect(c.snapshot.users[0]?.customDataEJSON).toBe("{}");
    tab.close();
    host.close();
  });

  it("gives refresh tokens only to the tab that opted in, over its own port, and never remembers the opt-in", async () => {
    const db = freshDb();
    const host = testHost(db);
    const a = openTab(host, server, APP);
    const { appKey } = await a.connect(false);
    const u = await a.api.logIn(appKey, anonymous(false));
    expect(u.snapshot.users[0]?.refreshToken).toBeNull();
    const b = openTab(host, server, APP);
    const exposed = await b.connect(true);
    const token = exposed.snapshot.users[0]?.refreshToken;
    expect(token).toMatch(/^ey/);
    // every reply to the opted-in tab carries it; no reply to the other tab does
    expect((await b.api.snapshot(appKey)).users[0]?.refreshToken).toBe(token);
    expect((await b.api.refreshAccessToken(appKey, u.userId!)).snapshot.users[0]?.refreshToken).toBe(token);
    expect((await a.api.snapshot(appKey)).users[0]?.refreshToken).toBeNull();
    expect((await a.api.refreshAccessToken(appKey, u.userId!)).snapshot.users[0]?.refreshToken).toBeNull();
    const c = openTab(host, server, APP);
    expect((await c.connect(false)).snapshot.users[0]?.refreshToken).toBeNull();
    [a, b, c].forEach((t) => t.close());
    host.close();
    // nothing was persisted: a restarted runtime gives a tab that did not opt in no token either
    const again = testHost(db);
    const d = openTab(again, server, APP);
    const restored = await d.connect(false);
    expect(restored.snapshot.users[0]).toMatchObject({ id: u.userId, state: "LoggedIn", refreshToken: null });
    d.close();
    again.close();
  });

  it("withholds refresh tokens from an opt-in over a port that is not private (leader mode), with a warning", async () => {
    const host = testHost(freshDb());
    const a = openTab(host, server, APP);
    const { appKey } = await a.connect(false);
    await a.api.logIn(appKey, anonymous(false));
    const { port1, port2 } = new MessageChannel();
    exposeSession(host.connection({ privatePort: false }), port1);
    const shared = wrapSession(port2);
    const reply = await shared.connect({
      protocol: PROTOCOL_VERSION,
      buildId: "test-build",
      tabId: "shared-port-tab",
      config: { id: APP, baseUrl: server.url, skipLocationRequest: false, exposeRefreshToken: true },
    });
    expect(reply.snapshot.users[0]?.refreshToken).toBeNull();
    expect(reply.warnings).toContainEqual(expect.objectContaining({ code: "refresh-token-withheld" }));
    expect((await shared.snapshot(appKey)).users[0]?.refreshToken).toBeNull();
    shared[Comlink.releaseProxy]();
    port1.close();
    port2.close();
    a.close();
    host.close();
  });

  it("rejects bad input from one port with typed errors while another port keeps working", async () => {
    const host = testHost(freshDb());
    const bad = openTab(host, server, APP);
    const good = openTab(host, server, APP);
    const { appKey } = await good.connect();
    const user = await good.api.logIn(appKey, anonymous(false));
    const api = bad.api as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const attempts: Promise<unknown>[] = [
      api.connect!({ protocol: PROTOCOL_VERSION }),
      api.connect!({ protocol: 999, buildId: "x", tabId: "t", config: {} }),
      api.logIn!(appKey, { providerType: "nope", payloadEJSON: "{}", reuse: true }),
      api.logIn!(appKey, { providerType: "local-userpass", payloadEJSON: "[1,2]", reuse: false }),
      api.logIn!("no-such-app", { providerType: "anon-user", payloadEJSON: "{}", reuse: true }),
      api.switchUser!(appKey, 42),
      api.logOut!(appKey, "no-such-user"),
      api.callFunction!(appKey, user.userId, "sum", "not json"),
      api.callFunction!(appKey, user.userId, "sum", '{"a":1}'),
    ];
    const goodCall = good.api.callFunction(appKey, user.userId!, "sum", '[{"$numberInt":"1"}]');
    const codes = (await Promise.allSettled(attempts)).map((r) =>
      r.status === "rejected" && isRealmTabsError(r.reason) ? r.reason.code : r.status,
    );
    expect(codes).toEqual([
      "invalid-argument",
      "protocol-mismatch",
      "invalid-argument",
      "invalid-argument",
      "invalid-argument",
      "invalid-argument",
      "fulfilled", // logging out a user that is not listed does nothing, as realm-web's logOut
      "invalid-argument",
      "invalid-argument",
    ]);
    expect(await goodCall).toBe('{"$numberInt":"1"}');
    expect((await good.api.stats()).tabs).toBe(1);
    bad.close();
    good.close();
    host.close();
  });

  it("counts live tabs and drops a tab when its liveness lock is released", async () => {
    const host = testHost(freshDb());
    const gone: string[] = [];
    host.onTabGone((id) => gone.push(id));
    const a = openTab(host, server, APP);
    const b = openTab(host, server, APP);
    await a.connect();
    await b.connect();
    expect((await a.api.stats()).tabs).toBe(2);
    host.liveness.end(b.tabId);
    expect((await a.api.stats()).tabs).toBe(1);
    expect(gone).toEqual([b.tabId]);
    a.close();
    b.close();
    host.close();
  });

  it("a function call's request gets its own tab's deadline when that is longer than the runtime's", async () => {
    // function calls answer after 1.5 s; every other request at once; the runtime's own deadline is 500 ms
    const slowCalls: typeof fetch = (input, init) => {
      const url = input instanceof Request ? input.url : input.toString();
      if (!url.endsWith("/functions/call")) return fetch(input, init);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve(fetch(input, init)), 1_500);
        init?.signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(init.signal?.reason);
        });
      });
    };
    const host = testHost(freshDb(), { requestTimeoutMs: 500, fetch: slowCalls });
    const connectWith = async (callTimeoutMs?: number) => {
      const tab = openTab(host, server, APP);
      const config = { id: APP, baseUrl: server.url, skipLocationRequest: false, exposeRefreshToken: false };
      const { appKey } = await tab.api.connect({
        protocol: PROTOCOL_VERSION,
        buildId: "test-build",
        tabId: tab.tabId,
        config: callTimeoutMs === undefined ? config : { ...config, callTimeoutMs },
      });
      return { tab, appKey };
    };
    // every tab connects before any calls, and they call at once: each keeps its own deadline
    const patient = await connectWith(10_000);
    const unnamed = await connectWith(); // names none (the tab always sends its own): the runtime's
    const hasty = await connectWith(1_000); // under 1.5 s: ends the call
    const shortest = await connectWith(10); // shorter than the runtime's own: gives way to it
    const { userId } = await patient.tab.api.logIn(patient.appKey, anonymous());
    const sum = '[{"$numberInt":"1"},{"$numberInt":"2"}]';
    const outcome = (t: { tab: typeof patient.tab; appKey: string }): Promise<string> =>
      t.tab.api.callFunction(t.appKey, userId!, "sum", sum).then(
        (answer) => (typeof answer === "string" ? answer : "bytes"),
        (e: unknown) => (isRealmTabsError(e) ? `${e.code}: ${e.message}` : String(e)),
      );
    const [a, b, c, d] = await Promise.all([patient, unnamed, hasty, shortest].map(outcome));
    expect(a).toBe('{"$numberInt":"3"}');
    expect(b).toMatch(/^timeout: .* within 500 ms$/);
    expect(c).toMatch(/^timeout: .* within 1000 ms$/);
    expect(d).toMatch(/^timeout: .* within 500 ms$/);
    for (const t of [patient, unnamed, hasty, shortest]) t.tab.close();
    host.close();
  });

  it("restores the session after the worker restarts, with no new login", async () => {
    const name = freshDb();
    const first = testHost(name);
    const tab1 = openTab(first, server, APP);
    const { appKey } = await tab1.connect();
    const u = await tab1.api.logIn(appKey, anonymous(false));
    tab1.close();
    first.close();
    const logins = (await routeCounts(server)).login;

    const second = testHost(name);
    const tab2 = openTab(second, server, APP);
    const reply = await tab2.connect();
    expect(reply.snapshot).toEqual(u.snapshot);
    expect(await tab2.api.callFunction(appKey, u.userId!, "whoami", "[]")).toBe(JSON.stringify(u.userId));
    expect((await routeCounts(server)).login).toBe(logins);
    const next = await tab2.api.switchUser(appKey, u.userId!);
    expect(next.snapshot.epoch).toBeGreaterThanOrEqual(u.snapshot.epoch);
    tab2.close();
    second.close();
  });

  it("snapshots name their store: the same id after a restart, another for a new database", async () => {
    const name = freshDb();
    const first = testHost(name);
    const tab1 = openTab(first, server, APP);
    const { appKey, snapshot: before } = await tab1.connect();
    await tab1.api.logIn(appKey, anonymous(false));
    tab1.close();
    first.close();
    const again = testHost(name);
    const tab2 = openTab(again, server, APP);
    const after = (await tab2.connect()).snapshot;
    const other = testHost(freshDb());
    const tab3 = openTab(other, server, APP);
    const elsewhere = (await tab3.connect()).snapshot;
    expect(before.storeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(after.storeId).toBe(before.storeId);
    expect(after.epoch).toBeGreaterThan(before.epoch);
    expect(elsewhere.storeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(elsewhere.storeId).not.toBe(before.storeId);
    tab2.close();
    tab3.close();
    again.close();
    other.close();
  });

  it("announces an outdated build when tabs of two builds share the runtime", async () => {
    const host = testHost(freshDb());
    const old = openTab(host, server, APP);
    const { appKey } = await old.connect();
    const log = listen(appKey);
    const fresh = openTab(host, server, APP);
    await fresh.api.connect({
      protocol: PROTOCOL_VERSION,
      buildId: "build-2",
      tabId: fresh.tabId,
      config: { id: APP, baseUrl: server.url, skipLocationRequest: false, exposeRefreshToken: false },
    });
    const e = await log.waitFor((x) => x.kind === "outdated");
    expect(e).toMatchObject({ kind: "outdated", buildId: "build-2", appKey });
    log.close();
    old.close();
    fresh.close();
    host.close();
  });

  it("close() during a runtime's start leaves no runtime behind (no channel, no timers) and rejects with runtime-closed", async () => {
    const name = freshDb();
    let releaseLoad: () => void = () => {};
    let loads = 0;
    const gate = new Promise<void>((resolve) => {
      releaseLoad = resolve;
    });
    const channels: { closed: boolean }[] = [];
    const host = testHost(name, {
      openStore: (): SessionStore => {
        const inner = idbStore({ name });
        return {
          ...inner,
          kind: inner.kind,
          load: async (k) => {
            loads++;
            await gate;
            return inner.load(k);
          },
          commit: (a, u, r) => inner.commit(a, u, r),
          close: () => inner.close(),
        };
      },
      channel: (n) => {
        const c = new BroadcastChannel(n);
        const mark = { closed: false };
        channels.push(mark);
        return {
          postMessage: (m: unknown) => c.postMessage(m),
          close: () => {
            mark.closed = true;
            c.close();
          },
        };
      },
    });
    const tab = openTab(host, server, APP);
    const connecting = tab.connect();
    await vi.waitFor(() => expect(loads).toBe(1));
    host.close();
    releaseLoad();
    await expect(connecting).rejects.toMatchObject({ code: "runtime-closed" });
    expect(channels.filter((c) => !c.closed)).toEqual([]);
    expect(host.stats().refreshes).toBe(0);
    tab.close();
  });

  it("replays only the latest warning of each code, and no `storage` warning after storage-recovered", async () => {
    const name = freshDb();
    const failing = { on: false };
    let offset = 0;
    const quota = (): Promise<never> =>
      Promise.reject(Object.assign(new Error("The quota has been exceeded"), { name: "QuotaExceededError" }));
    const host = testHost(name, {
      clock: { now: () => Date.now() + offset },
      openStore: (): SessionStore => {
        const inner = idbStore({ name });
        return {
          kind: inner.kind,
          load: (k) => (failing.on ? quota() : inner.load(k)),
          commit: (a, u, r) => (failing.on ? quota() : inner.commit(a, u, r)),
          close: () => inner.close(),
        };
      },
    });
    const tab = openTab(host, server, APP);
    const { appKey } = await tab.connect();
    failing.on = true;
    await tab.api.logIn(appKey, anonymous(false)); // memory takes it: `storage` warning
    const degraded = await openTab(host, server, APP).connect();
    expect(degraded.warnings.map((w) => w.code)).toEqual(["storage"]);
    failing.on = false;
    offset += 11_000; // past the retry interval
    await tab.api.logIn(appKey, anonymous(false));
    const late = openTab(host, server, APP);
    await vi.waitFor(async () => {
      const reply = await late.connect();
      expect(reply.warnings.map((w) => w.code)).toEqual(["storage-recovered"]);
    });
    tab.close();
    late.close();
    host.close();
  });
});

export type { StateEvent };
