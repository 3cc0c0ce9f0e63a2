/**
 * A page signed in with the unmodified realm-web 2.0.1, reloaded with realm-tabs, keeps its user:
 * the session in realm-web's localStorage keys is imported without a new login.
 * @packageDocumentation
 */
import assert from "node:assert/strict";
import type { Tab } from "../drivers/driver.js";
import type { Scenario, ScenarioEnv } from "./scenario.js";
import { openTab, tabsAgree } from "./tabs.js";

/** Waits until the page's `#status` says "ready" (both test pages write it). */
async function statusReady(env: ScenarioEnv, tab: Tab): Promise<void> {
  await env.driver.waitUntil(
    () => tab.evaluate(() => document.getElementById("status")?.textContent ?? null),
    (s) => s === "ready",
    {
      message: "the page reports ready",
      timeout: 30_000,
    },
  );
}

/**
 * Opens the realm-web 2.0.1 page in a new tab and logs in anonymously there; resolves with the tab,
 * the user's id and the server's login count after that login.
 */
async function signInWithRealmWeb(env: ScenarioEnv): Promise<{ tab: Tab; id: string; logins: number }> {
  const realmWebUrl = new URL(env.url);
  realmWebUrl.pathname = "/playwright/app/realm-web.html";
  const tab = await env.context.newTab(realmWebUrl.toString());
  await statusReady(env, tab);
  const signedIn = await tab.evaluate(async () => {
    const { app, Credentials } = window.realmWeb!;
    const user = await app.logIn(Credentials.anonymous());
    return { id: user.id, keys: Object.keys(localStorage).filter((k) => k.startsWith("realm-web:")) };
  });
  assert.ok(signedIn.keys.length > 2, `realm-web stored its session: ${signedIn.keys.join(", ")}`);
  return { tab, id: signedIn.id, logins: (await env.server.counters()).logins };
}

/** realm-web 2.0.1's stored session is imported without a new login. */
export const realmWebImport: Scenario = {
  title: "a page signed in with realm-web 2.0.1, reloaded with realm-tabs, is still signed in as the same user without a new login",
  timeout: 90_000,
  async run(env) {
    const { driver, context, url, server } = env;
    const { tab, id: signedIn, logins } = await signInWithRealmWeb(env);
    await tab.goto(url);
    await statusReady(env, tab);
    const after = await tab.evaluate(async () => {
      const user = window.realmTabs!.app.currentUser;
      return {
        id: user?.id ?? null,
        loggedIn: user?.isLoggedIn ?? false,
        provider: user?.providerType ?? null,
        sum: user ? await user.callFunction("sum", 2, 3) : null,
        keys: Object.keys(localStorage).filter((k) => k.startsWith("realm-web:app(")),
      };
    });
    assert.deepEqual(after, { id: signedIn, loggedIn: true, provider: "anon-user", sum: 5, keys: [] });
    assert.equal((await server.counters()).logins, logins, "no new login");
    const other = await openTab(driver, context, url);
    await tabsAgree(driver, [tab, other], (v) => v.currentUserId === signedIn);
  },
};

/**
 * The realm-web idiom `app.currentUser ?? await app.logIn(Credentials.anonymous())` on the line
 * after `new App`, on the first load after realm-web: the login waits for the import, so it reuses
 * realm-web's anonymous user instead of making a new one.
 */
export const realmWebImportThenLogin: Scenario = {
  title: "on the first load after realm-web 2.0.1, an anonymous login made on the line after new App reuses realm-web's user",
  timeout: 90_000,
  async run(env) {
    const { driver, url, server } = env;
    const { tab, id: signedIn, logins } = await signInWithRealmWeb(env);
    const atOnce = new URL(url);
    atOnce.searchParams.set("loginAtOnce", "1");
    await tab.goto(atOnce.toString());
    const id = await driver.waitUntil(
      () => tab.evaluate(() => (window as { realmTabsLoginAtOnce?: unknown }).realmTabsLoginAtOnce ?? null),
      (v) => v !== null,
      { message: "the login made at once settles", timeout: 30_000 },
    );
    assert.equal(id, signedIn, "the login reused realm-web's anonymous user");
    assert.equal((await server.counters()).logins, logins, "no new login");
  },
};
