import * as Realm from "realm-web";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ATLAS } from "../../test/appDir.js";
import { CUSTOM_USER_DATA, startAppServer, type AppServer } from "../../test/appServer.js";
import type { RunningServer } from "../index.js";

// A small smoke test with the unmodified realm-web 2.0.1 as the client, against an exported app
// whose default rule lets every user read and write; the full conformance suite lives elsewhere.
let running: AppServer | undefined;
let server: RunningServer;
let app: Realm.App;

beforeAll(async () => {
  running = await startAppServer(
    {
      "root_config.json": { name: "rw" },
      "auth/providers.json": {
        "anon-user": { name: "anon-user", type: "anon-user" },
        "local-userpass": { name: "local-userpass", type: "local-userpass", config: { autoConfirm: true } },
        "api-key": { name: "api-key", type: "api-key" },
      },
      "auth/custom_user_data.json": CUSTOM_USER_DATA,
      "functions/config.json": [{ name: "sum" }, { name: "setColor", run_as_system: true }, { name: "findNames", run_as_system: true }],
      "functions/findNames.js": `exports = function (filter) {
      return context.services.get("mongodb-atlas").db("demo").collection("names").find(filter).sort({ _id: 1 }).toArray();
    };`,
      "functions/sum.js": "exports = function (a, b) { return a + b; };",
      // Custom user data is written by system code: a function that runs as system.
      "functions/setColor.js": `exports = function (color) {
      const data = context.services.get("mongodb-atlas").db("demo").collection("userData");
      return data.updateOne({ userId: context.user.id }, { $set: { color } }, { upsert: true });
    };`,
      "data_sources/mongodb-atlas/config.json": ATLAS,
      "data_sources/mongodb-atlas/default_rule.json": { roles: [{ name: "all", apply_when: {}, read: true, write: true }] },
    },
    { accessTokenTtlSeconds: 1 },
  );
  server = running.server;
  app = new Realm.App({ id: "rw", baseUrl: server.url });
});
afterAll(async () => {
  await running?.close();
});

/** Polls the profile route with a token until the server answers 401 (deadline 6 s). */
async function untilRefused(token: string): Promise<void> {
  const status = async (): Promise<number> =>
    (
      await fetch(`${server.url}/api/client/v2.0/auth/profile`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(5000),
      })
    ).status;
  await expect.poll(status, { timeout: 6000, interval: 100, message: "the access token expires" }).toBe(401);
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
    await expect(
      user.mongoClient("mongodb-atlas").db("demo").collection("userData").insertOne({ userId: user.id, color: "red" }),
    ).rejects.toMatchObject({ message: expect.stringContaining("insert not permitted") });
    await user.functions["setColor"]?.("teal");
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
    // App Services' answer, which realm-web's own integration tests expect
    const unauthorized = { statusCode: 401, errorCode: "InvalidPassword", error: "unauthorized" };
    await expect(app.logIn(Realm.Credentials.emailPassword("rw@example.com", "wrong12"))).rejects.toMatchObject(unauthorized);
    await expect(app.logIn(Realm.Credentials.emailPassword("nobody@example.com", "secret1"))).rejects.toMatchObject(unauthorized);
    await app.deleteUser(again);
    await expect(app.logIn(Realm.Credentials.emailPassword("rw@example.com", "secret1"))).rejects.toMatchObject(unauthorized);
  });

  it("links email/password credentials to an anonymous user", async () => {
    const user = await app.logIn(Realm.Credentials.anonymous(false));
    await app.emailPasswordAuth.registerUser({ email: "link@example.com", password: "secret1" });
    await user.linkCredentials(Realm.Credentials.emailPassword("link@example.com", "secret1"));
    expect(user.identities.map((i) => i.providerType)).toEqual(["anon-user", "local-userpass"]);
    const same = await app.logIn(Realm.Credentials.emailPassword("link@example.com", "secret1"));
    expect(same.id).toBe(user.id);
    // a wrong password while linking fails once: realm-web would refresh and retry an "unauthorized" without end
    await app.emailPasswordAuth.registerUser({ email: "link2@example.com", password: "secret1" });
    const other = await app.logIn(Realm.Credentials.anonymous(false));
    const refreshes = vi.spyOn(other, "refreshAccessToken");
    await expect(other.linkCredentials(Realm.Credentials.emailPassword("link2@example.com", "wrong12"))).rejects.toMatchObject({
      statusCode: 401,
      errorCode: "InvalidPassword",
      error: "invalid username/password",
    });
    expect(refreshes).not.toHaveBeenCalled();
  });

  it("keeps a $regex beside other operators in a filter: bson's EJSON read the object as a regex value and dropped the rest", async () => {
    const user = await app.logIn(Realm.Credentials.anonymous());
    const names = user.mongoClient("mongodb-atlas").db("demo").collection<{ _id: number; name: string }>("names");
    await names.insertMany([
      { _id: 1, name: "a" },
      { _id: 2, name: "ab" },
      { _id: 3, name: "Ac" },
      { _id: 4, name: "b" },
    ]);
    const filter = { name: { $regex: "^a", $options: "i", $ne: "ab" } };
    // a system function may use the $regex operator: both conditions hold
    const found = await user.callFunction<{ name: string }[]>("findNames", filter);
    expect(found.map((d) => d.name)).toEqual(["a", "Ac"]);
    // an application user may not (App Services: system functions only)
    await expect(names.find(filter)).rejects.toThrow("query operator $regex is not allowed for application users");
    await user.logOut();
  });

  it("watches a collection and gets the change events in order", async () => {
    const user = await app.logIn(Realm.Credentials.anonymous(false));
    const items = user.mongoClient("mongodb-atlas").db("demo").collection<{ _id: number; n: number }>("watched");
    const stream = items.watch();
    const received: unknown[] = [];
    const done = (async () => {
      for await (const event of stream) {
        received.push(event);
        if ((event as { operationType: string }).operationType === "delete") return;
      }
    })();
    // The stream opens asynchronously: insert until the first event shows up, then two more.
    let next = 0;
    await vi.waitFor(
      async () => {
        if (received.length > 0) return;
        await items.insertOne({ _id: next, n: next });
        next += 1;
        throw new Error("no event yet");
      },
      { timeout: 5000, interval: 50 },
    );
    const first = (received[0] as { documentKey: { _id: number } }).documentKey._id;
    await items.updateOne({ _id: first }, { $set: { n: 100 } });
    await items.deleteOne({ _id: first });
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error("no events")), 5000))]);
    const kinds = received.map((e) => e as { operationType: string; documentKey: { _id: number } });
    expect(kinds.slice(-2).map((e) => [e.operationType, e.documentKey._id])).toEqual([
      ["update", first],
      ["delete", first],
    ]);
    expect(kinds[0]?.operationType).toBe("insert");
  });
});
