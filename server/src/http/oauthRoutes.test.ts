/**
 * The OAuth 2.0 redirect login through the development stand-in, over HTTP: login → authorization
 * page → pick → redirect back with App Services' hash; refused without `devOAuth`, for unlisted
 * redirects, and for used or unknown flows, always with App Services error bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig, parseConfig } from "../config.js";
import { startServer, type RunningServer } from "../index.js";

const API = "/api/client/v2.0";
const REDIRECT = "http://127.0.0.1:5555/auth/callback.html";
let dev: RunningServer;
let listed: RunningServer;
let off: RunningServer;

beforeAll(async () => {
  const common = { inMemory: true, port: 0, host: "127.0.0.1", logger: false, onWarning: () => undefined } as const;
  dev = await startServer({
    ...common,
    config: { appId: "oa", devOAuth: true, authProviders: { "oauth2-google": {}, "oauth2-apple": {} } },
  });
  listed = await startServer({
    ...common,
    config: { appId: "oa", devOAuth: true, authProviders: { "oauth2-facebook": { redirectUris: ["https://app.example.com/done"] } } },
  });
  off = await startServer({ ...common, config: { appId: "oa", authProviders: { "oauth2-google": {} } } });
});
afterAll(async () => {
  await Promise.all([dev.close(), listed.close(), off.close()]);
});

function loginUrl(server: RunningServer, provider: string, redirect = REDIRECT, state = "abcdefghijkl"): string {
  const device = Buffer.from(JSON.stringify({ sdkVersion: "t", deviceId: { $oid: "65a1b2c3d4e5f60718293a4b" } })).toString("base64");
  return `${server.url}${API}/app/oa/auth/providers/${provider}/login?${new URLSearchParams({ redirect, state, device }).toString()}`;
}

async function go(url: string): Promise<Response> {
  return fetch(url, { redirect: "manual", signal: AbortSignal.timeout(10_000) });
}

/** Follows the login to the authorization page; returns the flow id. */
async function startFlow(server: RunningServer, provider: string): Promise<string> {
  const login = await go(loginUrl(server, provider));
  expect(login.status).toBe(302);
  const authorize = new URL(login.headers.get("location")!, server.url);
  expect(authorize.pathname).toBe(`${API}/dev-oauth/authorize`);
  const page = await go(authorize.toString());
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toMatch(/^text\/html/);
  const html = await page.text();
  expect(html).toContain('id="sign-in"');
  return authorize.searchParams.get("flow")!;
}

function hashOf(location: string): URLSearchParams {
  return new URLSearchParams(new URL(location).hash.slice(1));
}

describe("OAuth redirect login through the development stand-in", () => {
  it("issues the picked user and redirects back with _baas_ua, _baas_state and the app id", async () => {
    const flow = await startFlow(dev, "oauth2-google");
    const back = await go(`${dev.url}${API}/dev-oauth/callback?${new URLSearchParams({ flow, email: "Ada@Example.com", name: "Ada" })}`);
    expect(back.status).toBe(302);
    const location = back.headers.get("location")!;
    expect(location.startsWith(`${REDIRECT}#`)).toBe(true);
    const hash = hashOf(location);
    expect(hash.get("_baas_state")).toBe("abcdefghijkl");
    expect(hash.get("_baas_client_app_id")).toBe("oa");
    const [accessToken, refreshToken, userId, deviceId] = hash.get("_baas_ua")!.split("$");
    expect(deviceId).toBe("65a1b2c3d4e5f60718293a4b");
    // the tokens are a real session of that user
    const profile = await fetch(`${dev.url}${API}/auth/profile`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(profile.status).toBe(200);
    const body = (await profile.json()) as {
      user_id: string;
      identities: { provider_type: string }[];
      data: { email: string; name: string };
    };
    expect(body.user_id).toBe(userId);
    expect(body.identities.map((i) => i.provider_type)).toEqual(["oauth2-google"]);
    expect(body.data).toMatchObject({ email: "ada@example.com", name: "Ada" });
    const refreshed = await fetch(`${dev.url}${API}/auth/session`, {
      method: "POST",
      headers: { authorization: `Bearer ${refreshToken}` },
    });
    expect(refreshed.status).toBe(200);
    // the same pick again is the same user; the used flow is gone
    const again = await startFlow(dev, "oauth2-google");
    const second = await go(`${dev.url}${API}/dev-oauth/callback?${new URLSearchParams({ flow: again, email: "ada@example.com" })}`);
    expect(hashOf(second.headers.get("location")!).get("_baas_ua")!.split("$")[2]).toBe(userId);
    const reused = await go(`${dev.url}${API}/dev-oauth/callback?${new URLSearchParams({ flow, email: "ada@example.com" })}`);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error_code: "InvalidParameter" });
  });

  it("redirects back with _baas_error when the pick is cancelled", async () => {
    const flow = await startFlow(dev, "oauth2-apple");
    const back = await go(`${dev.url}${API}/dev-oauth/callback?${new URLSearchParams({ flow, error: "access_denied" })}`);
    expect(back.status).toBe(302);
    const hash = hashOf(back.headers.get("location")!);
    expect(hash.get("_baas_error")).toBe("access_denied");
    expect(hash.get("_baas_state")).toBe("abcdefghijkl");
    expect(hash.has("_baas_ua")).toBe(false);
  });

  it("answers bad logins with App Services errors", async () => {
    const cases: [string, number, string][] = [
      [loginUrl(off, "oauth2-google"), 404, "AuthProviderNotFound"], // devOAuth off
      [loginUrl(dev, "oauth2-facebook"), 404, "AuthProviderNotFound"], // not enabled
      [loginUrl(dev, "anon-user"), 404, "NotFound"], // no redirect login
      [loginUrl(dev, "oauth2-google", "https://evil.example.com/x"), 400, "InvalidParameter"], // not loopback
      [loginUrl(dev, "oauth2-google", "javascript:alert(1)"), 400, "InvalidParameter"],
      [loginUrl(dev, "oauth2-google", "not a url"), 400, "InvalidParameter"],
      [loginUrl(dev, "oauth2-google", REDIRECT, ""), 400, "MissingParameter"],
      [loginUrl(listed, "oauth2-facebook"), 400, "InvalidParameter"], // not in redirectUris
      [`${dev.url}${API}/dev-oauth/authorize?flow=nope`, 400, "InvalidParameter"],
      [`${dev.url}${API}/dev-oauth/callback?flow=nope&email=a@b.c`, 400, "InvalidParameter"],
      [`${off.url}${API}/dev-oauth/authorize?flow=nope`, 404, "NotFound"],
    ];
    for (const [url, status, code] of cases) {
      const res = await go(url);
      expect([url, res.status]).toEqual([url, status]);
      expect(await res.json()).toMatchObject({ error_code: code });
    }
    const flow = await startFlow(dev, "oauth2-google");
    const bad = await go(`${dev.url}${API}/dev-oauth/callback?${new URLSearchParams({ flow, email: "no-at-sign" })}`);
    expect(bad.status).toBe(400);
    const ok = await go(loginUrl(listed, "oauth2-facebook", "https://app.example.com/done"));
    expect(ok.status).toBe(302);
  });

  it("is refused in production", () => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    try {
      expect(() => resolveConfig(parseConfig({ devOAuth: true }))).toThrow(/NODE_ENV=production/);
      expect(() => resolveConfig(parseConfig({}), { devOAuth: true })).toThrow(/NODE_ENV=production/); // --dev-oauth
      expect(resolveConfig(parseConfig({})).devOAuth).toBe(false);
    } finally {
      if (before === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = before;
    }
  });

  it("is turned on by the option (--dev-oauth) as by the config file; the option cannot turn the file's off", () => {
    expect(resolveConfig(parseConfig({}), { devOAuth: true }).devOAuth).toBe(true);
    expect(resolveConfig(parseConfig({ devOAuth: true }), { devOAuth: false }).devOAuth).toBe(true);
    expect(resolveConfig(parseConfig({}), { devOAuth: false }).devOAuth).toBe(false);
  });
});
