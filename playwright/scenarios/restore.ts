/**
 * The session outlives every tab: the runtime stops with the last tab and a new tab restores the
 * session from IndexedDB, without a new login.
 * @packageDocumentation
 */
import assert from "node:assert/strict";
import type { Scenario } from "./scenario.js";
import { logInAnonymously, openTab, openTabs, tabsAgree, tabView } from "./tabs.js";

/** The session survives every tab closing, without a new login. */
export const restoreAfterAllClosed: Scenario = {
  title: "closing every tab and opening a new one restores the session without a new login",
  timeout: 60_000,
  async run({ driver, context, url, server }) {
    const tabs = await openTabs(driver, context, url, 2);
    const id = await logInAnonymously(tabs[0]!);
    const before = await tabsAgree(driver, tabs, (v) => v.currentUserId === id);
    const { logins } = await server.counters();
    // the probe below must see the worker while tabs are open, or its "none left" would prove nothing
    const mode = await tabs[0]!.evaluate(() => window.realmTabs!.app.mode);
    if (mode === "shared-worker") assert.ok((await driver.sharedWorkerUrls()).length > 0, "the browser lists the running SharedWorker");
    for (const tab of tabs) await tab.close();
    // the SharedWorker stops with its last tab (none runs in a browser without SharedWorker)
    await driver.waitUntil(
      () => driver.sharedWorkerUrls(),
      (urls) => urls.length === 0,
      { message: "the SharedWorker has stopped" },
    );
    const fresh = await openTab(driver, context, url);
    await driver.waitUntil(
      async () => (await tabView(fresh)).currentUserId,
      (current) => current === id,
      { message: "the new tab shows the user" },
    );
    const after = await tabView(fresh);
    assert.deepEqual(
      { id: after.users[0]?.id, isLoggedIn: after.users[0]?.isLoggedIn, accessToken: after.users[0]?.accessToken },
      { id, isLoggedIn: true, accessToken: before.users[0]!.accessToken },
    );
    assert.equal((await server.counters()).logins, logins, "no new login");
    const result = await fresh.evaluate(() => window.realmTabs!.app.currentUser!.functions.sum!(2, 3));
    assert.equal(result, 5);
  },
};
