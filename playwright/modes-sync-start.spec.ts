/**
 * realm-web's synchronous start in every runtime mode: on the line after `new App`, a new tab (and
 * a reloaded one) has the signed-in users and the current user; `switchUser` is visible on its
 * next line in the calling tab and the other tabs follow.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures.js";
import { expectTabsAgree, openTab } from "../src/testing/tabs.js";

interface AtStart {
  currentUserId: string | null;
  userIds: string[];
}

function atStart(page: Page): Promise<AtStart> {
  return page.evaluate(() => (window as { realmTabsAtStart?: AtStart }).realmTabsAtStart!);
}

function logIn(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const { app, Credentials } = window.realmTabs!;
    return (await app.logIn(Credentials.anonymous(false))).id;
  });
}

for (const mode of ["auto", "leader", "in-page"] as const) {
  test(`${mode} mode: currentUser and allUsers are there on the line after new App; switchUser at once`, async ({ context, stack }) => {
    const url = mode === "auto" ? stack.url : `${stack.url}&mode=${mode}`;
    const a = await openTab(context, url);
    expect(await atStart(a)).toEqual({ currentUserId: null, userIds: [] });
    const first = await logIn(a);
    const second = await logIn(a);
    const switched = await a.evaluate((id) => {
      const { app } = window.realmTabs!;
      void app.switchUser(app.allUsers[id]!);
      return app.currentUser?.id; // the very next line
    }, first);
    expect(switched).toBe(first);
    const b = await openTab(context, url);
    const start = await atStart(b);
    expect(start.currentUserId).toBe(first);
    expect(start.userIds.sort()).toEqual([first, second].sort());
    await expectTabsAgree([a, b], (v) => v.currentUserId === first);
    await a.reload();
    await expect.poll(() => atStart(a).then((s) => s.currentUserId)).toBe(first);
  });
}
