/**
 * One refresh per access-token expiry for every tab together, counted by the server.
 * @packageDocumentation
 */
import assert from "node:assert/strict";
import { pageUrl, type Scenario } from "./scenario.js";
import { logInAnonymously, openTabs, tabsAgree, tabView } from "./tabs.js";

/** How long the tabs stay open, and the server's access-token lifetime, in seconds. */
const WINDOW_S = 10;
const TTL_S = 2;

/** One refresh per expiry for all tabs, counted by the server. */
export const oneRefreshPerExpiry: Scenario = {
  title: `5 tabs for ${WINDOW_S} seconds with a ${TTL_S}-second token: one refresh per expiry, not one per tab`,
  timeout: 90_000,
  async run({ driver, context, pagesUrl, startServer, note }) {
    const server = await startServer({ accessTokenTtlSeconds: TTL_S });
    const tabs = await openTabs(driver, context, pageUrl(pagesUrl, server), 5);
    await logInAnonymously(tabs[0]!);
    await tabsAgree(driver, tabs, (v) => v.currentUserId !== null);
    await server.resetCounters();
    const started = Date.now();
    const tokens = new Set<string>();
    // every tab's token is read until the window is over and at least 4 new tokens were seen
    await driver.waitUntil(
      async () => {
        for (const tab of tabs) {
          const token = (await tabView(tab)).users[0]?.accessToken;
          if (token) tokens.add(token);
        }
        return { windowDone: Date.now() - started >= WINDOW_S * 1000, newTokens: tokens.size - 1 };
      },
      (s) => s.windowDone && s.newTokens >= WINDOW_S / TTL_S - 1,
      { message: `the ${WINDOW_S} s window passed with new tokens in the tabs`, timeout: 30_000 },
    );
    const { refreshes } = await server.counters();
    const seconds = (Date.now() - started) / 1000;
    // 10 s / 2 s = 5 expiries; one refresh per tab per expiry would be about 25
    assert.ok(refreshes >= WINDOW_S / TTL_S - 1, `${refreshes} refreshes in ${seconds.toFixed(1)} s: fewer than one per expiry`);
    assert.ok(
      refreshes <= Math.ceil(seconds / TTL_S) * 2 + 1,
      `${refreshes} refreshes in ${seconds.toFixed(1)} s: more than one per expiry`,
    );
    const view = await tabsAgree(driver, tabs, (v) => v.users[0]?.isLoggedIn === true);
    assert.equal(view.users.length, 1);
    note(`${refreshes} refreshes in ${seconds.toFixed(1)} s with 5 tabs and a ${TTL_S} s TTL`);
  },
};
