/**
 * One session for every tab: logins, function calls, logouts with listeners, switchUser and
 * concurrent logins, seen the same way in every tab of a context.
 * @packageDocumentation
 */
import assert from "node:assert/strict";
import type { Scenario } from "./scenario.js";
import { listenerCounts, logInAnonymously, openTabs, tabsAgree, tabView } from "./tabs.js";

/** A login in one tab shows in every tab, which each hold their liveness lock. */
export const loginEverywhere: Scenario = {
  title: "a login in tab A appears in tabs B and C with the same id and tokens",
  timeout: 60_000,
  async run({ driver, context, url }) {
    const [a, b, c] = await openTabs(driver, context, url, 3);
    const id = await logInAnonymously(a!);
    const view = await tabsAgree(driver, [a!, b!, c!], (v) => v.currentUserId === id);
    assert.equal(view.users.length, 1);
    assert.deepEqual(
      {
        id: view.users[0]!.id,
        isLoggedIn: view.users[0]!.isLoggedIn,
        state: view.users[0]!.state,
        providerType: view.users[0]!.providerType,
      },
      { id, isLoggedIn: true, state: "LoggedIn", providerType: "anon-user" },
    );
    assert.match(view.users[0]!.accessToken ?? "", /^ey/);
    assert.equal(view.users[0]!.refreshToken, null, "the refresh token stays in the runtime unless the app opts in");
    // each tab holds its liveness lock, which tells the runtime when the tab is gone
    const held = await a!.evaluate(async () => ((await navigator.locks.query()).held ?? []).map((l) => l.name ?? ""));
    assert.equal(held.filter((name) => name.startsWith("realm-tabs:tab:")).length, 3);
  },
};

/** Function calls work from every tab; server errors keep their class. */
export const functionsEverywhere: Scenario = {
  title: "a function call works from every tab, and a server error keeps its class and fields",
  timeout: 60_000,
  async run({ driver, context, url }) {
    const tabs = await openTabs(driver, context, url, 3);
    await logInAnonymously(tabs[0]!);
    await tabsAgree(driver, tabs, (v) => v.currentUserId !== null);
    for (const [i, tab] of tabs.entries()) {
      const result = await tab.evaluate((i) => {
        const sum = window.realmTabs!.app.currentUser!.functions.sum!; // bound: callable on its own
        return sum(i, 40);
      }, i);
      assert.equal(result, i + 40);
    }
    const error = await tabs[1]!.evaluate(async () => {
      const e = (await window.realmTabs!.app.currentUser!.callFunction("noSuchFunction").catch((x: unknown) => x)) as Record<
        string,
        unknown
      >;
      return { name: e.name, statusCode: e.statusCode, errorCode: e.errorCode, isClass: e instanceof Error && "isMongoDBRealmError" in e };
    });
    assert.deepEqual(error, { name: "MongoDBRealmError", statusCode: 404, errorCode: "FunctionNotFound", isClass: true });
  },
};

/** A logout reaches every tab and fires each tab's listeners once. */
export const logoutWithListeners: Scenario = {
  title: "logout in tab C turns isLoggedIn false everywhere and fires the listeners of every tab once",
  timeout: 60_000,
  async run({ driver, context, url }) {
    const [a, b, c] = await openTabs(driver, context, url, 3);
    const id = await logInAnonymously(a!);
    await tabsAgree(driver, [a!, b!, c!], (v) => v.currentUserId === id);
    for (const tab of [a!, b!, c!]) await tab.evaluate(() => window.realmTabs!.listen());
    await c!.evaluate(() => window.realmTabs!.app.currentUser!.logOut());
    await tabsAgree(driver, [a!, b!, c!], (v) => v.users.every((u) => !u.isLoggedIn) && v.currentUserId === null);
    const expected = JSON.stringify({ app: 1, users: { [id]: 1 } });
    for (const [i, tab] of [a!, b!, c!].entries()) {
      await driver.waitUntil(
        () => listenerCounts(tab),
        (n) => JSON.stringify(n) === expected,
        { message: `tab ${i}'s listeners fired once each` },
      );
    }
  },
};

/** `switchUser` in one tab changes the current user in every tab. */
export const switchUserEverywhere: Scenario = {
  title: "switchUser in one tab changes currentUser in every tab",
  timeout: 60_000,
  async run({ driver, context, url }) {
    const tabs = await openTabs(driver, context, url, 3);
    const first = await logInAnonymously(tabs[0]!, false);
    const second = await logInAnonymously(tabs[1]!, false);
    assert.notEqual(second, first);
    await tabsAgree(driver, tabs, (v) => v.currentUserId === second && v.users.length === 2);
    await tabs[2]!.evaluate(async (id) => {
      const { app } = window.realmTabs!;
      await app.switchUser(app.allUsers[id]!);
    }, first);
    const view = await tabsAgree(driver, tabs, (v) => v.currentUserId === first);
    assert.deepEqual(
      view.users.map((u) => u.id),
      [first, second],
    );
  },
};

/** Two logins at the same moment end in one state everywhere. */
export const concurrentLogins: Scenario = {
  title: "two tabs logging in at the same moment end in the same state everywhere",
  timeout: 60_000,
  async run({ driver, context, url }) {
    const tabs = await openTabs(driver, context, url, 3);
    const ids = await Promise.all([logInAnonymously(tabs[0]!, false), logInAnonymously(tabs[1]!, false)]);
    const view = await tabsAgree(driver, tabs, (v) => v.users.length === 2);
    assert.deepEqual(new Set(view.users.map((u) => u.id)), new Set(ids));
    assert.ok(ids.includes(view.currentUserId ?? ""), `current user ${view.currentUserId} is one of ${ids.join(", ")}`);
    assert.ok(view.users.every((u) => u.isLoggedIn));
    assert.deepEqual(await tabView(tabs[2]!), view);
  },
};
