/**
 * A tab that navigated away while another tab logged out, then came back with the Back button,
 * shows the logout: whether the browser restored it from the back/forward cache (then `pageshow`
 * with `persisted` makes it ask the runtime for the current snapshot) or loaded it again.
 * @packageDocumentation
 */
import assert from "node:assert/strict";
import type { Scenario } from "./scenario.js";
import { logInAnonymously, openTabs, readiness, tabsAgree, tabView } from "./tabs.js";

/** A tab that comes back with Back shows a logout made while it was away. */
export const backAfterLogout: Scenario = {
  title: "a tab that went to another page during a logout elsewhere shows it logged out after Back",
  timeout: 60_000,
  async run({ driver, context, url, pagesUrl, note }) {
    const [a, b] = await openTabs(driver, context, url, 2);
    const id = await logInAnonymously(a!);
    await tabsAgree(driver, [a!, b!], (v) => v.currentUserId === id);
    await b!.evaluate(() => {
      (window as unknown as { beforeLeaving?: boolean }).beforeLeaving = true;
    });
    // another page of the same origin, without realm-tabs
    await b!.goto(new URL("/playwright/app/realm-web.html", pagesUrl).toString());
    await a!.evaluate(() => window.realmTabs!.app.currentUser!.logOut());
    await driver.waitUntil(
      async () => (await tabView(a!)).currentUserId,
      (current) => current === null,
      { message: "tab A shows the logout" },
    );
    await b!.evaluate(() => {
      setTimeout(() => history.back(), 0);
    });
    await driver.waitUntil(
      () => readiness(b!),
      (r) => r === "ready",
      { message: "tab B is back on the app page and ready", timeout: 30_000 },
    );
    const view = await driver.waitUntil(
      () => tabView(b!),
      (v) => v.currentUserId === null,
      { message: "tab B shows the logout" },
    );
    assert.ok(view.users.every((u) => !u.isLoggedIn));
    const fromCache = await b!.evaluate(() => (window as unknown as { beforeLeaving?: boolean }).beforeLeaving === true);
    note(fromCache ? "tab B came back from the back/forward cache" : "tab B was loaded again (not kept in the back/forward cache)");
    await tabsAgree(driver, [a!, b!], (v) => v.currentUserId === null);
  },
};
