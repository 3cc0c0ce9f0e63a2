/**
 * The runtime's half of the redirect login against the real server's development stand-in: the
 * login URL it builds is one the server serves, and the `_baas_ua` the redirect hands back logs the
 * user in (current, `oauth2-google`, profile fetched); forged or malformed results commit nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../server/src/index.js";
import { isMongoDBRealmError } from "../../src/protocol/encodeError.js";
import { openTab, testHost } from "../../test/worker-kit.js";

const APP = "redirect-login";
const REDIRECT = "http://127.0.0.1:4444/auth-redirect.html";
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    port: 0,
    host: "127.0.0.1",
    inMemory: true,
    logger: false,
    onWarning: () => undefined,
    config: { appId: APP, devOAuth: true, authProviders: { "anon-user": {}, "oauth2-google": {} } },
  });
});
afterAll(async () => {
  await server.close();
});

/** Plays the browser: the login URL, the picker, the pick; returns the redirect's hash parameters. */
async function pick(loginUrl: string, email: string): Promise<URLSearchParams> {
  const login = await fetch(loginUrl, { redirect: "manual" });
  expect(login.status).toBe(302);
  const authorize = new URL(login.headers.get("location")!, server.url);
  const flow = authorize.searchParams.get("flow")!;
  const back = await fetch(`${server.url}/api/client/v2.0/dev-oauth/callback?${new URLSearchParams({ flow, email })}`, {
    redirect: "manual",
  });
  expect(back.status).toBe(302);
  const location = new URL(back.headers.get("location")!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  return new URLSearchParams(location.hash.slice(1));
}

describe("redirect login in the runtime", () => {
  it("builds the server's login URL and completes the login with what the redirect hands back", async () => {
    const host = testHost(`redirect-login-${Date.now()}`);
    const tab = openTab(host, server, APP);
    const { appKey } = await tab.connect();
    const url = new URL(await tab.api.redirectLoginUrl(appKey, "oauth2-google", REDIRECT, "abcdefghijkl"));
    expect(`${url.origin}${url.pathname}`).toBe(`${server.url}/api/client/v2.0/app/${APP}/auth/providers/oauth2-google/login`);
    expect(url.searchParams.get("redirect")).toBe(REDIRECT);
    expect(url.searchParams.get("state")).toBe("abcdefghijkl");
    expect(JSON.parse(atob(url.searchParams.get("device")!))).toMatchObject({
      platform: expect.any(String),
      sdkVersion: expect.any(String),
    });
    const hash = await pick(url.toString(), "grace@example.com");
    expect(hash.get("_baas_state")).toBe("abcdefghijkl");
    const reply = await tab.api.completeRedirectLogin(appKey, "oauth2-google", hash.get("_baas_ua")!);
    const userId = hash.get("_baas_ua")!.split("$")[2];
    expect(reply.userId).toBe(userId);
    expect(reply.snapshot.currentUserId).toBe(userId);
    expect(reply.snapshot.users[0]).toMatchObject({ id: userId, state: "LoggedIn", providerType: "oauth2-google", refreshToken: null });
    expect(reply.snapshot.users[0]?.profile?.data).toMatchObject({ email: "grace@example.com" });
    expect(reply.changes).toContainEqual({ type: "login", userId });
    // the session refreshes like any other
    expect((await tab.api.refreshAccessToken(appKey, userId!)).snapshot.users[0]?.state).toBe("LoggedIn");
    // with a device id known, the next login URL carries it as realm-web writes it: the hex string
    expect(reply.snapshot.deviceId).toMatch(/^[0-9a-f]{24}$/);
    const next = new URL(await tab.api.redirectLoginUrl(appKey, "oauth2-google", REDIRECT, "abcdefghijkl"));
    expect((JSON.parse(atob(next.searchParams.get("device")!)) as { deviceId: unknown }).deviceId).toBe(reply.snapshot.deviceId);
    tab.close();
    host.close();
  });

  it("rejects bad arguments and forged tokens, committing nothing", async () => {
    const host = testHost(`redirect-login-bad-${Date.now()}`);
    const tab = openTab(host, server, APP);
    const { appKey, snapshot } = await tab.connect();
    const invalid = [
      tab.api.redirectLoginUrl(appKey, "anon-user", REDIRECT, "abcdefghijkl"),
      tab.api.redirectLoginUrl(appKey, "oauth2-google", "ftp://x/y", "abcdefghijkl"),
      tab.api.redirectLoginUrl(appKey, "oauth2-google", REDIRECT, "short"),
      tab.api.completeRedirectLogin(appKey, "oauth2-google", "only$three$parts"),
      tab.api.completeRedirectLogin(appKey, "local-userpass", "a$b$c$d"),
    ];
    for (const call of invalid) await expect(call).rejects.toMatchObject({ code: "invalid-argument" });
    const forged = await tab.api
      .completeRedirectLogin(appKey, "oauth2-google", "x.y.z$r.e.f$65a1b2c3d4e5f60718293a4b$000000000000000000000000")
      .catch((e: unknown) => e);
    expect(isMongoDBRealmError(forged)).toBe(true);
    expect(forged).toMatchObject({ statusCode: 401 });
    expect((await tab.api.snapshot(appKey)).epoch).toBe(snapshot.epoch);
    tab.close();
    host.close();
  });
});
