/**
 * Synchronous start and synchronous switchUser: `new App` answers from the last state a tab
 * stored, the runtime's snapshot then takes over; `switchUser` is visible on the next line.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "./app.js";
import { Credentials } from "./credentials.js";
import { MemoryStorage } from "./compat/storage.js";
import { LastStateWriter, lastStateStorage, readLastState } from "./lastState.js";
import type { AppSnapshot } from "./protocol/snapshots.js";
import { appKeyFor } from "./protocol/names.js";
import { BASE, closeAll, tabs } from "../test/memory-runtime.js";
import { appSnapshot, userSnapshot } from "../test/snapshots.js";

afterEach(closeAll);

describe("synchronous start", () => {
  it("a new App has the users, their getters and the current user on its next line", async () => {
    const storage = new MemoryStorage();
    const {
      runtime,
      apps: [a],
    } = tabs(1, { storage });
    await a!.ready;
    const first = await a!.logIn(Credentials.anonymous(false));
    const second = await a!.logIn(Credentials.anonymous(false));
    const b = new App({ id: "test-app", baseUrl: BASE, worker: runtime.tab(), storage });
    try {
      // no await: the runtime has not answered this App yet
      expect(b.currentUser?.id).toBe(second.id);
      expect(Object.keys(b.allUsers).sort()).toEqual([first.id, second.id].sort());
      const user = b.currentUser!;
      expect(user.accessToken).toBe(second.accessToken);
      expect(user.state).toBe("LoggedIn");
      expect(user.profile).toEqual({ name: "Ada" });
      expect(user.identities).toEqual(second.identities);
      expect(user.customData).toEqual({ born: new Date(0), n: 1 });
      expect(user.providerType).toBe("anon-user");
      expect(user.deviceId).toBe("d1");
      await b.ready;
      expect(b.currentUser).toBe(user);
    } finally {
      b.close();
    }
  });

  it("never stores a refresh token", async () => {
    const storage = new MemoryStorage();
    const {
      apps: [a],
    } = tabs(1, { storage, exposeRefreshToken: true });
    const user = await a!.logIn(Credentials.anonymous());
    expect(user.refreshToken).toBe("rt-u1");
    const text = lastStateStorage(appKeyFor("test-app", BASE), storage).get("last-state") ?? "";
    expect(text).toContain(user.accessToken!);
    expect(text).not.toContain("rt-u1");
    expect(
      readLastState(lastStateStorage(appKeyFor("test-app", BASE), storage), appKeyFor("test-app", BASE))?.users[0]?.refreshToken,
    ).toBeNull();
  });

  it("moves to the runtime's state when it differs from the stored one, and fires listeners", async () => {
    const storage = new MemoryStorage();
    const {
      runtime,
      apps: [a],
    } = tabs(1, { storage });
    const user = await a!.logIn(Credentials.anonymous());
    a!.close();
    runtime.users = []; // the session ended while no tab was open
    runtime.current = null;
    runtime.epoch += 1;
    const {
      apps: [b],
    } = tabs(1, { storage, worker: runtime.tab() });
    expect(b!.currentUser?.id).toBe(user.id);
    const listener = vi.fn();
    b!.addListener(listener);
    await b!.ready;
    expect(b!.currentUser).toBeNull();
    expect(b!.allUsers).toEqual({});
    expect(listener).toHaveBeenCalled();
  });

  it("ignores a stored state of another shape", () => {
    const storage = new MemoryStorage();
    const key = appKeyFor("test-app", BASE);
    lastStateStorage(key, storage).set("last-state", JSON.stringify({ v: 99, snapshot: {} }));
    expect(readLastState(lastStateStorage(key, storage), key)).toBeNull();
    lastStateStorage(key, storage).set("last-state", "{not json");
    expect(readLastState(lastStateStorage(key, storage), key)).toBeNull();
  });
});

describe("synchronous switchUser", () => {
  it("makes the user current on the next line, fires listeners, and the other tabs follow", async () => {
    const {
      apps: [a, b],
    } = tabs(2);
    const first = await a!.logIn(Credentials.anonymous(false));
    await a!.logIn(Credentials.anonymous(false));
    const listener = vi.fn();
    a!.addListener(listener);
    const switching = a!.switchUser(first);
    expect(a!.currentUser).toBe(first);
    await Promise.resolve(); // listeners are called in a microtask, as on every change
    expect(listener).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(b!.currentUser?.id).toBe(first.id));
    await switching; // the runtime's confirmation (applied before this resolves) is not reported a second time
    await Promise.resolve();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it("returns to the runtime's current user when the switch fails", async () => {
    const {
      runtime,
      apps: [a],
    } = tabs(1);
    const first = await a!.logIn(Credentials.anonymous(false));
    const second = await a!.logIn(Credentials.anonymous(false));
    runtime.users = runtime.users.filter((u) => u.id !== first.id); // the runtime no longer knows it; no event yet
    const switching = a!.switchUser(first);
    expect(a!.currentUser).toBe(first);
    await expect(switching).rejects.toMatchObject({ code: "user-not-found" });
    expect(a!.currentUser).toBe(second);
  });
});

/** A snapshot of one logged-in user at `epoch`, its refresh token revealed (as an opted-in tab holds it). */
function snapshotAt(epoch: number): AppSnapshot {
  const user = userSnapshot("u1", "LoggedIn", { accessToken: `at-${epoch}`, refreshToken: "rt-secret" });
  return appSnapshot(epoch, [user], appKeyFor("test-app", BASE));
}

/** A storage that counts the writes of the last state. */
function countingStorage(): { storage: MemoryStorage; writes: () => number } {
  const storage = new MemoryStorage();
  const set = vi.spyOn(storage, "set");
  return { storage, writes: () => set.mock.calls.filter(([key]) => key.endsWith("last-state")).length };
}

const elapse = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("LastStateWriter", () => {
  const key = appKeyFor("test-app", BASE);

  afterEach(() => {
    vi.useRealTimers();
  });

  it("writes a change after its delay, once, with the snapshot held then and no refresh token", () => {
    vi.useFakeTimers();
    const { storage, writes } = countingStorage();
    let current = snapshotAt(1);
    const writer = new LastStateWriter(lastStateStorage(key, storage), () => current, { delayMs: () => 5, page: null });
    writer.schedule();
    writer.schedule();
    expect(writes()).toBe(0); // off the path of the listeners: nothing written yet
    current = snapshotAt(2);
    vi.advanceTimersByTime(5);
    expect(writes()).toBe(1);
    const stored = readLastState(lastStateStorage(key, storage), key);
    expect(stored?.epoch).toBe(2);
    expect(stored?.users[0]?.accessToken).toBe("at-2");
    expect(lastStateStorage(key, storage).get("last-state")).not.toContain("rt-secret");
    vi.advanceTimersByTime(60_000);
    expect(writes()).toBe(1);
  });

  it("a tab one push behind does not overwrite a later state of the same store; another store's it does", () => {
    const { storage } = countingStorage();
    const at = (epoch: number, storeId: string): AppSnapshot => ({ ...snapshotAt(epoch), storeId });
    new LastStateWriter(lastStateStorage(key, storage), () => at(7, "s1"), { page: null }).flush(); // another tab, up to date
    let behind = at(6, "s1");
    const writer = new LastStateWriter(lastStateStorage(key, storage), () => behind, { page: null });
    writer.flush(); // e.g. on pagehide, before the push of epoch 7 reached it
    expect(readLastState(lastStateStorage(key, storage), key)?.epoch).toBe(7);
    behind = at(2, "s2"); // the database was wiped: a new store, whose epochs start again
    writer.flush();
    expect(readLastState(lastStateStorage(key, storage), key)).toMatchObject({ epoch: 2, storeId: "s2" });
    behind = { ...snapshotAt(1) }; // a runtime that names no store: written as before
    writer.flush();
    expect(readLastState(lastStateStorage(key, storage), key)?.epoch).toBe(1);
  });

  it("does not write what another tab already wrote: one write for a change every tab applies", () => {
    vi.useFakeTimers();
    const { storage, writes } = countingStorage();
    const snapshot = snapshotAt(3);
    const writers = Array.from(
      { length: 5 },
      (_, i) => new LastStateWriter(lastStateStorage(key, storage), () => snapshot, { delayMs: () => i, page: null }),
    );
    for (const w of writers) w.schedule();
    vi.advanceTimersByTime(5);
    expect(writes()).toBe(1);
    expect(readLastState(lastStateStorage(key, storage), key)?.epoch).toBe(3);
  });

  it("writes at once on flush, on pagehide and on close; never the remembered state alone", () => {
    const { storage, writes } = countingStorage();
    const page = new EventTarget();
    let current: AppSnapshot | null = null;
    const writer = new LastStateWriter(lastStateStorage(key, storage), () => current, { delayMs: () => 60_000, page });
    writer.flush();
    current = { ...snapshotAt(4), epoch: -1 }; // seeded from storage, the runtime has not answered
    writer.flush();
    expect(writes()).toBe(0);
    current = snapshotAt(5);
    writer.flush();
    expect(readLastState(lastStateStorage(key, storage), key)?.epoch).toBe(5);
    current = snapshotAt(6);
    writer.schedule();
    page.dispatchEvent(new Event("pagehide"));
    expect(readLastState(lastStateStorage(key, storage), key)?.epoch).toBe(6);
    current = snapshotAt(7);
    writer.schedule();
    writer.close();
    expect(readLastState(lastStateStorage(key, storage), key)?.epoch).toBe(7);
    current = snapshotAt(8);
    page.dispatchEvent(new Event("pagehide")); // closed: no longer listening
    expect(readLastState(lastStateStorage(key, storage), key)?.epoch).toBe(7);
    expect(writes()).toBe(3);
  });

  it("the tab that made a change writes it when the runtime confirmed it; the other tabs do not write it again", async () => {
    const { storage, writes } = countingStorage();
    const {
      apps: [a, b, c],
    } = tabs(3, { storage });
    await Promise.all([a!.ready, b!.ready, c!.ready]);
    await vi.waitFor(() => expect(b!.currentUser).toBeNull());
    await elapse(300); // the writes of the first snapshot
    const before = writes();
    const user = await a!.logIn(Credentials.anonymous(false));
    expect(readLastState(lastStateStorage(key, storage), key)?.currentUserId).toBe(user.id); // at once
    await vi.waitFor(() => expect(c!.currentUser?.id).toBe(user.id));
    await elapse(300); // past every other tab's delay
    expect(writes() - before).toBe(1);
  });
});

describe("lastStateStorage without a storage option", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("reads and writes localStorage directly, under realm-web's key layout", () => {
    const values = new Map<string, string>();
    vi.stubGlobal("localStorage", {
      getItem: (k: string) => values.get(k) ?? null,
      setItem: (k: string, v: string) => void values.set(k, v),
      removeItem: (k: string) => void values.delete(k),
    });
    const key = appKeyFor("test-app", BASE);
    const slot = lastStateStorage(key);
    expect(slot.get("last-state")).toBeNull();
    slot.set("last-state", "x");
    expect([...values]).toEqual([[`realm-tabs:app(${key}):last-state`, "x"]]);
    expect(slot.get("last-state")).toBe("x");
    // the same key a Storage option's prefixed view uses
    const memory = new MemoryStorage();
    lastStateStorage(key, memory).set("last-state", "y");
    expect(memory.get(`realm-tabs:app(${key}):last-state`)).toBe("y");
  });

  it("keeps nothing, and throws nothing, where localStorage is missing or refused", () => {
    const key = appKeyFor("test-app", BASE);
    vi.stubGlobal("localStorage", undefined);
    expect(lastStateStorage(key).get("last-state")).toBeNull();
    expect(() => lastStateStorage(key).set("last-state", "x")).not.toThrow();
    Object.defineProperty(globalThis, "localStorage", {
      configurable: true,
      get() {
        throw new DOMException("denied", "SecurityError");
      },
    });
    try {
      expect(lastStateStorage(key).get("last-state")).toBeNull();
      expect(() => lastStateStorage(key).set("last-state", "x")).not.toThrow();
    } finally {
      Reflect.deleteProperty(globalThis, "localStorage");
    }
  });
});
