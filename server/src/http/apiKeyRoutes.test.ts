import { ObjectId } from "bson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../index.js";
import { TestClient, type LoginBody } from "../../test/testClient.js";

let server: RunningServer;
let c: TestClient;
let owner: LoginBody;

beforeAll(async () => {
  server = await startServer({ inMemory: true, appId: "keys" });
  c = new TestClient(server.url, "keys");
  owner = await c.logIn("anon-user");
});
afterAll(() => server.close());

const keys = (path = "") => `/auth/api_keys${path}`;

describe("API keys", () => {
  it("creates a key (shown once), lists and fetches it without the secret", async () => {
    const created = await c.request("POST", keys(), { token: owner.refresh_token, body: { name: "laptop" } });
    expect(created.status).toBe(201);
    // App Services sends the id as a hex string (realm-web's integration tests expect typeof "string")
    const key = created.body as { _id: string; key: string; name: string; disabled: boolean };
    expect(key._id).toMatch(/^[0-9a-f]{24}$/);
    expect(key).toMatchObject({ name: "laptop", disabled: false, key: expect.any(String) });
    const list = await c.request("GET", keys(), { token: owner.refresh_token });
    expect(list.body).toEqual([{ _id: key._id, name: "laptop", disabled: false }]);
    const one = await c.request("GET", keys(`/${key._id}`), { token: owner.refresh_token });
    expect(one.body).toEqual({ _id: key._id, name: "laptop", disabled: false });
  });

  it("logs in with a key as the same user; disabled keys cannot log in", async () => {
    const { key, _id } = (await c.request("POST", keys(), { token: owner.refresh_token, body: { name: "ci" } })).body as {
      key: string;
      _id: string;
    };
    const login = await c.logIn("api-key", { key });
    expect(login.user_id).toBe(owner.user_id);
    expect((await c.request("PUT", keys(`/${_id}/disable`), { token: owner.refresh_token })).status).toBe(200);
    expect((await c.request("GET", keys(`/${_id}`), { token: owner.refresh_token })).body).toMatchObject({ disabled: true });
    expect((await c.request("POST", "/auth/session", { token: login.refresh_token })).status).toBe(401);
    const refused = await c.request("POST", c.app("/auth/providers/api-key/login"), { body: { key } });
    expect(refused.status).toBe(401);
    // App Services' answer, which the SDKs read as invalid credentials
    expect(refused.body).toMatchObject({ error_code: "AuthError", error: "invalid API key" });
    expect((await c.request("PUT", keys(`/${_id}/enable`), { token: owner.refresh_token })).status).toBe(200);
    expect((await c.logIn("api-key", { key })).user_id).toBe(owner.user_id);
  });

  it("refuses to delete the key of the current session (403), deletes it from another session", async () => {
    const { key, _id } = (await c.request("POST", keys(), { token: owner.refresh_token, body: { name: "self" } })).body as {
      key: string;
      _id: string;
    };
    const viaKey = await c.logIn("api-key", { key });
    const forbidden = await c.request("DELETE", keys(`/${_id}`), { token: viaKey.refresh_token });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ error: expect.any(String), error_code: expect.any(String) });
    expect((await c.request("DELETE", keys(`/${_id}`), { token: owner.refresh_token })).status).toBe(200);
    expect((await c.request("GET", keys(`/${_id}`), { token: owner.refresh_token })).status).toBe(404);
    const deleted = await c.request("POST", c.app("/auth/providers/api-key/login"), { body: { key } });
    expect(deleted.status).toBe(401);
    expect(deleted.body).toMatchObject({ error_code: "AuthError", error: "invalid API key" });
  });

  it("refuses a duplicate name, a bad id, an unknown id, and another user's key", async () => {
    await c.request("POST", keys(), { token: owner.refresh_token, body: { name: "twice" } });
    expect((await c.request("POST", keys(), { token: owner.refresh_token, body: { name: "twice" } })).status).toBe(409);
    expect((await c.request("GET", keys("/not-an-id"), { token: owner.refresh_token })).status).toBe(400);
    expect((await c.request("GET", keys(`/${new ObjectId().toHexString()}`), { token: owner.refresh_token })).status).toBe(404);
    const other = await c.logIn("anon-user");
    const mine = (await c.request("POST", keys(), { token: owner.refresh_token, body: { name: "private" } })).body as { _id: string };
    expect((await c.request("DELETE", keys(`/${mine._id}`), { token: other.refresh_token })).status).toBe(404);
  });

  it("needs the refresh token, not the access token", async () => {
    const res = await c.request("GET", keys(), { token: owner.access_token });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error_code: "InvalidSession" });
  });

  it.each([{}, { name: "" }, { name: 5 }, []])("refuses create body %j with 400", async (body) => {
    const res = await c.request("POST", keys(), { token: owner.refresh_token, body });
    expect(res.status).toBe(400);
  });
});

describe("API keys through realm-web 2.0.1", () => {
  it("give `_id` as a string in create, fetch and fetchAll", async () => {
    const { App, Credentials } = await import("realm-web");
    const app = new App({ id: "keys", baseUrl: server.url });
    const user = await app.logIn(Credentials.anonymous(false));
    const created = await user.apiKeys.create("realm-web-key");
    expect(typeof created._id).toBe("string");
    expect(await user.apiKeys.fetch(created._id)).toEqual({ _id: created._id, name: "realm-web-key", disabled: false });
    const all = await user.apiKeys.fetchAll();
    expect(all).toEqual([{ _id: created._id, name: "realm-web-key", disabled: false }]);
  });
});
