import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as Realm from "realm-web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../index.js";

// A small smoke test with the unmodified realm-web 2.0.1 as the client; the full conformance
// suite lives elsewhere.
let dir: string;
let server: RunningServer;
let app: Realm.App;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rt-rw-"));
  await writeFile(join(dir, "sum.js"), "exports = function (a, b) { return a + b; };");
  server = await startServer({
    inMemory: true, appId: "rw", functionsDir: dir, accessTokenTtlSeconds: 1,
    config: { customUserData: { databaseName: "demo", collectionName: "userData", userIdField: "userId" } },
  });
  app = new Realm.App({ id: "rw", baseUrl: server.url });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Polls the profile route with a token until the server answers 401 (deadline 6 s). */
async function untilRefused(token: string): Promise<void> {
  const deadline = Date.now() + 6000;
  while (Date.now() < deadline) {
    const res = await fetch(`${server.url}/api/client/v2.0/auth/profile`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
    if (res.status === 401) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the access token never expired");
}

describe("realm-web 2.0.1 against the server", () => {
  it("logs in anonymously, reads the profile, calls a function, and logs out", async () => {
    const user = await app.logIn(Realm.Credentials.anonymous(false));
    expect(user.state).toBe("active");
    expect(user.providerType).toBe("anon-user");
    expect(user.identities[0]?.providerType).toBe("anon-user");
    expect(user.deviceId).toMatch(/^[0-9a-f]{24}$/);
    expect(await user.functions["sum"]?.(2, 3)).toBe(5);
    await user.logOut();
    expect(user.state).toBe("logged-out");
  });

  it("refreshes an expired access token on its own and reads custom data", async () => {
    const user = await app.logIn(Realm.Credentials.anonymous(false));
    await user.mongoClient("mongodb-atlas").db("demo").collection("userData").insertOne({ userId: user.id, color: "teal" });
    const before = user.accessToken;
    // Wait until the server refuses the 1 s token, then call: realm-web gets 401, refreshes, retries.
    await untilRefused(before ?? "");
    expect(await user.functions["sum"]?.(1, 1)).toBe(2);
    expect(user.accessToken).not.toBe(before);
    expect(user.customData).toEqual({ color: "teal" });
    await user.logOut();
  });

  it("registers and logs in with email/password, creates an API key, and deletes the user", async () => {
    await app.emailPasswordAuth.registerUser({ email: "rw@example.com", password: "secret1" });
    const user = await app.logIn(Realm.Credentials.emailPassword("rw@example.com", "secret1"));
    expect(user.profile.email).toBe("rw@example.com");
    const key = await user.apiKeys.create("rw-key");
    const again = await app.logIn(Realm.Credentials.apiKey(key.key));
    expect(again.id).toBe(user.id);
    await expect(app.logIn(Realm.Credentials.emailPassword("rw@example.com", "wrong12"))).rejects.toMatchObject({ statusCode: 401, errorCode: "InvalidPassword" });
    await app.deleteUser(again);
    await expect(app.logIn(Realm.Credentials.emailPassword("rw@example.com", "secret1"))).rejects.toMatchObject({ statusCode: 401 });
  });
});
