import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/src/index.js";
import { isMongoDBRealmError } from "../../src/protocol/encodeError.js";
import type { StateEvent } from "../../src/protocol/events.js";
import type { MutationReply } from "../../src/protocol/rpc.js";
import { admin, anonymous, emailPassword, listen, openTab, register, startTestServer, testHost } from "../../test/worker-kit.js";

const APP = "races-test";
let server: RunningServer;
let n = 0;
const dbName = (): string => `races-test-${++n}-${Date.now()}`;

beforeAll(async () => {
  server = await startTestServer(APP);
});
afterAll(async () => {
  await server.close();
});

describe("concurrency and degraded storage", () => {
  it("two tabs logging in at the same moment get distinct epochs and one final state", async () => {
    const host = testHost(dbName());
    const [a, b] = [openTab(host, server, APP), openTab(host, server, APP)];
    const { appKey } = await a.connect();
    await b.connect();
    const log = listen(appKey);
    const [ra, rb] = await Promise.all([a.api.logIn(appKey, anonymous(false)), b.api.logIn(appKey, anonymous(false))]);
    expect(ra.snapshot.epoch).not.toBe(rb.snapshot.epoch);
    const last = ra.snapshot.epoch > rb.snapshot.epoch ? ra : rb;
    await log.waitFor((e) => e.kind === "state" && e.epoch === last.snapshot.epoch);
    const epochs = log.states().map((e) => e.epoch);
    expect(epochs).toEqual([...epochs].sort((x, y) => x - y));
    expect(new Set(epochs).size).toBe(epochs.length);
    expect(last.snapshot.users.map((u) => u.id).sort()).toEqual([ra.userId, rb.userId].sort());
    expect((await b.connect()).snapshot).toEqual(last.snapshot);
    log.close();
    a.close();
    b.close();
    host.close();
  });

  it("a logout committed while a refresh is in flight wins over the refresh's answer", async () => {
    const host = testHost(dbName());
    const tab = openTab(host, server, APP);
    const { appKey } = await tab.connect();
    const email = `race-${n}@example.com`;
    await register(server, APP, email);
    const id = (await tab.api.logIn(appKey, emailPassword(email))).userId!;
    await admin(server, "POST", "/faults", { kind: "delay", route: "refresh", count: 1, delayMs: 300 });
    const log = listen(appKey);
    const refreshing = tab.api.refreshAccessToken(appKey, id).then(
      (r) => r,
      (e: unknown) => e,
    );
    const out = await tab.api.logOut(appKey, id);
    // the server ended the session first, so the delayed refresh is refused; whatever it answers,
    // the runtime must not log the user back in nor publish anything after the logout
    const late = await refreshing;
    expect(isMongoDBRealmError(late) ? late.statusCode : (late as MutationReply).changes).toEqual(isMongoDBRealmError(late) ? 401 : []);
    expect((await tab.connect()).snapshot).toEqual(out.snapshot);
    expect(out.snapshot.users[0]).toMatchObject({ id, state: "LoggedOut", accessToken: null });
    expect(log.states().map((e) => e.epoch)).toEqual([out.snapshot.epoch]);
    log.close();
    tab.close();
    host.close();
  });

  it("falls back to memory when IndexedDB fails, warns every tab, and keeps the session", async () => {
    const host = testHost(dbName(), {
      openStore: () => {
        throw new Error("IndexedDB is disabled");
      },
    });
    const tab = openTab(host, server, APP);
    const reply = await tab.connect();
    expect(reply.warnings).toEqual([expect.objectContaining({ code: "storage" })]);
    const log = listen(reply.appKey);
    const u = await tab.api.logIn(reply.appKey, anonymous(false));
    expect(u.snapshot.users[0]?.state).toBe("LoggedIn");
    expect(await tab.api.callFunction(reply.appKey, u.userId!, "whoami", "[]")).toBe(JSON.stringify(u.userId));
    const other = openTab(host, server, APP);
    expect((await other.connect()).warnings.map((w) => w.code)).toEqual(["storage"]);
    expect(log.states().at(-1)?.epoch).toBe(u.snapshot.epoch);
    log.close();
    tab.close();
    other.close();
    host.close();
  });
});

export type { StateEvent };
