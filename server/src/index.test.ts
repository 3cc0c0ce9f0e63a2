import { mkdtemp, rm, writeFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ObjectId } from "bson";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startServer } from "./index.js";
import { TestClient, jwtPayload, type ClientResponse } from "../test/testClient.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "rt-server-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Retries a request until it answers `status` (deadline 6 s), and returns that response. */
function untilStatus(send: () => Promise<ClientResponse>, status: number): Promise<ClientResponse> {
  return vi.waitFor(
    async () => {
      const res = await send();
      expect(res.status).toBe(status);
      return res;
    },
    { timeout: 6000, interval: 100 },
  );
}

describe("persistence across a restart", () => {
  it("keeps users, sessions, API keys, accounts, documents and the token secret", async () => {
    const dataDir = join(dir, "data");
    const first = await startServer({ dataDir, appId: "p", allowAllData: true, onWarning: () => undefined });
    const c1 = new TestClient(first.url, "p");
    await c1.request("POST", c1.app("/auth/providers/local-userpass/register"), {
      body: { email: "keep@example.com", password: "secret1" },
    });
    const login = await c1.logIn("local-userpass", { username: "keep@example.com", password: "secret1" });
    const key = (await c1.request("POST", "/auth/api_keys", { token: login.refresh_token, body: { name: "k" } })).body as { key: string };
    const doc = { _id: new ObjectId(), when: new Date(1234), n: 5 };
    await c1.request("POST", c1.app("/functions/call"), {
      token: login.access_token,
      body: { name: "insertOne", service: "mongodb-atlas", arguments: [{ database: "d", collection: "c", document: doc }] },
    });
    await first.close();
    expect(await readdir(dataDir)).toContain("realm-tabs.sqlite");

    const second = await startServer({ dataDir, appId: "p", allowAllData: true, onWarning: () => undefined });
    try {
      const c2 = new TestClient(second.url, "p");
      expect((await c2.request("GET", "/auth/profile", { token: login.access_token })).status).toBe(200);
      expect((await c2.request("POST", "/auth/session", { token: login.refresh_token })).status).toBe(200);
      expect((await c2.logIn("local-userpass", { username: "keep@example.com", password: "secret1" })).user_id).toBe(login.user_id);
      expect((await c2.logIn("api-key", { key: key.key })).user_id).toBe(login.user_id);
      const found = await c2.request("POST", c2.app("/functions/call"), {
        token: login.access_token,
        body: { name: "findOne", service: "mongodb-atlas", arguments: [{ database: "d", collection: "c", query: {} }] },
      });
      expect(found.body).toEqual(doc);
    } finally {
      await second.close();
    }
  });

  it("uses a fresh secret in memory: tokens do not survive", async () => {
    const a = await startServer({ inMemory: true, appId: "m" });
    const login = await new TestClient(a.url, "m").logIn("anon-user");
    await a.close();
    const b = await startServer({ inMemory: true, appId: "m" });
    try {
      expect((await new TestClient(b.url, "m").request("GET", "/auth/profile", { token: login.access_token })).status).toBe(401);
    } finally {
      await b.close();
    }
  });
});

describe("token lifetimes", () => {
  it("expires access tokens after 1 s while the refresh token still works", async () => {
    const server = await startServer({ inMemory: true, appId: "t", accessTokenTtlSeconds: 1 });
    try {
      const c = new TestClient(server.url, "t");
      const login = await c.logIn("anon-user");
      const payload = jwtPayload(login.access_token);
      expect((payload["exp"] as number) - (payload["iat"] as number)).toBeGreaterThanOrEqual(1);
      expect((payload["exp"] as number) - (payload["iat"] as number)).toBeLessThanOrEqual(2);
      expect((await c.request("GET", "/auth/profile", { token: login.access_token })).status).toBe(200);
      const expired = await untilStatus(() => c.request("GET", "/auth/profile", { token: login.access_token }), 401);
      expect(expired.body).toMatchObject({ error_code: "InvalidSession", error: "invalid session" });
      const refreshed = await c.request("POST", "/auth/session", { token: login.refresh_token });
      expect(refreshed.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("expires refresh tokens (sessions) after 1 s; an anonymous user's last 90 days at least, as on App Services", async () => {
    const server = await startServer({ inMemory: true, appId: "t", refreshTokenTtlSeconds: 1 });
    try {
      const c = new TestClient(server.url, "t");
      const credentials = { username: "ttl@example.com", password: "secret1" };
      const registered = await c.request("POST", c.app("/auth/providers/local-userpass/register"), {
        body: { email: credentials.username, password: credentials.password },
      });
      expect(registered.status).toBe(200);
      const login = await c.logIn("local-userpass", credentials);
      const anonymous = await c.logIn("anon-user");
      expect((await c.request("POST", "/auth/session", { token: login.refresh_token })).status).toBe(200);
      const expired = await untilStatus(() => c.request("POST", "/auth/session", { token: login.refresh_token }), 401);
      expect(expired.status).toBe(401);
      expect((await c.request("POST", "/auth/session", { token: anonymous.refresh_token })).status).toBe(200);
      const claims = jwtPayload(anonymous.refresh_token);
      expect((claims["exp"] as number) - (claims["iat"] as number)).toBeGreaterThanOrEqual(90 * 24 * 3600);
    } finally {
      await server.close();
    }
  });
});

describe("options and config files", () => {
  it("reads a JSON config file; options override it", async () => {
    const path = join(dir, "config.json");
    await writeFile(path, JSON.stringify({ appId: "from-file", accessTokenTtlSeconds: 77, authProviders: { "anon-user": {} } }));
    const server = await startServer({ inMemory: true, config: path, accessTokenTtlSeconds: 99 });
    try {
      expect(server.config.appId).toBe("from-file");
      expect(server.config.accessTokenTtlSeconds).toBe(99);
      expect(server.config.providers.localUserpass).toBeUndefined();
      const login = await new TestClient(server.url, "from-file").logIn("anon-user");
      const p = jwtPayload(login.access_token);
      expect([99, 100]).toContain((p["exp"] as number) - (p["iat"] as number));
    } finally {
      await server.close();
    }
  });

  it("defaults the app id and enables anon, email/password and API keys without a config", async () => {
    const server = await startServer({ inMemory: true });
    try {
      expect(server.config.appId).toBe("realm-tabs-demo");
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.config.providers).toMatchObject({ anon: true, apiKey: true, localUserpass: { autoConfirm: true } });
    } finally {
      await server.close();
    }
  });

  it.each([
    [{ appId: 5 }, /appId/],
    [{ unknownField: true }, /unknownField|Unrecognized/],
    [{ authProviders: { "custom-token": { algorithm: "HS256" } } }, /secret/],
    [{ accessTokenTtlSeconds: 0 }, /accessTokenTtlSeconds/],
  ])("rejects config %j with InvalidConfig", async (config, message) => {
    await expect(startServer({ inMemory: true, config: config as never })).rejects.toMatchObject({
      errorCode: "InvalidConfig",
      message: expect.stringMatching(message),
    });
  });

  it("rejects a missing or non-JSON config file and a missing data location", async () => {
    await expect(startServer({ inMemory: true, config: join(dir, "missing.json") })).rejects.toMatchObject({ errorCode: "InvalidConfig" });
    await writeFile(join(dir, "bad.json"), "{nope");
    await expect(startServer({ inMemory: true, config: join(dir, "bad.json") })).rejects.toMatchObject({ errorCode: "InvalidConfig" });
    await expect(startServer({})).rejects.toThrow(/dataDir/);
  });

  it("refuses a user creation function that the functions folder does not define", async () => {
    const customUserData = { databaseName: "d", collectionName: "c", userIdField: "u", onUserCreationFunction: "nope" };
    await expect(startServer({ inMemory: true, config: { customUserData } })).rejects.toMatchObject({
      errorCode: "InvalidConfig",
      message: "invalid config: customUserData.onUserCreationFunction: no function nope",
    });
  });

  it("fails to start on a taken port and releases everything", async () => {
    const a = await startServer({ inMemory: true });
    try {
      await expect(startServer({ inMemory: true, port: a.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await a.close();
    }
  });
});
