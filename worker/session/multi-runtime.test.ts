import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/src/index.js";
import { memoryLock } from "../io/locks.js";
import { anonymous, emailPassword, listen, openTab, register, routeCounts, startTestServer, testHost } from "../../test/worker-kit.js";

const APP = "multi-runtime";
let server: RunningServer;
let n = 0;
const dbName = (): string => `multi-runtime-${++n}-${Date.now()}`;

beforeAll(async () => {
  server = await startTestServer(APP);
});
afterAll(async () => {
  await server.close();
});

/** Two runtimes (as two builds of the app would run) on one IndexedDB, with one tab each. */
async function twoRuntimes(shareLock: boolean) {
  const name = dbName();
  const lock = shareLock ? memoryLock() : undefined;
  const hosts = [testHost(name, lock ? { lock } : {}), testHost(name, lock ? { lock } : {})] as const;
  const tab1 = openTab(hosts[0], server, APP);
  const { appKey } = await tab1.connect();
  const login = await tab1.api.logIn(appKey, anonymous(false));
  const tab2 = openTab(hosts[1], server, APP);
  const restored = await tab2.connect();
  expect(restored.snapshot).toEqual(login.snapshot);
  const close = () => {
    tab1.close();
    tab2.close();
    hosts.forEach((h) => h.close());
  };
  return { appKey, userId: login.userId!, tab1, tab2, close };
}

describe("two runtimes sharing one store (two builds open at once)", () => {
  it("with the shared refresh lock, concurrent refreshes of one user send one request and end on one token", async () => {
    const { appKey, userId, tab1, tab2, close } = await twoRuntimes(true);
    const before = (await routeCounts(server)).refresh ?? 0;
    const [r1, r2] = await Promise.all([tab1.api.refreshAccessToken(appKey, userId), tab2.api.refreshAccessToken(appKey, userId)]);
    expect((await routeCounts(server)).refresh).toBe(before + 1);
    expect(r1.snapshot.users[0]?.accessToken).toBe(r2.snapshot.users[0]?.accessToken);
    expect(Math.abs(r1.snapshot.epoch - r2.snapshot.epoch)).toBeGreaterThan(0); // the adopter moved past the store's epoch
    close();
  });

  it("without it, both runtimes refresh (the control for the test above)", async () => {
    const { appKey, userId, tab1, tab2, close } = await twoRuntimes(false);
    const before = (await routeCounts(server)).refresh ?? 0;
    await Promise.all([tab1.api.refreshAccessToken(appKey, userId), tab2.api.refreshAccessToken(appKey, userId)]);
    expect((await routeCounts(server)).refresh).toBe(before + 2);
    close();
  });

  it("refreshCustomData sends a request of its own even when another runtime stored a newer token, as realm-web's", async () => {
    const { appKey, userId, tab1, tab2, close } = await twoRuntimes(true);
    const before = (await routeCounts(server)).refresh ?? 0;
    const stored = await tab1.api.refreshAccessToken(appKey, userId);
    expect((await routeCounts(server)).refresh).toBe(before + 1);
    // refreshAccessToken in the other runtime would adopt that token (see the first test);
    // refreshCustomData does not: custom data changed since is only in a token minted after the call
    const fresh = await tab2.api.refreshCustomData(appKey, userId);
    expect((await routeCounts(server)).refresh).toBe(before + 2);
    expect(fresh.snapshot.users[0]?.state).toBe("LoggedIn");
    expect(fresh.snapshot.users[0]?.accessToken).not.toBe(stored.snapshot.users[0]?.accessToken);
    close();
  });

  it("a runtime adopts a logout that another runtime stored instead of refreshing", async () => {
    const name = dbName();
    const lock = memoryLock();
    const [h1, h2] = [testHost(name, { lock }), testHost(name, { lock })];
    const tab1 = openTab(h1, server, APP);
    const { appKey } = await tab1.connect();
    const email = `multi-${n}@example.com`;
    await register(server, APP, email);
    const id = (await tab1.api.logIn(appKey, emailPassword(email))).userId!;
    const tab2 = openTab(h2, server, APP);
    await tab2.connect();
    const out = await tab1.api.logOut(appKey, id);
    const log = listen(appKey);
    const before = (await routeCounts(server)).refresh ?? 0;
    const adopted = await tab2.api.refreshAccessToken(appKey, id);
    expect(adopted.changes).toEqual([{ type: "logout", userId: id }]);
    expect(adopted.snapshot.epoch).toBeGreaterThan(out.snapshot.epoch);
    expect(adopted.snapshot.users[0]).toMatchObject({ id, state: "LoggedOut" });
    expect((await routeCounts(server)).refresh).toBe(before);
    await log.waitFor((e) => e.kind === "state" && e.epoch === adopted.snapshot.epoch);
    log.close();
    tab1.close();
    tab2.close();
    h1.close();
    h2.close();
  });
});
