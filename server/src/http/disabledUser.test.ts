/**
 * A disabled user, as App Services treats one (realm-core's integration test "Disabled user results
 * in a sync error": a login fails with `UserDisabled`, a refresh with 401 `InvalidSession`, and a
 * login works again once the user is enabled): through every way of logging in as that user, seen
 * over HTTP and by the unmodified realm-web 2.0.1.
 */
import * as Realm from "realm-web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../index.js";
import { TestClient } from "../../test/testClient.js";

const ADMIN = "disabled-user-admin";
const EMAIL = "dora@example.com";
const PASSWORD = "dora-password";
let server: RunningServer;
let c: TestClient;

beforeAll(async () => {
  server = await startServer({ inMemory: true, appId: "disabled", adminToken: ADMIN, onWarning: () => undefined });
  c = new TestClient(server.url, "disabled");
});
afterAll(() => server.close());

async function admin(method: string, path: string): Promise<number> {
  const res = await fetch(`${server.url}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}` },
    signal: AbortSignal.timeout(5000),
  });
  return res.status;
}

describe("a disabled user", () => {
  it("cannot log in (401 UserDisabled) with a password or an API key, nor refresh (401 InvalidSession), until enabled", async () => {
    expect(
      (await c.request("POST", c.app("/auth/providers/local-userpass/register"), { body: { email: EMAIL, password: PASSWORD } })).status,
    ).toBe(200);
    const user = await c.logIn("local-userpass", { username: EMAIL, password: PASSWORD });
    const created = await c.request("POST", "/auth/api_keys", { token: user.refresh_token, body: { name: "ci" } });
    const { key } = created.body as { key: string };
    expect(await admin("PUT", `/users/${user.user_id}/disable`)).toBe(204);

    for (const [provider, body] of [
      ["local-userpass", { username: EMAIL, password: PASSWORD }],
      ["api-key", { key }],
    ] as const) {
      const refused = await c.request("POST", c.app(`/auth/providers/${provider}/login`), { body });
      expect(refused.status, provider).toBe(401);
      expect(refused.body, provider).toMatchObject({ error: "user disabled", error_code: "UserDisabled" });
    }
    const refresh = await c.request("POST", "/auth/session", { token: user.refresh_token });
    expect(refresh.status).toBe(401);
    expect(refresh.body).toMatchObject({ error_code: "InvalidSession" });

    // what an application sees through the unmodified realm-web
    const app = new Realm.App({ id: "disabled", baseUrl: server.url });
    const error = await app.logIn(Realm.Credentials.emailPassword(EMAIL, PASSWORD)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Realm.MongoDBRealmError);
    expect(error).toMatchObject({ statusCode: 401, errorCode: "UserDisabled", error: "user disabled" });

    expect(await admin("PUT", `/users/${user.user_id}/enable`)).toBe(204);
    expect((await c.logIn("local-userpass", { username: EMAIL, password: PASSWORD })).user_id).toBe(user.user_id);
    expect((await app.logIn(Realm.Credentials.apiKey(key))).id).toBe(user.user_id);
  });
});
