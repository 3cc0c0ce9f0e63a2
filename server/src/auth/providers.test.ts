import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../index.js";
import { CustomTokenVerifier } from "./customToken.js";
import { ATLAS, ownerOnly } from "../../test/appDir.js";
import { CUSTOM_USER_DATA, startAppServer, type AppServer } from "../../test/appServer.js";
import { TestClient, jwtPayload } from "../../test/testClient.js";

const SECRET = "a-shared-secret-of-at-least-32-bytes!!";
let dir: string;
let servers: RunningServer[] = [];
const appServers: AppServer[] = [];

// Returns the external id from the payload; throws for a "bad" payload.
const AUTH_FN = `exports = function (payload) {
  if (payload.bad) throw new Error("denied");
  if (payload.asNumber) return 42;
  if (payload.display) return { id: "ext-" + payload.name, name: payload.display };
  return "ext-" + payload.name;
};`;

async function start(config: Record<string, unknown>): Promise<TestClient> {
  const server = await startServer({ inMemory: true, functionsDir: dir, config: { appId: "prov", ...config } });
  servers.push(server);
  return new TestClient(server.url, "prov");
}

const hsToken = (claims: Record<string, unknown>, exp = "5m") =>
  new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime(exp).sign(new TextEncoder().encode(SECRET));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rt-prov-"));
  await writeFile(join(dir, "authFunc.js"), AUTH_FN);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  await rm(dir, { recursive: true, force: true });
  await Promise.all(appServers.splice(0).map((s) => s.close()));
});

describe("custom-token audiences", () => {
  const verifier = (requireAnyAudience?: boolean) =>
    new CustomTokenVerifier({
      algorithm: "HS256",
      secret: SECRET,
      audience: ["app-a", "app-b"],
      metadataFields: [],
      ...(requireAnyAudience === undefined ? {} : { requireAnyAudience }),
    });

  it("needs every listed audience unless requireAnyAudience, as App Services' custom JWT provider", async () => {
    const both = await hsToken({ sub: "s", aud: ["app-a", "app-b"] });
    const one = await hsToken({ sub: "s", aud: "app-a" });
    for (const strict of [verifier(), verifier(false)]) {
      await expect(strict.verify(both)).resolves.toMatchObject({ id: "s" });
      await expect(strict.verify(one)).rejects.toMatchObject({
        statusCode: 401,
        message: expect.stringContaining("missing audience app-b"),
      });
    }
    await expect(verifier(true).verify(one)).resolves.toMatchObject({ id: "s" });
    await expect(verifier(true).verify(await hsToken({ sub: "s", aud: "app-c" }))).rejects.toMatchObject({ statusCode: 401 });
  });
});

describe("custom-token metadata paths", () => {
  it("reads a claim whose name holds dots when they are escaped, as App Services documents (http://example\\.com/id)", async () => {
    const verifier = new CustomTokenVerifier({
      algorithm: "HS256",
      secret: SECRET,
      metadataFields: [
        { name: "http://example\\.com/id", required: true },
        { name: "user.name", fieldName: "name", required: false },
      ],
    });
    const token = await hsToken({ sub: "s", "http://example.com/id": "ext-7", user: { name: "Ada" } });
    await expect(verifier.verify(token)).resolves.toMatchObject({ data: { "http://example.com/id": "ext-7", name: "Ada" } });
    await expect(verifier.verify(await hsToken({ sub: "s", http: { "//example": { "com/id": "x" } } }))).rejects.toMatchObject({
      statusCode: 401,
    });
  });
});

describe("custom-token (HS256)", () => {
  let c: TestClient;
  beforeAll(async () => {
    c = await start({
      authProviders: {
        "anon-user": {},
        "custom-token": {
          algorithm: "HS256",
          secret: SECRET,
          audience: "realm-tabs",
          metadataFields: [{ name: "user.name", fieldName: "name", required: true }, { name: "email" }],
        },
      },
    });
  });

  it("maps sub to the same user every time and metadata into the profile", async () => {
    const token = await hsToken({ sub: "ext-1", aud: "realm-tabs", user: { name: "Ada" }, email: "ada@example.com" });
    const first = await c.logIn("custom-token", { token });
    const second = await c.logIn("custom-token", { token: await hsToken({ sub: "ext-1", aud: "realm-tabs", user: { name: "Ada L." } }) });
    expect(second.user_id).toBe(first.user_id);
    const profile = await c.request("GET", "/auth/profile", { token: second.access_token });
    expect(profile.body).toMatchObject({ data: { name: "Ada L." }, identities: [{ id: "ext-1", provider_type: "custom-token" }] });
  });

  it.each([
    ["a wrong audience", () => hsToken({ sub: "x", aud: "other", user: { name: "n" } })],
    ["a missing required field", () => hsToken({ sub: "x", aud: "realm-tabs" })],
    ["no sub", () => hsToken({ aud: "realm-tabs", user: { name: "n" } })],
    ["an expired token", () => hsToken({ sub: "x", aud: "realm-tabs", user: { name: "n" } }, "-1m")],
    [
      "a wrong key",
      () =>
        new SignJWT({ sub: "x", aud: "realm-tabs", user: { name: "n" } })
          .setProtectedHeader({ alg: "HS256" })
          .setExpirationTime("5m")
          .sign(new TextEncoder().encode("another-secret-another-secret-another")),
    ],
    ["garbage", async () => "garbage"],
    [
      "a token without exp (valid forever)",
      () =>
        new SignJWT({ sub: "x", aud: "realm-tabs", user: { name: "n" } })
          .setProtectedHeader({ alg: "HS256" })
          .setIssuedAt()
          .sign(new TextEncoder().encode(SECRET)),
    ],
  ])("refuses %s with 401", async (_label, make) => {
    const res = await c.request("POST", c.app("/auth/providers/custom-token/login"), { body: { token: await make() } });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error_code: "AuthError", error: expect.stringContaining("invalid custom auth token") });
  });

  it("links a custom-token identity to an anonymous user, and refuses one that belongs to someone else", async () => {
    const anon = await c.logIn("anon-user");
    const path = c.app("/auth/providers/custom-token/login?link=true");
    const token = await hsToken({ sub: "ext-link", aud: "realm-tabs", user: { name: "L" } });
    const linked = await c.request("POST", path, { token: anon.access_token, body: { token } });
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ user_id: anon.user_id, access_token: expect.any(String) });
    const profile = await c.request("GET", "/auth/profile", { token: anon.access_token });
    expect((profile.body as { identities: { provider_type: string }[] }).identities.map((i) => i.provider_type)).toEqual([
      "anon-user",
      "custom-token",
    ]);
    expect((await c.logIn("custom-token", { token })).user_id).toBe(anon.user_id);
    const other = await c.logIn("anon-user");
    const taken = await c.request("POST", path, { token: other.access_token, body: { token } });
    // App Services' answers, as the SDKs recognise them (realm-kotlin's CredentialsCannotBeLinkedException)
    expect(taken.status).toBe(401);
    expect(taken.body).toMatchObject({ error_code: "InvalidSession", error: "a user already exists with the specified provider" });
    const noToken = await c.request("POST", path, { body: { token } });
    expect(noToken.status).toBe(401);
    const anonLink = await c.request("POST", c.app("/auth/providers/anon-user/login?link=true"), { token: other.access_token, body: {} });
    expect(anonLink.status).toBe(500);
    expect(anonLink.body).toMatchObject({ error_code: "InternalServerError", error: "linking an anonymous identity is not allowed" });
  });
});

describe("custom-token (RS256)", () => {
  it.each(["pem", "jwk"])("verifies with a %s public key", async (format) => {
    const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
    const key = format === "pem" ? await exportSPKI(publicKey) : await exportJWK(publicKey);
    const c = await start({ authProviders: { "custom-token": { algorithm: "RS256", publicKey: key } } });
    const token = await new SignJWT({ sub: `rs-${format}` })
      .setProtectedHeader({ alg: "RS256" })
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
    const login = await c.logIn("custom-token", { token });
    expect(login.user_id).toMatch(/^[0-9a-f]{24}$/);
    expect(
      (await c.request("POST", c.app("/auth/providers/custom-token/login"), { body: { token: await hsToken({ sub: "x" }) } })).status,
    ).toBe(401);
  });
});

describe("OAuth token logins", () => {
  it("say what is missing: a client id for ID tokens, the provider itself for codes and access tokens", async () => {
    const c = await start({ authProviders: { "oauth2-google": {}, "oauth2-facebook": {} } });
    const login = (provider: string, body: Record<string, unknown>) =>
      c.request("POST", c.app(`/auth/providers/${provider}/login`), { body });
    const idToken = await login("oauth2-google", { id_token: "eyJ.x.y" });
    expect(idToken.status).toBe(401);
    expect(idToken.body).toMatchObject({ error_code: "AuthError", error: expect.stringMatching(/need the provider's client id/) });
    expect((await login("oauth2-google", { authCode: "4/0A" })).body).toMatchObject({
      error_code: "AuthError",
      error: expect.stringMatching(/with an authorization code are not supported/),
    });
    expect((await login("oauth2-facebook", { accessToken: "EAAB" })).body).toMatchObject({
      error: expect.stringMatching(/with an access token are not supported/),
    });
    expect((await login("oauth2-apple", { id_token: "x" })).status).toBe(404);
  });
});

describe("custom-function", () => {
  let c: TestClient;
  beforeAll(async () => {
    c = await start({ authProviders: { "custom-function": { functionName: "authFunc" } } });
  });

  it("maps the returned id to the same user", async () => {
    const a = await c.logIn("custom-function", { name: "zoe" });
    const b = await c.logIn("custom-function", { name: "zoe" });
    const other = await c.logIn("custom-function", { name: "yan" });
    expect(b.user_id).toBe(a.user_id);
    expect(other.user_id).not.toBe(a.user_id);
    const profile = await c.request("GET", "/auth/profile", { token: a.access_token });
    expect(profile.body).toMatchObject({ identities: [{ id: "ext-zoe", provider_type: "custom-function" }] });
  });

  it("puts the name of a returned {id, name} into the profile, as App Services' display name", async () => {
    const bond = await c.logIn("custom-function", { name: "007", display: "James Bond" });
    const profile = await c.request("GET", "/auth/profile", { token: bond.access_token });
    expect(profile.body).toMatchObject({ data: { name: "James Bond" }, identities: [{ id: "ext-007", provider_type: "custom-function" }] });
  });

  it.each([{ bad: true }, { asNumber: true }])("refuses %j with 401 AuthError", async (payload) => {
    const res = await c.request("POST", c.app("/auth/providers/custom-function/login"), { body: payload });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error_code: "AuthError" });
  });

  it("disables providers that the config leaves out", async () => {
    expect((await c.request("POST", c.app("/auth/providers/anon-user/login"), { body: {} })).status).toBe(404);
  });
});

/** Starts an app (its `files` plus custom user data in demo.userData, owner-only) and returns a client of it. */
async function startCustomDataApp(appId: string, files: Record<string, unknown>): Promise<TestClient> {
  const running = await startAppServer(
    {
      ...files,
      "auth/custom_user_data.json": CUSTOM_USER_DATA,
      "data_sources/mongodb-atlas/config.json": ATLAS,
      "data_sources/mongodb-atlas/demo/userData/rules.json": ownerOnly("demo", "userData", "userId"),
    },
    { appId },
  );
  appServers.push(running);
  return new TestClient(running.server.url, appId);
}

describe("local-userpass link and custom user data", () => {
  it("links email/password to an anonymous user and puts custom data in user_data", async () => {
    // An app whose rules let each user write their own custom user data document.
    const c = await startCustomDataApp("prov", {
      "auth/providers.json": {
        "anon-user": { type: "anon-user" },
        "local-userpass": { type: "local-userpass", config: { autoConfirm: true } },
      },
    });
    const anon = await c.logIn("anon-user");
    expect(jwtPayload(anon.access_token)["user_data"]).toBeUndefined();
    await c.request("POST", c.app("/auth/providers/local-userpass/register"), { body: { email: "lu@example.com", password: "secret1" } });
    const link = await c.request("POST", c.app("/auth/providers/local-userpass/login?link=true"), {
      token: anon.access_token,
      body: { username: "lu@example.com", password: "secret1" },
    });
    expect(link.status).toBe(200);
    const inserted = await c.request("POST", c.app("/functions/call"), {
      token: anon.access_token,
      body: {
        name: "insertOne",
        service: "mongodb-atlas",
        arguments: [{ database: "demo", collection: "userData", document: { userId: anon.user_id, theme: "dark", n: 3 } }],
      },
    });
    expect(inserted.status).toBe(200);
    const refreshed = await c.request("POST", "/auth/session", { token: anon.refresh_token });
    const { access_token } = refreshed.body as { access_token: string };
    expect(jwtPayload(access_token)["user_data"]).toEqual({ theme: "dark", n: 3 });
    const login = await c.logIn("local-userpass", { username: "lu@example.com", password: "secret1" });
    expect(login.user_id).toBe(anon.user_id);
    expect(jwtPayload(login.access_token)["user_data"]).toEqual({ theme: "dark", n: 3 });
    // a second email/password identity is refused, as App Services refuses it
    await c.request("POST", c.app("/auth/providers/local-userpass/register"), { body: { email: "lu2@example.com", password: "secret1" } });
    const second = await c.request("POST", c.app("/auth/providers/local-userpass/login?link=true"), {
      token: login.access_token,
      body: { username: "lu2@example.com", password: "secret1" },
    });
    expect(second.status).toBe(500);
    expect(second.body).toMatchObject({
      error_code: "InternalServerError",
      error: "linking a local-userpass identity is not allowed when one is already linked",
    });
  });

  it("finds custom user data whose id field holds the user's id as an ObjectId, as App Services allows", async () => {
    const c = await startCustomDataApp("oid-data", {
      "auth/providers.json": { "anon-user": { type: "anon-user" } },
      "functions/config.json": [{ name: "saveTheme", run_as_system: true }],
      "functions/saveTheme.js": `exports = function (theme) {
        return context.services.get("mongodb-atlas").db("demo").collection("userData")
          .insertOne({ userId: new BSON.ObjectId(context.user.id), theme });
      };`,
    });
    const anon = await c.logIn("anon-user");
    const saved = await c.request("POST", c.app("/functions/call"), {
      token: anon.access_token,
      body: { name: "saveTheme", arguments: ["light"] },
    });
    expect(saved.status).toBe(200);
    const refreshed = await c.request("POST", "/auth/session", { token: anon.refresh_token });
    expect(jwtPayload((refreshed.body as { access_token: string }).access_token)["user_data"]).toEqual({ theme: "light" });
  });
});
