import { ObjectId } from "bson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../index.js";
import { TestClient, jwtPayload } from "../../test/testClient.js";

let server: RunningServer;
let client: TestClient;

beforeAll(async () => {
  server = await startServer({ inMemory: true, appId: "auth-app" });
  client = new TestClient(server.url, "auth-app");
});
afterAll(() => server.close());

const ERROR_SHAPE = { error: expect.any(String), error_code: expect.any(String), link: expect.any(String) };

describe("location", () => {
  it("answers all four fields with the request's own origin", async () => {
    const res = await client.request("GET", client.app("/location"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.body).toEqual({
      deployment_model: "LOCAL",
      location: "US-VA",
      hostname: server.url,
      ws_hostname: server.url.replace("http", "ws"),
    });
  });

  it("answers 404 with an error body for another app id", async () => {
    const res = await client.request("GET", "/app/other-app/location");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.body).toEqual({ ...ERROR_SHAPE, error_code: "AppNotFound" });
  });
});

describe("anonymous login, profile, refresh, logout", () => {
  it("logs in and issues JWTs with the documented claims", async () => {
    const login = await client.logIn("anon-user");
    expect(login.user_id).toMatch(/^[0-9a-f]{24}$/);
    const access = jwtPayload(login.access_token);
    expect(access).toMatchObject({ sub: login.user_id, baas_device_id: login.device_id });
    expect(typeof access["iat"]).toBe("number");
    expect([30 * 60, 30 * 60 + 1]).toContain((access["exp"] as number) - (access["iat"] as number));
    const refresh = jwtPayload(login.refresh_token);
    expect(refresh).toMatchObject({ sub: login.user_id, typ: "refresh", baas_session_id: expect.any(String) });
  });

  it("creates a new user on every anonymous login", async () => {
    const a = await client.logIn("anon-user");
    const b = await client.logIn("anon-user");
    expect(a.user_id).not.toBe(b.user_id);
  });

  it("keeps a valid client device id and replaces an invalid one", async () => {
    const deviceId = new ObjectId();
    const path = client.app("/auth/providers/anon-user/login");
    const kept = await client.request("POST", path, { body: { options: { device: { deviceId } } } });
    expect((kept.body as { device_id: string }).device_id).toBe(deviceId.toHexString());
    const zero = await client.request("POST", path, { body: { options: { device: { deviceId: "000000000000000000000000" } } } });
    expect((zero.body as { device_id: string }).device_id).not.toBe("000000000000000000000000");
    const junk = await client.request("POST", path, { body: { options: { device: { deviceId: 42 } } } });
    expect((junk.body as { device_id: string }).device_id).toMatch(/^[0-9a-f]{24}$/);
  });

  it("returns the profile with identities", async () => {
    const login = await client.logIn("anon-user");
    const res = await client.request("GET", "/auth/profile", { token: login.access_token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user_id: login.user_id,
      domain_id: expect.any(String),
      type: "normal",
      identities: [{ id: expect.any(String), provider_type: "anon-user", provider_id: expect.any(String) }],
      data: {},
    });
  });

  it("refuses the profile with a refresh token, no token, or a tampered token", async () => {
    const login = await client.logIn("anon-user");
    const [head, payload, sig] = login.access_token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...jwtPayload(login.access_token), sub: new ObjectId().toHexString() })).toString(
      "base64url",
    );
    for (const token of [login.refresh_token, undefined, `${head}.${forged}.${sig}`, `${head}.${payload}.${sig}x`, "not-a-jwt"]) {
      const res = await client.request("GET", "/auth/profile", token === undefined ? {} : { token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ ...ERROR_SHAPE, error_code: "InvalidSession" });
      // without a token: App Services' words, which realm-core's tests compare whole
      if (token === undefined) expect(res.body).toMatchObject({ error: "must authenticate first" });
    }
  });

  it("refreshes the access token with the refresh token only", async () => {
    const login = await client.logIn("anon-user");
    const res = await client.request("POST", "/auth/session", { token: login.refresh_token });
    expect(res.status).toBe(200);
    const { access_token } = res.body as { access_token: string };
    expect(jwtPayload(access_token)["sub"]).toBe(login.user_id);
    const wrong = await client.request("POST", "/auth/session", { token: login.access_token });
    expect(wrong.status).toBe(401);
    expect((wrong.body as { error: string }).error).toBe("invalid session");
  });

  it("logout revokes the session: refresh and the access token fail afterwards", async () => {
    const login = await client.logIn("anon-user");
    const out = await client.request("DELETE", "/auth/session", { token: login.refresh_token });
    expect(out.status).toBe(200);
    expect((await client.request("POST", "/auth/session", { token: login.refresh_token })).status).toBe(401);
    expect((await client.request("GET", "/auth/profile", { token: login.access_token })).status).toBe(401);
    const again = await client.request("DELETE", "/auth/session", { token: login.refresh_token });
    expect(again.status).toBe(401);
    // realm-web's logOut ignores exactly this message (it logs out after deleteUser).
    expect(again.body).toMatchObject({ error_code: "InvalidSession", error: "failed to find refresh token" });
  });

  it("logging out an anonymous user deletes it, as on App Services; a user with another identity stays", async () => {
    const keyOf = async (refreshToken: string): Promise<string> => {
      const created = await client.request("POST", "/auth/api_keys", { token: refreshToken, body: { name: "k" } });
      expect(created.status).toBe(201);
      return (created.body as { key: string }).key;
    };
    const anonymous = await client.logIn("anon-user");
    const anonymousKey = await keyOf(anonymous.refresh_token);
    expect((await client.request("DELETE", "/auth/session", { token: anonymous.refresh_token })).status).toBe(200);
    // the user is gone, and its API key with it
    await expect(client.logIn("api-key", { key: anonymousKey })).rejects.toThrow(/401/);

    const credentials = { username: "stays@example.com", password: "secret1" };
    const body = { email: credentials.username, password: credentials.password };
    expect((await client.request("POST", client.app("/auth/providers/local-userpass/register"), { body })).status).toBe(200);
    const named = await client.logIn("local-userpass", credentials);
    const namedKey = await keyOf(named.refresh_token);
    expect((await client.request("DELETE", "/auth/session", { token: named.refresh_token })).status).toBe(200);
    expect((await client.logIn("api-key", { key: namedKey })).user_id).toBe(named.user_id);
  });

  it("deletes the user: every session of it stops working", async () => {
    const login = await client.logIn("anon-user");
    const second = await client.request("POST", "/auth/session", { token: login.refresh_token });
    expect(second.status).toBe(200);
    const res = await client.request("DELETE", "/auth/delete", { token: login.access_token });
    expect(res.status).toBe(200);
    expect((await client.request("POST", "/auth/session", { token: login.refresh_token })).status).toBe(401);
    expect((await client.request("DELETE", "/auth/delete", { token: login.access_token })).status).toBe(401);
  });
});

describe("providers", () => {
  it("answers 404 AuthProviderNotFound for an unknown provider", async () => {
    const res = await client.request("POST", client.app("/auth/providers/oauth2-google/login"), { body: {} });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ ...ERROR_SHAPE, error_code: "AuthProviderNotFound" });
  });

  it("refuses a custom-token login when that provider is not configured", async () => {
    const res = await client.request("POST", client.app("/auth/providers/custom-token/login"), { body: { token: "x" } });
    expect(res.status).toBe(404);
  });
});

describe("CORS", () => {
  it.each([
    ["POST", "/app/auth-app/auth/providers/anon-user/login"],
    ["GET", "/app/auth-app/functions/call?baas_request=x"],
    ["PUT", "/auth/api_keys/65f0aaaaaaaaaaaaaaaaaaaa/enable"],
    ["DELETE", "/auth/session"],
  ])("answers the preflight of %s %s", async (method, path) => {
    const res = await fetch(`${client.api}${path}`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": method,
        "access-control-request-headers": "authorization,content-type",
      },
      signal: AbortSignal.timeout(5000),
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(res.headers.get("access-control-allow-methods")).toContain(method);
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("content-type");
  });

  it("adds the allow-origin header to normal responses", async () => {
    const res = await client.request("GET", client.app("/location"), { headers: { origin: "http://localhost:5173" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
  });
});
