/**
 * Storage faults through the host: IndexedDB failing mid-session (quota) degrades to memory with a
 * `storage` warning to every tab, the session keeps working, and once IndexedDB works again the
 * runtime writes everything back and tells tabs `storage-recovered`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/src/index.js";
import type { WarningEvent } from "../../src/protocol/events.js";
import { idbStore, type SessionStore } from "./store.js";
import { anonymous, listen, openTab, startTestServer, testHost } from "../../test/worker-kit.js";

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer("storage-faults");
});
afterAll(() => server.close());

function flaky(inner: SessionStore, failing: { on: boolean }): SessionStore {
  const quota = () => Promise.reject(Object.assign(new Error("The quota has been exceeded"), { name: "QuotaExceededError" }));
  return {
    kind: "indexeddb",
    load: (k) => (failing.on ? quota() : inner.load(k)),
    commit: (a, u, r) => (failing.on ? quota() : inner.commit(a, u, r)),
    close: () => inner.close(),
  };
}

describe("storage faults through the host", () => {
  it("degrades to memory with a warning, keeps the session, and writes it back once IndexedDB works", async () => {
    const dbName = `storage-faults-${Date.now()}`;
    const failing = { on: false };
    let offset = 0;
    const host = testHost(dbName, {
      openStore: () => flaky(idbStore({ name: dbName }), failing),
      clock: { now: () => Date.now() + offset },
    });
    const tab = openTab(host, server, "storage-faults");
    const { appKey } = await tab.connect();
    const events = listen(appKey);
    try {
      const first = await tab.api.logIn(appKey, anonymous(false));
      failing.on = true;
      const second = await tab.api.logIn(appKey, anonymous(false)); // the write fails: memory takes it
      const warning = await events.waitFor<WarningEvent>((e) => e.kind === "warning" && e.code === "storage");
      expect(warning.message).toContain("quota");
      expect(second.snapshot.users.map((u) => u.id)).toEqual([second.userId, first.userId]);
      await tab.api.logOut(appKey, first.userId!); // still works, in memory
      failing.on = false;
      offset += 11_000; // past the retry interval
      const third = await tab.api.logIn(appKey, anonymous(false));
      await events.waitFor((e) => e.kind === "warning" && e.code === "storage-recovered");
      const stored = await idbStore({ name: dbName }).load(appKey);
      expect(stored.app?.epoch).toBe(third.snapshot.epoch);
      expect(stored.app?.order).toEqual(third.snapshot.users.map((u) => u.id));
      expect(new Map(stored.users.map((u) => [u.id, u.state]))).toEqual(new Map(third.snapshot.users.map((u) => [u.id, u.state])));
    } finally {
      events.close();
      tab.close();
      host.close();
    }
  });
});
