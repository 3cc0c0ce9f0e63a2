/**
 * The refresh-token opt-in is per tab: a tab created with `exposeRefreshToken: true` reads
 * `user.refreshToken`; another tab of the same app, which did not opt in, reads `null`, before and
 * after the opt-in, and after a reload; a tab opened later without the opt-in reads `null` too
 * (nothing was remembered for the app).
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures.js";
import { openTab } from "../src/testing/tabs.js";

function currentUserIdOf(page: Page): Promise<string | null> {
  return page.evaluate(() => window.realmTabs!.app.currentUser?.id ?? null);
}

// (expectTabsAgree compares whole views, refresh tokens included: here the tabs differ on purpose)
function refreshTokenOf(page: Page): Promise<string | null | undefined> {
  return page.evaluate(() => window.realmTabs!.app.currentUser?.refreshToken);
}

test("only the tab that opted in sees user.refreshToken", async ({ context, stack }) => {
  const plain = await openTab(context, stack.url);
  const optedIn = await openTab(context, `${stack.url}&exposeRefreshToken=1`);
  const id = await plain.evaluate(async () => {
    const { app, Credentials } = window.realmTabs!;
    return (await app.logIn(Credentials.anonymous(false))).id;
  });
  await expect.poll(() => currentUserIdOf(optedIn)).toBe(id);
  await expect.poll(() => refreshTokenOf(optedIn)).toMatch(/^ey/);
  expect(await refreshTokenOf(plain)).toBeNull();
  // a refresh (a state change every tab hears of) does not hand it to the other tab
  await optedIn.evaluate(() => window.realmTabs!.app.currentUser!.refreshAccessToken());
  await expect.poll(() => refreshTokenOf(optedIn)).toMatch(/^ey/);
  expect(await refreshTokenOf(plain)).toBeNull();
  await plain.reload();
  const later = await openTab(context, stack.url);
  for (const tab of [plain, later]) await expect.poll(() => currentUserIdOf(tab)).toBe(id);
  expect(await refreshTokenOf(plain)).toBeNull();
  expect(await refreshTokenOf(later)).toBeNull();
});
