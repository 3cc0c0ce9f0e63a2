/**
 * A page written against realm-web 2.0.1 (playwright/realm-web-app/app.ts, importing "realm-web",
 * resolved to realm-tabs by that folder's Vite config) runs unchanged in every runtime mode: the
 * SharedWorker, a leader tab (the browser's SharedWorker removed before the page runs) and in-page
 * (BroadcastChannel removed too). Each mode: restore on load with a synchronous `currentUser`, two
 * users and `switchUser`, login with every credential (the OAuth redirect through the server's
 * development stand-in, ending on the redirect page playwright/app/auth-redirect.html), the
 * email/password flows, functions with the reserved names, MongoDB CRUD and watch, API keys, log out.
 */
import { fileURLToPath } from "node:url";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { SignJWT } from "jose";
import { startTestPageServer, startTestServer, type TestPageServer, type TestServer } from "../src/testing/server.js";
import { testPageUrl } from "../src/testing/tabs.js";
import type { RealmWebAppSteps } from "./realm-web-app/app.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const JWT_SECRET = "a-shared-secret-of-at-least-32-bytes!!";

declare global {
  interface Window {
    realmWebApp?: RealmWebAppSteps;
  }
}

let server: TestServer;
let pages: TestPageServer;
let url: string;
let redirectUrl: string;

test.beforeAll(async () => {
  server = await startTestServer({
    functionsDir: `${repo}playwright/realm-web-app/functions`,
    allowAllData: true,
    onWarning: () => undefined,
    config: {
      devOAuth: true,
      authProviders: {
        "anon-user": {},
        "oauth2-google": {},
        "local-userpass": { autoConfirm: false },
        "api-key": {},
        "custom-token": { algorithm: "HS256", secret: JWT_SECRET, metadataFields: [{ name: "name" }] },
        "custom-function": { functionName: "authFunc" },
      },
    },
  });
  pages = await startTestPageServer({ root: repo, configFile: `${repo}playwright/realm-web-app/vite.config.ts` });
  url = testPageUrl(new URL("/playwright/realm-web-app/index.html", pages.url), server);
  // the repository's one redirect page (it only calls handleAuthRedirect(); this folder's config
  // resolves its import to the same realm-tabs module as the page's "realm-web")
  redirectUrl = new URL("/playwright/app/auth-redirect.html", pages.url).toString();
});

test.afterAll(async () => {
  await pages?.close();
  await server?.close();
});

async function adminToken(email: string, kind: "confirm" | "reset"): Promise<{ token: string; tokenId: string }> {
  const res = await fetch(`${server.url}/admin/v1/userpass/tokens?email=${encodeURIComponent(email)}&kind=${kind}`, {
    headers: { authorization: `Bearer ${server.adminToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { token: string; tokenId: string };
}

function jwtFor(subject: string, name: string): Promise<string> {
  return new SignJWT({ name })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(new TextEncoder().encode(JWT_SECRET));
}

async function open(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await expect(page.locator("#status")).toHaveText("loaded");
  return page;
}

const MODES = {
  "shared-worker": "",
  leader: "delete globalThis.SharedWorker;",
  "in-page": "delete globalThis.SharedWorker; delete globalThis.BroadcastChannel;",
} as const;

for (const [mode, removeGlobals] of Object.entries(MODES)) {
  test(`${mode} mode: a realm-web page runs unchanged`, async ({ context }) => {
    if (removeGlobals) await context.addInitScript({ content: removeGlobals });
    const a = await open(context);
    expect(await a.evaluate(() => window.realmWebApp!.atLoad())).toMatchObject({ currentUserId: null, userIds: [] });

    // anonymous, through the everyday idiom
    const anonymous = await a.evaluate(() => window.realmWebApp!.start());
    expect(await a.evaluate(() => window.realmWebApp!.runtimeMode())).toBe(mode);
    expect(await a.evaluate(() => window.realmWebApp!.start())).toBe(anonymous);

    // email/password: register, unconfirmed login refused, resend, confirm, reset, log in
    const email = `ann-${mode}@example.com`;
    await a.evaluate(([e]) => window.realmWebApp!.register(e!, "secret123"), [email]);
    expect(await a.evaluate(([e]) => window.realmWebApp!.logInWithEmail(e!, "secret123"), [email])).toEqual({ statusCode: 401 });
    await a.evaluate(([e]) => window.realmWebApp!.resendConfirmation(e!), [email]);
    const confirm = await adminToken(email, "confirm");
    await a.evaluate((t) => window.realmWebApp!.confirm(t.token, t.tokenId), confirm);
    const first = await a.evaluate(([e]) => window.realmWebApp!.logInWithEmail(e!, "secret123"), [email]);
    expect(first).toMatchObject({ provider: "local-userpass" });
    await a.evaluate(([e]) => window.realmWebApp!.sendResetEmail(e!), [email]);
    const reset = await adminToken(email, "reset");
    await a.evaluate((t) => window.realmWebApp!.resetPassword(t.token, t.tokenId, "newpass123"), reset);
    expect(await a.evaluate(([e]) => window.realmWebApp!.logInWithEmail(e!, "secret123"), [email])).toEqual({ statusCode: 401 });
    const emailUser = await a.evaluate(([e]) => window.realmWebApp!.logInWithEmail(e!, "newpass123"), [email]);
    expect(emailUser).toEqual(first);
    const emailUserId = (emailUser as { id: string }).id;

    // two users: switchUser is visible on the next line
    const switched = await a.evaluate((id) => window.realmWebApp!.switchTo(id), anonymous);
    expect(switched.next).toBe(anonymous);
    expect(switched.users).toEqual(expect.arrayContaining([anonymous, emailUserId]));

    // custom JWT and custom function
    const jwt = await a.evaluate((token) => window.realmWebApp!.logInWithJwt(token), await jwtFor(`jwt-${mode}`, "Jay"));
    expect(jwt).toMatchObject({ provider: "custom-token", name: "Jay" });
    expect(await a.evaluate((u) => window.realmWebApp!.logInWithFunction(u), `fn-${mode}`)).toMatchObject({ provider: "custom-function" });

    // OAuth 2.0 redirect: the window shows the stand-in's identity picker, the pick lands on the
    // page's redirect page, whose handleAuthRedirect() hands the result back to tab a
    const other = await open(context); // a tab already open during the login
    // ... and in step with tab a before the login starts: connected to the runtime (its remembered
    // state shows the users at once, before it is), and showing the users tab a shows. A tab still
    // connecting when the login happens is covered by playwright/scenarios/joining.ts.
    await expect.poll(() => other.evaluate(() => window.realmWebApp!.runtimeMode())).toBe(mode);
    const usersBefore = await a.evaluate(() => window.realmWebApp!.users());
    await expect.poll(() => other.evaluate(() => window.realmWebApp!.users())).toEqual(usersBefore);
    const popupOpened = a.waitForEvent("popup");
    const redirectLogin = a.evaluate((u) => window.realmWebApp!.logInWithGoogleRedirect(u), redirectUrl);
    const popup = await popupOpened;
    await expect(popup.locator("#sign-in")).toBeVisible();
    await popup.locator("#email").fill(`grace-${mode}@example.com`);
    await popup.locator("#name").fill("Grace Hopper");
    await popup.locator("#sign-in").click();
    const google = await redirectLogin;
    expect(google).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      provider: "oauth2-google",
      loggedIn: true,
      current: google.id,
      email: `grace-${mode}@example.com`,
      name: "Grace Hopper",
    });
    await expect.poll(() => popup.isClosed()).toBe(true); // the opener closed it
    const signedIn = { currentUserId: google.id, providerType: "oauth2-google", userIds: expect.arrayContaining([google.id, jwt.id]) };
    if (mode === "in-page") {
      // no runtime shared between tabs: as with realm-web, a tab already open keeps the users it
      // loaded, and sees the new user once it loads again
      expect(await other.evaluate(() => window.realmWebApp!.users().userIds)).not.toContain(google.id);
      await other.reload();
      await expect(other.locator("#status")).toHaveText("loaded");
    }
    await expect.poll(() => other.evaluate(() => window.realmWebApp!.users())).toEqual(signedIn);
    const late = await open(context); // and a tab opened after it has the user on the line after new App
    expect(await late.evaluate(() => window.realmWebApp!.atLoad())).toMatchObject({
      currentUserId: google.id,
      loggedIn: true,
      providerType: "oauth2-google",
    });
    await late.close();
    await other.close();

    // API keys of the email user, and a login with one
    expect(await a.evaluate((id) => window.realmWebApp!.switchTo(id).next, emailUserId)).toBe(emailUserId);
    const keys = await a.evaluate(() => window.realmWebApp!.apiKeys());
    expect(keys).toEqual({
      listed: ["login", "spare"],
      keyUserId: emailUserId,
      provider: "api-key",
      disabled: true,
      enabled: true,
      left: ["login"],
    });
    // back to the email/password session
    expect(await a.evaluate(([e]) => window.realmWebApp!.logInWithEmail(e!, "newpass123"), [email])).toEqual(first);

    // functions, reserved names included
    const functions = await a.evaluate(() => window.realmWebApp!.functions());
    expect(functions).toMatchObject({ direct: 3, bound: 7, viaUser: 11, reserved: 15 });
    expect(functions.streaming).toMatch(/not supported|not-supported/i);

    // MongoDB CRUD and watch
    expect(await a.evaluate(() => window.realmWebApp!.crud())).toEqual({
      insertedIsObjectId: true,
      insertedIds: 2,
      open: ["test it", "write code"],
      one: "write code",
      modified: 1,
      upserted: true,
      replaced: "newer",
      counted: 2,
      grouped: ["false:2", "true:2"],
      deleted: 1,
    });
    expect(await a.evaluate(() => window.realmWebApp!.watch("watched"))).toEqual({
      operationType: "insert",
      text: "watched",
      keyMatches: true,
    });

    // restore on load: after a reload and in a new tab, the signed-in users are there on the line after new App
    await a.reload();
    await expect(a.locator("#status")).toHaveText("loaded");
    const restored = await a.evaluate(() => window.realmWebApp!.atLoad());
    expect(restored).toMatchObject({
      currentUserId: emailUserId,
      loggedIn: true,
      active: true,
      hasAccessToken: true,
      providerType: "local-userpass",
    });
    expect(restored.userIds).toEqual(expect.arrayContaining([anonymous, emailUserId, jwt.id]));
    const b = await open(context);
    expect(await b.evaluate(() => window.realmWebApp!.atLoad())).toMatchObject({ currentUserId: emailUserId, loggedIn: true });
    expect(await b.evaluate(() => window.realmWebApp!.functions())).toMatchObject({ direct: 3 });

    // log out
    const out = await b.evaluate(() => window.realmWebApp!.logOut());
    expect(out).toMatchObject({ id: emailUserId, loggedOut: true });
    expect(out.current).not.toBe(emailUserId);
  });
}
