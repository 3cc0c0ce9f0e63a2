/**
 * A browser without SharedWorker: `auto` mode falls back to a leader tab (reported as degraded),
 * the session is shared the same way, and closing the leader tab mid-call hands the runtime over to
 * another tab within a second (the call fails retryably), with the session intact.
 * @packageDocumentation
 */
import assert from "node:assert/strict";
import type { Tab } from "../drivers/driver.js";
import type { Scenario } from "./scenario.js";
import { logInAnonymously, openTabs, tabsAgree } from "./tabs.js";

/** This tab's connection id (the suffix of its liveness lock). */
function tabIdOf(tab: Tab): Promise<string> {
  return tab.evaluate(
    () =>
      (window.realmTabs!.app as unknown as { session: { attached: { connection: { tabId: string } } } }).session.attached.connection.tabId,
  );
}

/** Which tab hosts the runtime: the one whose liveness lock has the leader lock's client id. */
async function leaderIndex(tabs: Tab[]): Promise<number> {
  const held = await tabs[0]!.evaluate(async () =>
    ((await navigator.locks.query()).held ?? []).map((l) => ({ name: l.name ?? "", clientId: l.clientId ?? "" })),
  );
  const leaderClient = held.find((l) => l.name.startsWith("realm-tabs:leader:"))?.clientId;
  assert.ok(leaderClient, `a tab holds the leader lock: ${JSON.stringify(held)}`);
  for (const [i, tab] of tabs.entries()) {
    const tabId = await tabIdOf(tab);
    if (held.some((l) => l.name === `realm-tabs:tab:${tabId}` && l.clientId === leaderClient)) return i;
  }
  throw new Error(`no tab holds the leader lock: ${JSON.stringify(held)}`);
}

/** Without SharedWorker: a leader tab, and a clean hand-over when it closes. */
export const leaderFallback: Scenario = {
  title:
    "without SharedWorker, auto mode falls back to a leader tab; closing the leader mid-call hands over within a second, the call fails retryably, the session intact",
  timeout: 90_000,
  async run({ driver, url, server, note }) {
    const context = await driver.newContext({ sharedWorker: false });
    try {
      const tabs = await openTabs(driver, context, url, 3);
      for (const tab of tabs) {
        const mode = await tab.evaluate(() => ({
          mode: window.realmTabs!.app.mode,
          degraded: window.realmTabs!.app.degraded,
          hasSharedWorker: typeof SharedWorker !== "undefined",
        }));
        assert.deepEqual(mode, { mode: "leader", degraded: true, hasSharedWorker: false });
      }
      const id = await logInAnonymously(tabs[1]!);
      const before = await tabsAgree(driver, tabs, (v) => v.currentUserId === id && v.users[0]?.isLoggedIn === true);
      const { logins } = await server.counters();
      const leader = await leaderIndex(tabs);
      const survivors = tabs.filter((_, i) => i !== leader);
      const caller = survivors[0]!;
      const callsBefore = (await server.counters()).functionCalls;
      // a call still in flight on the leader when it closes
      const inFlight = caller.evaluate(async () => {
        const started = performance.now();
        try {
          return { ok: true, value: await window.realmTabs!.app.currentUser!.functions.sleep!(3_000), ms: performance.now() - started };
        } catch (e) {
          const x = e as { code?: string; retryable?: boolean; name?: string };
          return { ok: false, code: x.code, retryable: x.retryable, name: x.name, ms: performance.now() - started };
        }
      });
      await driver.waitUntil(
        async () => (await server.counters()).functionCalls,
        (n) => n > callsBefore,
        { message: "the leader sent the call" },
      );
      const closedAt = Date.now();
      await tabs[leader]!.close();
      const outcome = await inFlight;
      const rejectedMs = Date.now() - closedAt;
      assert.deepEqual(
        { ok: outcome.ok, code: outcome.code, retryable: outcome.retryable, name: outcome.name },
        { ok: false, code: "leader-changed", retryable: true, name: "RealmTabsError" },
      );
      note(`in-flight call rejected ${rejectedMs} ms after the leader tab closed`);
      // the old leader will never answer: the call fails fast (not at its 15 s deadline)
      assert.ok(rejectedMs < 1_500, `the in-flight call was rejected ${rejectedMs} ms after the leader closed`);
      // a new leader serves calls at once; the session came back from IndexedDB without a login
      assert.equal(await caller.evaluate(() => window.realmTabs!.app.currentUser!.functions.sum!(20, 22)), 42);
      const answeredMs = Date.now() - closedAt;
      note(`new leader answered ${answeredMs} ms after the old one closed`);
      assert.ok(answeredMs < 3_000, `the new leader answered ${answeredMs} ms after the old one closed`);
      const after = await tabsAgree(driver, survivors, (v) => v.currentUserId === id);
      assert.equal(after.users[0]!.id, id);
      assert.equal(after.users[0]!.isLoggedIn, true);
      assert.equal(after.users[0]!.accessToken, before.users[0]!.accessToken);
      assert.equal((await server.counters()).logins, logins, "no new login");
      // and it still shares the session: a login in one survivor reaches the other, and so do logouts
      await logInAnonymously(survivors[1]!, false);
      await tabsAgree(driver, survivors, (v) => v.users.length === 2 && v.users.every((u) => u.isLoggedIn));
      await survivors[1]!.evaluate(async () => {
        for (const user of Object.values(window.realmTabs!.app.allUsers)) await user.logOut();
      });
      await tabsAgree(driver, survivors, (v) => v.currentUserId === null && v.users.every((u) => !u.isLoggedIn));
    } finally {
      await context.close();
    }
  },
};
