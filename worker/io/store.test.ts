import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { isRealmTabsError } from "../../src/protocol/encodeError.js";
import { idbStore, openWithFallback, type SessionStore, type StoredApp, type StoredUser } from "./store.js";
import { fallbackStore, memoryStore } from "./fallbackStore.js";

const app = (appKey: string, epoch: number): StoredApp => ({
  appKey,
  deviceId: "d",
  order: ["u1", "u2"],
  currentUserId: "u1",
  epoch,
});
const user = (appKey: string, id: string): StoredUser => ({
  appKey,
  id,
  state: "LoggedIn",
  providerType: "anon-user",
  accessToken: `at-${id}`,
  refreshToken: `rt-${id}`,
  profile: { type: "normal", identities: [{ id: "i", providerType: "anon-user" }], data: { name: id } },
  skewMs: 0,
});

function roundTrips(make: () => SessionStore) {
  return async () => {
    const store = make();
    expect(await store.load("a")).toEqual({ app: null, users: [] });
    await store.commit(app("a", 1), [user("a", "u1"), user("a", "u2")], []);
    await store.commit(app("b", 1), [user("b", "u1")], []);
    await store.commit({ ...app("a", 2), order: ["u1"] }, [user("a", "u1")], ["u2"]);
    const a = await store.load("a");
    expect(a.app).toEqual({ ...app("a", 2), order: ["u1"] });
    expect(a.users).toEqual([user("a", "u1")]);
    expect((await store.load("b")).users.map((u) => u.id)).toEqual(["u1"]);
    store.close();
  };
}

describe("stores", () => {
  it(
    "IndexedDB store round-trips apps and users, per app, with deletes",
    roundTrips(() => idbStore({ name: `store-test-${Date.now()}` })),
  );
  it(
    "memory store behaves the same",
    roundTrips(() => memoryStore()),
  );

  it("a new connection on the same database sees what the previous one committed (worker restart)", async () => {
    const name = `store-restart-${Date.now()}`;
    const first = idbStore({ name });
    await first.commit(app("a", 5), [user("a", "u1")], []);
    first.close();
    const second = idbStore({ name });
    expect((await second.load("a")).app?.epoch).toBe(5);
    second.close();
  });

  it("falls back to memory once the primary fails, reports it once, and keeps working", async () => {
    const broken: SessionStore = {
      kind: "indexeddb",
      load: () => Promise.reject(new Error("quota")),
      commit: () => Promise.reject(new Error("quota")),
      close() {},
    };
    const reasons: unknown[] = [];
    const store = fallbackStore(broken, (e) => reasons.push(e));
    expect(store.kind).toBe("indexeddb");
    expect(await store.load("a")).toEqual({ app: null, users: [] });
    await store.commit(app("a", 1), [user("a", "u1")], []);
    expect(store.degraded).toBe(true);
    expect(store.kind).toBe("memory");
    expect((await store.load("a")).users).toHaveLength(1);
    expect(reasons).toHaveLength(1);
  });

  it("closes its connection and reports it when another build opens a newer schema version", async () => {
    const name = `store-upgrade-${Date.now()}`;
    let notified = 0;
    const store = idbStore({
      name,
      onVersionChange: () => {
        notified++;
      },
    });
    await store.commit(app("a", 1), [user("a", "u1")], []);
    const newer = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name, 2);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error("the old connection did not close"));
    });
    expect(newer.version).toBe(2);
    expect(notified).toBe(1);
    newer.close();
    // the old build cannot reopen a newer database: it fails as storage (the host then falls back)
    const err = await store.load("a").catch((e: unknown) => e);
    expect(isRealmTabsError(err) && err.code).toBe("storage");
  });

  it("turns IndexedDB failures into RealmTabsError storage, and writes nothing of a failed commit", async () => {
    const store = idbStore({ name: `store-bad-${Date.now()}` });
    await store.commit(app("a", 1), [user("a", "u1")], []);
    const bad = { ...user("a", "u3"), profile: { fn: () => 1 } as never };
    const err = await store.commit(app("a", 2), [user("a", "u2"), bad], ["u1"]).catch((e: unknown) => e);
    expect(isRealmTabsError(err) && err.code).toBe("storage");
    // the app record, u2 and the removal of u1 were asked for before u3 failed: none of them is kept
    const state = await store.load("a");
    expect(state.app?.epoch).toBe(1);
    expect(state.users.map((u) => u.id)).toEqual(["u1"]);
    store.close();
  });
});

describe("storage faults and recovery", () => {
  /** A store over `inner` that fails (quota) while `failing.on` is true. */
  function flaky(inner: SessionStore, failing: { on: boolean }): SessionStore {
    const quota = () => Promise.reject(Object.assign(new Error("QuotaExceededError"), { name: "QuotaExceededError" }));
    return {
      kind: "indexeddb",
      load: (k) => (failing.on ? quota() : inner.load(k)),
      commit: (a, u, r) => (failing.on ? quota() : inner.commit(a, u, r)),
      close() {},
    };
  }

  it("degrades on a quota error, then writes what memory holds back once storage works again", async () => {
    const disk = memoryStore();
    const failing = { on: false };
    let t = 0;
    const events: string[] = [];
    const store = fallbackStore(flaky(disk, failing), () => events.push("degraded"), {
      onRecovered: () => events.push("recovered"),
      retryMs: 1000,
      now: () => t,
    });
    await store.commit(app("a", 1), [user("a", "u1"), user("a", "u2")], []);
    failing.on = true;
    await store.commit({ ...app("a", 2), order: ["u1"] }, [user("a", "u1")], ["u2"]);
    expect(store.degraded).toBe(true);
    t += 500;
    failing.on = false;
    await store.commit({ ...app("a", 3), order: ["u1"] }, [user("a", "u1")], []);
    expect(store.degraded).toBe(true); // not retried before retryMs
    expect((await disk.load("a")).app?.epoch).toBe(1);
    t += 1000;
    await store.commit({ ...app("a", 4), order: ["u1"] }, [user("a", "u1")], []);
    expect(store.degraded).toBe(false);
    expect(events).toEqual(["degraded", "recovered"]);
    const onDisk = await disk.load("a");
    expect(onDisk.app?.epoch).toBe(4);
    expect(onDisk.users.map((u) => u.id)).toEqual(["u1"]); // the removal made while degraded reached the disk
  });

  it("a recovery after partial commits (only changed users) keeps the users memory never saw", async () => {
    const disk = memoryStore();
    const failing = { on: false };
    const store = fallbackStore(flaky(disk, failing), () => undefined, { retryMs: 0 });
    await store.commit(app("a", 1), [user("a", "u1"), user("a", "u2"), user("a", "u3")], []);
    failing.on = true;
    await store.commit(app("a", 2), [{ ...user("a", "u1"), accessToken: "changed" }], []); // only u1 changed
    await store.commit(app("a", 3), [], ["u3"]); // u3 removed while degraded
    expect(store.degraded).toBe(true);
    failing.on = false;
    expect(await store.recover()).toBe(true);
    const onDisk = await disk.load("a");
    expect(onDisk.users.map((u) => u.id).sort()).toEqual(["u1", "u2"]);
    expect(onDisk.users.find((u) => u.id === "u1")?.accessToken).toBe("changed");
  });

  it("a recovery attempt that fails again stays in memory and keeps every commit", async () => {
    const failing = { on: true };
    const store = fallbackStore(flaky(memoryStore(), failing), () => undefined, { retryMs: 0 });
    await store.commit(app("a", 1), [user("a", "u1")], []);
    await store.commit(app("a", 2), [user("a", "u1")], []);
    expect(store.degraded).toBe(true);
    expect((await store.load("a")).app?.epoch).toBe(2);
    expect(await store.recover()).toBe(false);
  });

  it("IndexedDB missing at open degrades at first use and recovers when it appears", async () => {
    let available = false;
    const disk = memoryStore();
    const warnings: string[] = [];
    const store = openWithFallback(
      () => {
        if (!available) throw new Error("indexedDB is not defined");
        return disk;
      },
      () => warnings.push("storage"),
      { retryMs: 0, onRecovered: () => warnings.push("storage-recovered"), loadFallback: () => import("./fallbackStore.js") },
    );
    expect(await store.load("a")).toEqual({ app: null, users: [] });
    await store.commit(app("a", 1), [user("a", "u1")], []);
    available = true;
    await store.commit(app("a", 2), [user("a", "u1")], []);
    expect(warnings).toEqual(["storage", "storage-recovered"]);
    expect((await disk.load("a")).app?.epoch).toBe(2);
  });

  it("loads the memory fallback only when the primary fails, once, and reports the failure once", async () => {
    const disk = memoryStore();
    const failing = { on: false };
    const warnings: unknown[] = [];
    let loads = 0;
    const store = openWithFallback(
      () => flaky(disk, failing),
      (e) => warnings.push(e),
      {
        retryMs: 60_000,
        loadFallback: () => {
          loads++;
          return import("./fallbackStore.js");
        },
      },
    );
    await store.commit(app("a", 1), [user("a", "u1")], []);
    expect(await store.load("a")).toMatchObject({ app: { epoch: 1 } });
    expect(loads).toBe(0);
    expect(store.kind).toBe("indexeddb");
    failing.on = true;
    // two writes fail at once: both land in memory, through one load of the fallback
    await Promise.all([store.commit(app("a", 2), [user("a", "u1")], []), store.commit(app("a", 3), [user("a", "u2")], [])]);
    expect(loads).toBe(1);
    expect(store.kind).toBe("memory");
    expect(warnings).toHaveLength(1);
    expect((warnings[0] as Error).name).toBe("QuotaExceededError");
    const held = await store.load("a");
    expect(held.app?.epoch).toBe(3);
    expect(held.users.map((u) => u.id).sort()).toEqual(["u1", "u2"]);
  });

  it("a fallback that cannot be loaded fails that read or write with the load error; the next one loads it again", async () => {
    const failing = { on: true };
    const warnings: unknown[] = [];
    let attempt = 0;
    const store = openWithFallback(
      () => flaky(memoryStore(), failing),
      (e) => warnings.push(e),
      {
        loadFallback: () => {
          attempt++;
          return attempt === 1 ? Promise.reject(new Error("the server is gone")) : import("./fallbackStore.js");
        },
      },
    );
    await expect(store.commit(app("a", 1), [user("a", "u1")], [])).rejects.toThrow("the server is gone");
    expect(warnings).toHaveLength(0);
    await store.commit(app("a", 1), [user("a", "u1")], []);
    expect(attempt).toBe(2);
    expect(warnings).toHaveLength(1);
    expect((await store.load("a")).users.map((u) => u.id)).toEqual(["u1"]);
  });
});
