/**
 * Account hardening through HTTP: password resets revoke tokens and sessions, emails are
 * normalised, anonymous logins are rate-limited per address, unknown users cost as much as wrong
 * passwords, and the email/password answers App Services gives (realm-web's integration tests).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as Realm from "realm-web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../index.js";
import { TestClient } from "../../test/testClient.js";

const ADMIN = "accounts-admin-token";
let dir: string;
const servers: RunningServer[] = [];

// The reset function succeeds when asked to ("yes"), fails otherwise.
const RESET = `exports = function ({ username }, answer) { return { status: answer === "yes" ? "success" : "fail" }; };`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rt-accounts-"));
  await writeFile(join(dir, "resetPassword.js"), RESET);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

async function start(config: Record<string, unknown>): Promise<{ server: RunningServer; c: TestClient }> {
  const server = await startServer({ inMemory: true, adminToken: ADMIN, functionsDir: dir, config: { appId: "acc", ...config } });
  servers.push(server);
  return { server, c: new TestClient(server.url, "acc") };
}

const post = (c: TestClient, path: string, body: unknown) => c.request("POST", c.app(`/auth/providers/local-userpass/${path}`), { body });
async function resetToken(server: RunningServer, email: string): Promise<{ token: string; tokenId: string }> {
  const res = await fetch(`${server.url}/admin/v1/userpass/tokens?email=${encodeURIComponent(email)}&kind=reset`, {
    headers: { authorization: `Bearer ${ADMIN}` },
    signal: AbortSignal.timeout(5000),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { token: string; tokenId: string };
}

describe("password reset by token", () => {
  let server: RunningServer;
  let c: TestClient;
  beforeAll(async () => ({ server, c } = await start({ authProviders: { "local-userpass": { autoConfirm: true } } })));

  it("revokes every other outstanding reset token and every session of the user", async () => {
    const email = "reset-all@example.com";
    await post(c, "register", { email, password: "secret1" });
    const login = await c.logIn("local-userpass", { username: email, password: "secret1" });
    expect((await post(c, "reset/send", { email })).status).toBe(200);
    const older = await resetToken(server, email);
    expect((await post(c, "reset/send", { email })).status).toBe(200);
    const newer = await resetToken(server, email);
    expect(newer.tokenId).not.toBe(older.tokenId);

    expect((await post(c, "reset", { ...newer, password: "changed1" })).status).toBe(200);
    const reuse = await post(c, "reset", { ...older, password: "attacker1" });
    expect(reuse.status).toBe(400);
    expect(reuse.body).toMatchObject({ error_code: "UserpassTokenInvalid" });
    expect((await c.request("POST", "/auth/session", { token: login.refresh_token })).status).toBe(401);
    expect((await c.request("GET", "/auth/profile", { token: login.access_token })).status).toBe(401);
    await c.logIn("local-userpass", { username: email, password: "changed1" });
  });
});

describe("password reset by function", () => {
  let c: TestClient;
  beforeAll(
    async () => ({ c } = await start({ authProviders: { "local-userpass": { autoConfirm: true, resetFunctionName: "resetPassword" } } })),
  );

  it("a successful reset/call revokes the user's sessions", async () => {
    const email = "reset-fn@example.com";
    await post(c, "register", { email, password: "secret1" });
    const login = await c.logIn("local-userpass", { username: email, password: "secret1" });
    expect((await post(c, "reset/call", { email, password: "changed1", arguments: ["yes"] })).status).toBe(200);
    expect((await c.request("POST", "/auth/session", { token: login.refresh_token })).status).toBe(401);
  });

  it('a failing reset function answers `failed to reset password for user "<email>"`', async () => {
    const email = "reset-fails@example.com";
    await post(c, "register", { email, password: "secret1" });
    const res = await post(c, "reset/call", { email, password: "changed1", arguments: ["no"] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: `failed to reset password for user "${email}"` });
  });

  it("refuses sendResetPasswordEmail when resets go through a function", async () => {
    const email = "reset-send@example.com";
    await post(c, "register", { email, password: "secret1" });
    const res = await post(c, "reset/send", { email });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "please use reset password via function" });
  });
});

describe("emails", () => {
  let c: TestClient;
  beforeAll(async () => ({ c } = await start({})));

  it("are case-sensitive, as App Services' (TestAccount@example.com cannot log in as testaccount@example.com)", async () => {
    expect((await post(c, "register", { email: "Carol@Example.com", password: "secret1" })).status).toBe(200);
    expect((await post(c, "register", { email: "Carol@Example.com", password: "secret1" })).status).toBe(409);
    const a = await c.logIn("local-userpass", { username: "Carol@Example.com", password: "secret1" });
    const wrongCase = await c.request("POST", c.app("/auth/providers/local-userpass/login"), {
      body: { username: "carol@example.com", password: "secret1" },
    });
    expect(wrongCase.status).toBe(401);
    // another spelling is another account
    expect((await post(c, "register", { email: "carol@example.com", password: "secret2" })).status).toBe(200);
    const b = await c.logIn("local-userpass", { username: "carol@example.com", password: "secret2" });
    expect(b.user_id).not.toBe(a.user_id);
    const profile = await c.request("GET", "/auth/profile", { token: a.access_token });
    expect(profile.body).toMatchObject({ data: { email: "Carol@Example.com" } });
  });

  it("need not be email addresses, as App Services' (a user could sign up as my.name@gmail or asdavaskljj)", async () => {
    for (const email of ["my.name@gmail", "asdavaskljj"]) {
      expect((await post(c, "register", { email, password: "secret1" })).status, email).toBe(200);
      await c.logIn("local-userpass", { username: email, password: "secret1" });
    }
  });

  it.each(["", "x".repeat(1025)])("refuses an empty or oversized one at register with 400", async (email) => {
    const res = await post(c, "register", { email, password: "secret1" });
    expect(res.status).toBe(400);
  });
});

describe("login cost", () => {
  let c: TestClient;
  beforeAll(async () => ({ c } = await start({ limits: { failedLoginsPerAccount: 1000, failedLoginsPerAddress: 1000 } })));

  it("an unknown user costs as much time as a wrong password", async () => {
    await post(c, "register", { email: "timing@example.com", password: "secret1" });
    const time = async (username: string): Promise<number> => {
      const started = performance.now();
      const res = await c.request("POST", c.app("/auth/providers/local-userpass/login"), { body: { username, password: "wrong-pass" } });
      expect(res.status).toBe(401);
      return performance.now() - started;
    };
    const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 9; i++) {
      known.push(await time("timing@example.com"));
      unknown.push(await time(`nobody-${i}@example.com`));
    }
    // argon2 verification dominates both; without the dummy hash the unknown user answers ~10x faster
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });
});

describe("anonymous logins", () => {
  it("are rate-limited per client address (429 once the burst is spent)", async () => {
    const { c } = await start({ limits: { anonymousLoginBurst: 5, anonymousLoginsPerMinute: 1 } });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await c.request("POST", c.app("/auth/providers/anon-user/login"), { body: { options: {} } })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });
});

describe("email/password answers as App Services gives them (realm-web 2.0.1)", () => {
  it("retryCustomConfirmation with automatic confirmation, resendConfirmationEmail for a confirmed user", async () => {
    const { server } = await start({ authProviders: { "local-userpass": { autoConfirm: true } } });
    const app = new Realm.App({ id: "acc", baseUrl: server.url });
    const email = "realm-web-confirm@example.com";
    await app.emailPasswordAuth.registerUser({ email, password: "my-super-secret-password" });
    await expect(app.emailPasswordAuth.retryCustomConfirmation({ email })).rejects.toMatchObject({
      error: `cannot run confirmation for ${email}: automatic confirmation is enabled`,
    });
    await expect(app.emailPasswordAuth.resendConfirmationEmail({ email })).rejects.toMatchObject({
      statusCode: 400,
      error: "already confirmed",
    });
  });

  it("logging in after the user was deleted fails with 401 (message containing unauthorized)", async () => {
    const { server } = await start({});
    const app = new Realm.App({ id: "acc", baseUrl: server.url });
    const email = "deleted@example.com";
    await app.emailPasswordAuth.registerUser({ email, password: "v3ry-s3cret" });
    const user = await app.logIn(Realm.Credentials.emailPassword(email, "v3ry-s3cret"));
    await app.deleteUser(user);
    const err = (await app
      .logIn(Realm.Credentials.emailPassword(email, "v3ry-s3cret"))
      .catch((e: unknown) => e)) as Realm.MongoDBRealmError;
    expect(err).toBeInstanceOf(Realm.MongoDBRealmError);
    expect(err.statusCode).toBe(401);
    expect(err.message.toLowerCase()).toContain("unauthorized");
  });
});
