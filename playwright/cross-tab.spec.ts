/**
 * Issue 3, item 5: several tabs of one browser context share one session, against the real
 * local server and the real SharedWorker.
 */
import type { Page } from "@playwright/test";
import { FUNCTIONS_DIR, expect, test } from "./fixtures.js";
import { startTestServer } from "../src/testing/server.js";
import { expectTabsAgree, listenerCounts, openTab, openTabs, tabView, testPageUrl } from "../src/testing/tabs.js";
import { expectNoSharedWorker } from "../src/testing/workers.js";

function logInAnonymously(page: Page, reuse = true): Promise<string> {
  return page.evaluate(async (reuse) => {
    const { app, Credentials } = window.realmTabs!;
    return (await app.logIn(Credentials.anonymous(reuse))).id;
  }, reuse);
}

test("a login in tab A appears in tabs B and C with the same id and tokens", async ({ context, stack }) => {
  const [a, b, c] = await openTabs(context, stack.url, 3);
  const id = await logInAnonymously(a!);
  const view = await expectTabsAgree([a!, b!, c!], (v) => v.currentUserId === id);
  expect(view.users).toHaveLength(1);
  expect(view.users[0]).toMatchObject({ id, isLoggedIn: true, state: "LoggedIn", providerType: "anon-user" });
  expect(view.users[0]!.accessToken).toMatch(/^ey/);
  expect(view.users[0]!.refreshToken).toBeNull(); // kept in the worker unless the app opts in
  // each tab holds its liveness lock, which tells the worker when the tab is gone
  const held = await a!.evaluate(async () => ((await navigator.locks.query()).held ?? []).map((l) => l.name ?? ""));
  expect(held.filter((name) => name.startsWith("realm-tabs:tab:"))).toHaveLength(3);
});

test("a function call works from every tab", async ({ context, stack }) => {
  const tabs = await openTabs(context, stack.url, 3);
  await logInAnonymously(tabs[0]!);
  await expectTabsAgree(tabs, (v) => v.currentUserId !== null);
  for (const [i, tab] of tabs.entries()) {
    const result = await tab.evaluate(async (i) => {
      const user = window.realmTabs!.app.currentUser!;
      const sum = user.functions.sum!;
      return (await sum(i, 40)) as number;
    }, i);
    expect(result).toBe(i + 40);
  }
  const error = await tabs[1]!.evaluate(async () => {
    const e = (await window.realmTabs!.app.currentUser!.callFunction("noSuchFunction").catch((x: unknown) => x)) as Record<string, unknown>;
    return { name: e.name, statusCode: e.statusCode, errorCode: e.errorCode, isClass: e instanceof Error && "isMongoDBRealmError" in e };
  });
  expect(error).toEqual({ name: "MongoDBRealmError", statusCode: 404, errorCode: "FunctionNotFound", isClass: true });
});

test("logout in tab C turns isLoggedIn false everywhere and fires listeners in A and B (and C, once)", async ({ context, stack }) => {
  const [a, b, c] = await openTabs(context, stack.url, 3);
  const id = await logInAnonymously(a!);
  await expectTabsAgree([a!, b!, c!], (v) => v.currentUserId === id);
  for (const tab of [a!, b!, c!]) await tab.evaluate(() => window.realmTabs!.listen());
  await c!.evaluate(() => window.realmTabs!.app.currentUser!.logOut());
  await expectTabsAgree([a!, b!, c!], (v) => v.users.every((u) => !u.isLoggedIn) && v.currentUserId === null);
  for (const tab of [a!, b!, c!]) {
    await expect.poll(() => listenerCounts(tab)).toEqual({ app: 1, users: { [id]: 1 } });
  }
});

test("5 tabs for 10 seconds with a 2-second token: one refresh per expiry, not one per tab", async ({ context, stack }) => {
  test.setTimeout(90_000);
  const server = await startTestServer({ accessTokenTtlSeconds: 2, functionsDir: FUNCTIONS_DIR });
  try {
    const url = testPageUrl(stack.page, server);
    const tabs = await openTabs(context, url, 5);
    await logInAnonymously(tabs[0]!);
    await expectTabsAgree(tabs, (v) => v.currentUserId !== null);
    await server.resetCounters();
    const started = Date.now();
    const tokens = new Set<string>();
    await expect
      .poll(
        async () => {
          for (const tab of tabs) {
            const token = (await tabView(tab)).users[0]?.accessToken;
            if (token) tokens.add(token);
          }
          return { windowDone: Date.now() - started >= 10_000, newTokens: tokens.size - 1 >= 4 };
        },
        { timeout: 30_000, intervals: [250] },
      )
      .toEqual({ windowDone: true, newTokens: true });
    const { refreshes } = await server.counters();
    const seconds = (Date.now() - started) / 1000;
    // 10 s / 2 s = 5 expiries; one refresh per tab per expiry would be about 25.
    expect(refreshes).toBeGreaterThanOrEqual(4);
    expect(refreshes).toBeLessThanOrEqual(Math.ceil(seconds / 2) * 2 + 1);
    const view = await expectTabsAgree(tabs, (v) => v.users[0]?.isLoggedIn === true);
    expect(view.users).toHaveLength(1);
    test.info().annotations.push({ type: "measured", description: `${refreshes} refreshes in ${seconds.toFixed(1)} s with 5 tabs and a 2 s TTL` });
  } finally {
    await server.close();
  }
});

test("closing every tab and opening a new one restores the session without a new login", async ({ context, stack, browser }) => {
  const tabs = await openTabs(context, stack.url, 2);
  const id = await logInAnonymously(tabs[0]!);
  const before = await expectTabsAgree(tabs, (v) => v.currentUserId === id);
  const { logins } = await stack.server.counters();
  for (const tab of tabs) await tab.close();
  await expectNoSharedWorker(browser);
  const fresh = await openTab(context, stack.url);
  await expect.poll(async () => (await tabView(fresh)).currentUserId).toBe(id);
  const after = await tabView(fresh);
  expect(after.users[0]).toMatchObject({ id, isLoggedIn: true, accessToken: before.users[0]!.accessToken });
  expect((await stack.server.counters()).logins).toBe(logins);
  const result = await fresh.evaluate(() => window.realmTabs!.app.currentUser!.functions.sum!(2, 3));
  expect(result).toBe(5);
});

test("switchUser in one tab changes currentUser in every tab", async ({ context, stack }) => {
  const tabs = await openTabs(context, stack.url, 3);
  const first = await logInAnonymously(tabs[0]!, false);
  const second = await logInAnonymously(tabs[1]!, false);
  expect(second).not.toBe(first);
  await expectTabsAgree(tabs, (v) => v.currentUserId === second && v.users.length === 2);
  await tabs[2]!.evaluate(async (id) => {
    const { app } = window.realmTabs!;
    await app.switchUser(app.allUsers[id]!);
  }, first);
  const view = await expectTabsAgree(tabs, (v) => v.currentUserId === first);
  expect(view.users.map((u) => u.id)).toEqual([first, second]);
});

test("two tabs logging in at the same moment end in the same state everywhere", async ({ context, stack }) => {
  const tabs = await openTabs(context, stack.url, 3);
  const ids = await Promise.all([logInAnonymously(tabs[0]!, false), logInAnonymously(tabs[1]!, false)]);
  const view = await expectTabsAgree(tabs, (v) => v.users.length === 2);
  expect(new Set(view.users.map((u) => u.id))).toEqual(new Set(ids));
  expect(ids).toContain(view.currentUserId);
  expect(view.users.every((u) => u.isLoggedIn)).toBe(true);
});

test("a SharedWorker that fails to load rejects ready with worker-unavailable, before the deadline", async ({ context, stack }) => {
  const [tab] = await openTabs(context, stack.url, 1);
  const outcome = await tab!.evaluate(async (baseUrl) => {
    const { App } = window.realmTabs!;
    const started = performance.now();
    const app = new App({
      id: "broken",
      baseUrl,
      timeoutMs: 20_000,
      worker: () => new SharedWorker("/no-such-worker.js", { type: "module", name: "broken" }),
    });
    const error = (await app.ready.catch((e: unknown) => e)) as { code?: string };
    return { code: error?.code, ms: performance.now() - started };
  }, stack.server.url);
  expect(outcome.code).toBe("worker-unavailable");
  expect(outcome.ms).toBeLessThan(20_000);
});
