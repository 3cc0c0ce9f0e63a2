import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/src/index.js";
import { otherRuntimeTokens } from "./adopt.js";
import { memoryLock } from "../io/locks.js";
import type { StoredUser } from "../io/store.js";
import { anonymous, emailPassword, register, routeCounts, startTestServer, testHost, openTab } from "../../test/worker-kit.js";

const APP = "adopt";
let server: RunningServer;
let n = 0;

beforeAll(async () => {
  server = await startTestServer(APP);
});
afterAll(async () => {
  await server.close();
});

function jwt(exp: number): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "HS256" })}.${part({ exp, iat: exp - 60 })}.sig`;
}

function user(accessToken: string | null, state: StoredUser["state"] = "LoggedIn"): StoredUser {
  return { id: "u", state, accessToken, refreshToken: "r", skewMs: 0 } as StoredUser;
}

describe("otherRuntimeTokens (token identity, not epochs)", () => {
  it("is news when the stored token differs from mine and expires no earlier", () => {
    expect(otherRuntimeTokens(user(jwt(200)), user(jwt(100)))).toBe(true);
    expect(otherRuntimeTokens(user(jwt(100)), user(jwt(100) + "x"))).toBe(true);
  });
  it("is not news when it is my own token, an older one, a logout or a missing user", () => {
    expect(otherRuntimeTokens(user(jwt(100)), user(jwt(100)))).toBe(false);
    expect(otherRuntimeTokens(user(jwt(50)), user(jwt(100)))).toBe(false);
    expect(otherRuntimeTokens(user(null, "LoggedOut"), user(jwt(100)))).toBe(false);
    expect(otherRuntimeTokens(null, user(jwt(100)))).toBe(false);
    expect(otherRuntimeTokens(user(jwt(100)), undefined)).toBe(false);
  });
});

describe("a runtime whose epoch ran ahead still adopts the other runtime's newer token", () => {
  it("sends no second refresh and ends on the same token as the other runtime", async () => {
    const name = `adopt-${++n}-${Date.now()}`;
    const lock = memoryLock();
    const [h1, h2] = [testHost(name, { lock }), testHost(name, { lock })];
    const tab1 = openTab(h1, server, APP);
    const { appKey } = await tab1.connect();
    const login = await tab1.api.logIn(appKey, anonymous(false));
    const id = login.userId!;
    const loginToken = login.snapshot.users.find((u) => u.id === id)?.accessToken;
    expect(loginToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const tab2 = openTab(h2, server, APP);
    await tab2.connect();
    const sent = (await routeCounts(server)).refresh ?? 0;
    const r1 = await tab1.api.refreshAccessToken(appKey, id); // runtime 1 refreshes: a new token in the store
    expect((await routeCounts(server)).refresh ?? 0).toBe(sent + 1);
    // runtime 2 commits more (other users log in), so its epoch runs ahead of the store's
    for (let i = 0; i < 3; i++) {
      const email = `adopt-${n}-${i}@example.com`;
      await register(server, APP, email);
      await tab2.api.logIn(appKey, emailPassword(email));
    }
    const ahead = (await tab2.connect()).snapshot.epoch;
    expect(ahead).toBeGreaterThan(r1.snapshot.epoch);
    const before = (await routeCounts(server)).refresh ?? 0;
    const r2 = await tab2.api.refreshAccessToken(appKey, id);
    expect((await routeCounts(server)).refresh ?? 0).toBe(before);
    const token1 = r1.snapshot.users.find((u) => u.id === id)?.accessToken;
    expect(token1).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(token1).not.toBe(loginToken); // the refresh minted a new token (tokens carry a unique jti)
    expect((await tab1.connect()).snapshot.users.find((u) => u.id === id)?.accessToken).toBe(token1); // runtime 1 still holds it
    expect(r2.snapshot.users.find((u) => u.id === id)?.accessToken).toBe(token1);
    tab1.close();
    tab2.close();
    h1.close();
    h2.close();
  });
});
