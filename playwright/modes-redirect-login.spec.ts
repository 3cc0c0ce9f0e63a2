/**
 * The OAuth 2.0 redirect login across tabs, end to end against the local server's development
 * stand-in: tab A logs in with `Credentials.google({ redirectUrl })`, the window it opens shows the
 * stand-in's identity picker, the pick lands on the redirect page whose `handleAuthRedirect()`
 * hands the result back, and tabs A and B both show the user. Matched by both Playwright projects
 * (`modes*.spec.ts`): with a SharedWorker, and in leader mode without one.
 */
import type { BrowserContext, Page } from "@playwright/test";
import { expect, test, type Stack } from "./fixtures.js";
import { startTestServer, type TestServer } from "../src/testing/server.js";
import { expectTabsAgree, openTab, testPageUrl } from "../src/testing/tabs.js";

let server: TestServer;

test.beforeAll(async () => {
  server = await startTestServer({
    config: { devOAuth: true, authProviders: { "anon-user": {}, "oauth2-google": {} } },
    onWarning: () => undefined,
  });
});
test.afterAll(async () => {
  await server.close();
});

/** Starts `logIn` in `page` with redirect credentials; resolves with the user id, or the error's code. */
function startRedirectLogin(page: Page, redirectUrl: string): Promise<string> {
  return page.evaluate(async (url) => {
    const { app, Credentials } = window.realmTabs!;
    try {
      return (await app.logIn(Credentials.google({ redirectUrl: url }))).id;
    } catch (e) {
      return `error: ${(e as { code?: string }).code ?? String(e)}`;
    }
  }, redirectUrl);
}

test("redirect login in one tab signs the user in in every tab", async ({ context, stack }) => {
  const url = testPageUrl(stack.page, server);
  const redirectUrl = new URL("/playwright/app/auth-redirect.html", stack.pages.url).toString();
  const a = await openTab(context, url);
  const b = await openTab(context, url);
  const popupOpened = a.waitForEvent("popup");
  const login = startRedirectLogin(a, redirectUrl);
  const popup = await popupOpened;
  await expect(popup.locator("#sign-in")).toBeVisible();
  await popup.locator("#email").fill("ada@example.com");
  await popup.locator("#name").fill("Ada Lovelace");
  await popup.locator("#sign-in").click();
  const id = await login;
  expect(id).toMatch(/^[0-9a-f]{24}$/);
  await expect.poll(() => popup.isClosed()).toBe(true); // the opener closed it
  const view = await expectTabsAgree(
    [a, b],
    (v) => v.currentUserId === id && v.users.some((u) => u.id === id && u.isLoggedIn && u.providerType === "oauth2-google"),
  );
  expect(view.users.find((u) => u.id === id)?.profile).toMatchObject({ email: "ada@example.com", name: "Ada Lovelace" });
  // the hand-over key is gone: nothing of the login stays in localStorage
  expect(await a.evaluate(() => Object.keys(localStorage).filter((k) => k.includes("oauth2")))).toEqual([]);
});

/**
 * Opens tab A, starts a redirect login there, ends it in the window with `end` (before any identity
 * is picked) and checks the login fails with `code`; then a new tab B and tab A show no one signed in.
 */
async function failedRedirectLogin(
  context: BrowserContext,
  stack: Stack,
  end: (popup: Page) => Promise<void>,
  code: "window-closed" | "redirect-failed",
): Promise<void> {
  const url = testPageUrl(stack.page, server);
  const redirectUrl = new URL("/playwright/app/auth-redirect.html", stack.pages.url).toString();
  const a = await openTab(context, url);
  const popupOpened = a.waitForEvent("popup");
  const login = startRedirectLogin(a, redirectUrl);
  const popup = await popupOpened;
  await expect(popup.locator("#sign-in")).toBeVisible();
  await end(popup);
  expect(await login).toBe(`error: ${code}`);
  const b = await openTab(context, url);
  await expectTabsAgree([a, b], (v) => v.currentUserId === null && v.users.length === 0);
}

test("a redirect login whose window is closed fails with window-closed and signs no one in", async ({ context, stack }) => {
  await failedRedirectLogin(context, stack, (popup) => popup.close(), "window-closed");
});

test("a cancelled pick fails with redirect-failed and signs no one in", async ({ context, stack }) => {
  await failedRedirectLogin(context, stack, (popup) => popup.locator("#deny").click(), "redirect-failed");
});
