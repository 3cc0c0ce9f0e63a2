import * as Realm from "realm-web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATLAS, ownerOnly } from "../../test/appDir.js";
import { CUSTOM_USER_DATA, startAppServer, type AppServer } from "../../test/appServer.js";
import type { UserStore } from "./users.js";
import { UserCreator } from "./userCreation.js";

// The user creation function of `auth/custom_user_data.json`, with the unmodified realm-web 2.0.1
// as the client: it runs before the user is created, its document is in the first access token, and
// a function that throws leaves no user behind.
let running: AppServer;
let app: Realm.App;

const ON_CREATE = `exports = async function (user) {
  const db = context.services.get("mongodb-atlas").db("demo");
  await db.collection("attempts").insertOne({ userId: user.id, email: user.data.email ?? null });
  if ((user.data.email ?? "").startsWith("blocked")) throw new Error("no blocked accounts");
  await db.collection("userData").insertOne({
    userId: user.id,
    color: "blue",
    type: user.type,
    providers: user.identities.map((i) => i.provider_type),
    email: user.data.email ?? null,
    customData: user.custom_data,
    asSystem: context.user.type === "system",
  });
};`;

beforeAll(async () => {
  running = await startAppServer({
    "root_config.json": { name: "creation-app" },
    "auth/providers.json": {
      "anon-user": { type: "anon-user" },
      "local-userpass": { type: "local-userpass", config: { autoConfirm: true } },
    },
    "auth/custom_user_data.json": { ...CUSTOM_USER_DATA, on_user_creation_function_name: "onCreate" },
    "data_sources/mongodb-atlas/config.json": ATLAS,
    "data_sources/mongodb-atlas/demo/userData/rules.json": ownerOnly("demo", "userData", "userId"),
    "functions/config.json": [
      { name: "onCreate", private: true },
      { name: "attempts", run_as_system: true },
    ],
    "functions/onCreate.js": ON_CREATE,
    "functions/attempts.js": `exports = (email) => context.services.get("mongodb-atlas").db("demo").collection("attempts").count({ email });`,
  });
  app = new Realm.App({ id: running.server.config.appId, baseUrl: running.server.url });
});

afterAll(async () => {
  await running.close();
});

async function attempts(user: Realm.User, email: string | null): Promise<unknown> {
  return user.functions.callFunction("attempts", email);
}

describe("the user creation function", () => {
  it("runs as the system user before the first access token, which holds the document it wrote", async () => {
    const user = await app.logIn(Realm.Credentials.anonymous());
    expect(user.customData).toEqual({
      color: "blue",
      type: "normal",
      providers: ["anon-user"],
      email: null,
      customData: {},
      asSystem: true,
    });
    await user.logOut();
  });

  it("receives the email of an email/password user, once: a second login finds the user", async () => {
    await app.emailPasswordAuth.registerUser({ email: "first@example.com", password: "secret1" });
    const credentials = Realm.Credentials.emailPassword("first@example.com", "secret1");
    const user = await app.logIn(credentials);
    expect(user.customData).toMatchObject({ email: "first@example.com", providers: ["local-userpass"] });
    await user.logOut();
    const again = await app.logIn(credentials);
    expect(again.id).toBe(user.id);
    expect(await attempts(again, "first@example.com")).toBe(1);
  });

  it("runs once for concurrent first logins of one account, which all get the user it preceded", async () => {
    await app.emailPasswordAuth.registerUser({ email: "busy@example.com", password: "secret1" });
    const credentials = Realm.Credentials.emailPassword("busy@example.com", "secret1");
    const apps = Array.from({ length: 5 }, () => new Realm.App({ id: running.server.config.appId, baseUrl: running.server.url }));
    const users = await Promise.all(apps.map((a) => a.logIn(credentials)));
    expect(new Set(users.map((u) => u.id)).size).toBe(1);
    expect(users.map((u) => u.customData["email"])).toEqual(Array(5).fill("busy@example.com"));
    expect(await attempts(users[0]!, "busy@example.com")).toBe(1);
  });

  it("fails the login when it throws, and creates no user: the next login runs it again", async () => {
    await app.emailPasswordAuth.registerUser({ email: "blocked@example.com", password: "secret1" });
    const credentials = Realm.Credentials.emailPassword("blocked@example.com", "secret1");
    for (let i = 0; i < 2; i++) {
      const err = await app.logIn(credentials).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Realm.MongoDBRealmError);
      expect(err).toMatchObject({ statusCode: 401, errorCode: "AuthError" });
      expect((err as Error).message).toContain("user creation function failed: no blocked accounts");
    }
    const other = await app.logIn(Realm.Credentials.anonymous(false));
    expect(await attempts(other, "blocked@example.com")).toBe(2);
  });
});

describe("UserCreator", () => {
  it("runs the function once for logins of one identity that overlap, and gives them all its user", async () => {
    const identity = { id: "ext-2", providerType: "custom-function", data: {} };
    let owner: string | undefined;
    const users = {
      findByIdentity: () => owner,
      upsertByIdentity: () => owner ?? "unexpected",
      createUser: (_identity: unknown, id: string) => (owner = id),
    } as unknown as UserStore;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const creator = new UserCreator(users, async () => {
      runs++;
      await gate;
    });
    const logins = [creator.userFor(identity), creator.userFor(identity), creator.userFor(identity)];
    release();
    const results = await Promise.all(logins);
    expect(runs).toBe(1);
    expect(results.map((r) => r.created)).toEqual([true, false, false]);
    expect(new Set(results.map((r) => r.userId))).toEqual(new Set([owner]));
  });

  it("keeps the user that was created by other means while the function ran, and creates none of its own", async () => {
    const identity = { id: "ext-1", providerType: "custom-function", data: {} };
    let owner: string | undefined;
    const created: string[] = [];
    const users = {
      findByIdentity: () => owner,
      upsertByIdentity: () => owner ?? "unexpected",
      createUser: (_identity: unknown, id: string) => {
        created.push(id);
        return id;
      },
    } as unknown as UserStore;
    const result = await new UserCreator(users, async () => {
      owner = "winner";
    }).userFor(identity);
    expect(result).toEqual({ userId: "winner", created: false });
    expect(created).toEqual([]);
  });
});
