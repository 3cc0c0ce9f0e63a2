import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../index.js";
import { TestClient } from "../../test/testClient.js";

const ADMIN = "userpass-admin-token";
let dir: string;
let auto: RunningServer;
let manual: RunningServer;
let a: TestClient;
let m: TestClient;

// confirmUser: "ok-*" confirms at once, "later-*" stays pending, anything else fails.
const CONFIRM = `exports = function ({ token, tokenId, username }) {
  if (typeof token !== "string" || typeof tokenId !== "string") throw new Error("no token");
  if (username.startsWith("ok-")) return { status: "success" };
  if (username.startsWith("later-")) return { status: "pending" };
  return { status: "fail" };
};`;
// resetPassword: succeeds when the first extra argument is "yes", pends on "later", else fails;
// with "same", succeeds only when the new password is the current one (currentPasswordValid).
const RESET = `exports = function ({ username, password, token, tokenId, currentPasswordValid }, answer) {
  if (!username || !password || !token || !tokenId) throw new Error("missing fields");
  if (answer === "same") return { status: currentPasswordValid === true ? "success" : "fail" };
  return { status: answer === "yes" ? "success" : answer === "later" ? "pending" : "fail" };
};`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rt-userpass-"));
  await writeFile(join(dir, "confirmUser.js"), CONFIRM);
  await writeFile(join(dir, "resetPassword.js"), RESET);
  auto = await startServer({
    inMemory: true,
    adminToken: ADMIN,
    functionsDir: dir,
    config: {
      appId: "up",
      maxFailedLogins: 3,
      authProviders: { "local-userpass": { autoConfirm: true, resetFunctionName: "resetPassword" } },
    },
  });
  manual = await startServer({
    inMemory: true,
    adminToken: ADMIN,
    functionsDir: dir,
    config: { appId: "up", authProviders: { "local-userpass": { autoConfirm: false } } },
  });
  a = new TestClient(auto.url, "up");
  m = new TestClient(manual.url, "up");
});
afterAll(async () => {
  await auto.close();
  await manual.close();
  await rm(dir, { recursive: true, force: true });
});

const route = (c: TestClient, path: string) => c.app(`/auth/providers/local-userpass/${path}`);
const post = (c: TestClient, path: string, body: unknown) => c.request("POST", route(c, path), { body });
const lastToken = async (server: RunningServer, email: string, kind: "confirm" | "reset") => {
  const res = await fetch(`${server.url}/admin/v1/userpass/tokens?email=${encodeURIComponent(email)}&kind=${kind}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, body: (await res.json()) as { token: string; tokenId: string } };
};

describe("register and log in (auto-confirm)", () => {
  it("registers, logs in, and shows the email in the profile", async () => {
    expect((await post(a, "register", { email: "ann@example.com", password: "secret1" })).status).toBe(200);
    const login = await a.logIn("local-userpass", { username: "ann@example.com", password: "secret1" });
    const profile = await a.request("GET", "/auth/profile", { token: login.access_token });
    expect(profile.body).toMatchObject({
      user_id: login.user_id,
      data: { email: "ann@example.com" },
      identities: [{ provider_type: "local-userpass" }],
    });
    const again = await a.logIn("local-userpass", { username: "ann@example.com", password: "secret1" });
    expect(again.user_id).toBe(login.user_id);
  });

  it("refuses a duplicate email with 409 AccountNameInUse", async () => {
    await post(a, "register", { email: "dup@example.com", password: "secret1" });
    const res = await post(a, "register", { email: "dup@example.com", password: "other12" });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error_code: "AccountNameInUse" });
  });

  it.each(["12345", "x".repeat(129)])("refuses a password of length %#", async (password) => {
    const res = await post(a, "register", { email: `p${password.length}@example.com`, password });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "password must be between 6 and 128 characters" });
  });

  it("answers 401 InvalidPassword for a wrong password and an unknown user", async () => {
    await post(a, "register", { email: "bob@example.com", password: "secret1" });
    for (const body of [
      { username: "bob@example.com", password: "wrong12" },
      { username: "nobody@example.com", password: "secret1" },
    ]) {
      const res = await a.request("POST", a.app("/auth/providers/local-userpass/login"), { body });
      expect(res.status).toBe(401);
      // App Services' message (realm-js's and realm-web's integration tests expect "unauthorized")
      expect(res.body).toMatchObject({ error_code: "InvalidPassword", error: "unauthorized" });
    }
  });

  it("throttles repeated failed logins on one account with 429", async () => {
    await post(a, "register", { email: "eve@example.com", password: "secret1" });
    const attempt = (password: string) =>
      a.request("POST", a.app("/auth/providers/local-userpass/login"), { body: { username: "eve@example.com", password } });
    for (let i = 0; i < 3; i++) expect((await attempt("wrong12")).status).toBe(401);
    const locked = await attempt("secret1");
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ error_code: "TooManyRequests" });
  });
});

describe("confirmation (autoConfirm off)", () => {
  it("refuses login until confirmed with the token, then accepts", async () => {
    const email = "carl@example.com";
    expect((await post(m, "register", { email, password: "secret1" })).status).toBe(200);
    const before = await m.request("POST", m.app("/auth/providers/local-userpass/login"), {
      body: { username: email, password: "secret1" },
    });
    expect(before.status).toBe(401);
    expect((before.body as { error: string }).error).toMatch(/confirm/);
    const { body: pair } = await lastToken(manual, email, "confirm");
    expect((await post(m, "confirm", { token: "wrong", tokenId: pair.tokenId })).status).toBe(400);
    expect((await post(m, "confirm", pair)).status).toBe(200);
    expect((await post(m, "confirm", pair)).body).toMatchObject({ error_code: "UserpassTokenInvalid" });
    await m.logIn("local-userpass", { username: email, password: "secret1" });
  });

  it("resends a confirmation with a new token; refuses for unknown or confirmed users", async () => {
    const email = "dora@example.com";
    await post(m, "register", { email, password: "secret1" });
    const first = (await lastToken(manual, email, "confirm")).body;
    expect((await post(m, "confirm/send", { email })).status).toBe(200);
    const second = (await lastToken(manual, email, "confirm")).body;
    expect(second.tokenId).not.toBe(first.tokenId);
    expect((await post(m, "confirm/send", { email: "ghost@example.com" })).status).toBe(404);
    await post(m, "confirm", second);
    const confirmed = await post(m, "confirm/send", { email });
    expect(confirmed.status).toBe(400);
    expect(confirmed.body).toMatchObject({ error_code: "UserAlreadyConfirmed", error: "already confirmed" });
  });

  it("confirm/call without a configured function is a 400", async () => {
    await post(m, "register", { email: "fay@example.com", password: "secret1" });
    const res = await post(m, "confirm/call", { email: "fay@example.com" });
    expect(res.status).toBe(400);
  });
});

describe("confirmation function", () => {
  let fn: RunningServer;
  let c: TestClient;
  beforeAll(async () => {
    fn = await startServer({
      inMemory: true,
      functionsDir: dir,
      config: { appId: "up", authProviders: { "local-userpass": { autoConfirm: false, confirmationFunctionName: "confirmUser" } } },
    });
    c = new TestClient(fn.url, "up");
  });
  afterAll(() => fn.close());

  it("confirms at register when the function says success", async () => {
    await post(c, "register", { email: "ok-gus@example.com", password: "secret1" });
    await c.logIn("local-userpass", { username: "ok-gus@example.com", password: "secret1" });
  });

  it("fails the register when the function says fail, and confirm/call retries a pending one", async () => {
    const failed = await post(c, "register", { email: "no-hal@example.com", password: "secret1" });
    expect(failed.status).toBe(400);
    expect((failed.body as { error: string }).error).toBe('failed to confirm user "no-hal@example.com"');
    // App Services creates no account on "fail": the same address registers again (and fails again), never AccountNameInUse
    const again = await post(c, "register", { email: "no-hal@example.com", password: "secret1" });
    expect(again.status).toBe(400);
    expect((again.body as { error: string }).error).toBe('failed to confirm user "no-hal@example.com"');
    expect((await post(c, "register", { email: "later-ivy@example.com", password: "secret1" })).status).toBe(200);
    expect((await post(c, "confirm/call", { email: "later-ivy@example.com" })).status).toBe(200);
    const login = await c.request("POST", c.app("/auth/providers/local-userpass/login"), {
      body: { username: "later-ivy@example.com", password: "secret1" },
    });
    expect(login.status).toBe(401);
  });
});

describe("password reset", () => {
  it("resets with a sent token (provider without a reset function)", async () => {
    const email = "jo@example.com";
    await post(m, "register", { email, password: "secret1" });
    expect((await post(m, "confirm", (await lastToken(manual, email, "confirm")).body)).status).toBe(200);
    expect((await post(m, "reset/send", { email })).status).toBe(200);
    const { body: pair } = await lastToken(manual, email, "reset");
    expect((await post(m, "reset", { ...pair, password: "short" })).status).toBe(400);
    expect((await post(m, "reset", { ...pair, password: "newpass1" })).status).toBe(200);
    await m.logIn("local-userpass", { username: email, password: "newpass1" });
    expect((await post(m, "reset/send", { email: "ghost@example.com" })).status).toBe(404);
  });

  it("runs the reset function with the extra arguments (success, pending, fail)", async () => {
    const email = "kim@example.com";
    await post(a, "register", { email, password: "secret1" });
    expect((await post(a, "reset/call", { email, password: "viafunc1", arguments: ["yes"] })).status).toBe(200);
    await a.logIn("local-userpass", { username: email, password: "viafunc1" });
    expect((await post(a, "reset/call", { email, password: "pending1", arguments: ["later"] })).status).toBe(200);
    await a.logIn("local-userpass", { username: email, password: "viafunc1" });
    const { body: pair } = await lastToken(auto, email, "reset");
    expect((await post(a, "reset", { ...pair, password: "pending1" })).status).toBe(200);
    await a.logIn("local-userpass", { username: email, password: "pending1" });
    const fail = await post(a, "reset/call", { email, password: "nopenope", arguments: ["no"] });
    expect(fail.status).toBe(400);
    // currentPasswordValid: true when the requested password is the current one
    expect((await post(a, "reset/call", { email, password: "pending1", arguments: ["same"] })).status).toBe(200);
    expect((await post(a, "reset/call", { email, password: "another1", arguments: ["same"] })).status).toBe(400);
  });
});

describe("bad bodies", () => {
  it.each([
    ["register", {}],
    ["register", { email: 5, password: "secret1" }],
    ["register", []],
    ["confirm", { token: "x" }],
    ["confirm/send", { email: null }],
    ["reset", { token: "a", tokenId: "b" }],
    ["reset/call", { email: "x@y.z", password: "secret1", arguments: "no" }],
  ])("%s %j → 400 with an error body", async (path, body) => {
    const res = await post(a, path, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: expect.any(String), error_code: expect.stringMatching(/Parameter$/) });
  });
});
