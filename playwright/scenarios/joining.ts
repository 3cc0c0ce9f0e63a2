/**
 * A tab that is still connecting (loading, electing, handshaking, fetching its first snapshot)
 * while another tab logs in must end up showing that login, whatever order the login's `state`
 * hint, the new tab's handshake reply and its snapshot fetches arrive in.
 * @packageDocumentation
 */
import type { Scenario } from "./scenario.js";
import { logInAnonymously, openTabs, tabsAgree } from "./tabs.js";

/** Rounds per ordering: the race was seen once in six runs, so one round proves little. */
const ROUNDS = 6;

/** Logins in a ready tab while a new tab joins; the new tab shows each one. */
export const loginWhileJoining: Scenario = {
  title: "a tab that is still connecting when another tab logs in shows that login",
  timeout: 120_000,
  async run({ driver, context, url }) {
    const [a] = await openTabs(driver, context, url, 1);
    for (let round = 0; round < ROUNDS; round += 1) {
      // the login runs while the new tab loads its page (its channel may not exist yet)
      const [b, early] = await Promise.all([context.newTab(url), logInAnonymously(a!, false)]);
      await tabsAgree(driver, [a!, b], (v) => v.currentUserId === early);
      await b.close();
      // the page has loaded, its App is connecting: the login's hint races the handshake
      const c = await context.newTab(url);
      const late = await logInAnonymously(a!, false);
      await tabsAgree(driver, [a!, c], (v) => v.currentUserId === late);
      await c.close();
    }
  },
};
