import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { SEALED_PREFIX, fixedKeySource, generateSealingKey, idbKeySource, sealedStore } from "./sealedStore.js";
import { DB_VERSION, idbStore, type StoredApp, type StoredUser } from "./store.js";
import { openDatabase, request } from "./idb.js";
import { memoryStore } from "./fallbackStore.js";

const app = (epoch: number): StoredApp => ({
  appKey: "a",
  deviceId: "d",
  order: ["u1"],
  currentUserId: "u1",
  epoch,
});
const user = (id: string, rt: string | null = `rt-${id}-secret`): StoredUser => ({
  appKey: "a",
  id,
  state: "LoggedIn",
  providerType: "anon-user",
  accessToken: `at-${id}`,
  refreshToken: rt,
  profile: null,
  skewMs: 0,
});
const unique = (p: string) => `${p}-${Date.now()}-${Math.random()}`;

describe("sealed store (tokens at rest)", () => {
  it("writes no token in clear to IndexedDB and reads them back", async () => {
    const name = unique("sealed");
    const store = sealedStore(idbStore({ name }), idbKeySource({ name: `${name}-keys` }));
    await store.commit(app(1), [user("u1")], []);
    const raw = await openDatabase(name, DB_VERSION, { upgrade: () => undefined });
    const rows = await request<StoredUser[]>(raw.transaction("users").objectStore("users").getAll());
    raw.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.refreshToken!.startsWith(SEALED_PREFIX)).toBe(true);
    expect(rows[0]!.accessToken!.startsWith(SEALED_PREFIX)).toBe(true);
    expect(JSON.stringify(rows)).not.toContain("rt-u1-secret");
    expect((await store.load("a")).users).toEqual([user("u1")]);
    store.close();
  });

  it("keeps one non-extractable CryptoKey in its own database, shared by two runtimes", async () => {
    const name = unique("keys");
    const [k1, k2] = await Promise.all([idbKeySource({ name }).key(), idbKeySource({ name }).key()]);
    expect(k1.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("raw", k1)).rejects.toThrow();
    const inner = memoryStore();
    await sealedStore(inner, fixedKeySource(k1)).commit(app(1), [user("u1")], []);
    expect((await sealedStore(inner, fixedKeySource(k2)).load("a")).users[0]!.refreshToken).toBe("rt-u1-secret");
  });

  it("a copy of the values without the key yields no token: the user loads logged out", async () => {
    const inner = memoryStore();
    await sealedStore(inner, fixedKeySource(await generateSealingKey())).commit(app(1), [user("u1")], []);
    const other = await sealedStore(inner, fixedKeySource(await generateSealingKey())).load("a");
    expect(other.users[0]).toMatchObject({ state: "LoggedOut", accessToken: null, refreshToken: null });
  });

  it("a sealed token moved to another user does not decrypt (bound to app, user and field)", async () => {
    const inner = memoryStore();
    const key = await generateSealingKey();
    await sealedStore(inner, fixedKeySource(key)).commit(app(1), [user("u1"), user("u2")], []);
    const stolen = (await inner.load("a")).users.find((u) => u.id === "u1")!;
    await inner.commit(app(2), [{ ...stolen, id: "u2" }], []);
    const loaded = await sealedStore(inner, fixedKeySource(key)).load("a");
    expect(loaded.users.find((u) => u.id === "u2")).toMatchObject({ state: "LoggedOut", refreshToken: null });
  });

  it("plaintext sessions of an older build load, and are sealed on the next write", async () => {
    const inner = memoryStore();
    await inner.commit(app(1), [user("u1")], []);
    const store = sealedStore(inner, fixedKeySource(await generateSealingKey()));
    const loaded = await store.load("a");
    expect(loaded.users).toEqual([user("u1")]);
    await store.commit(app(2), loaded.users, []);
    expect((await inner.load("a")).users[0]!.refreshToken!.startsWith(SEALED_PREFIX)).toBe(true);
    expect((await store.load("a")).users).toEqual([user("u1")]);
  });

  it("logged-out users keep null tokens", async () => {
    const store = sealedStore(memoryStore(), fixedKeySource(await generateSealingKey()));
    await store.commit(app(1), [{ ...user("u1", null), accessToken: null, state: "LoggedOut" }], []);
    expect((await store.load("a")).users[0]).toMatchObject({ accessToken: null, refreshToken: null });
  });

  it("a key source that fails rejects with code storage", async () => {
    const store = sealedStore(memoryStore(), { key: () => Promise.reject(new Error("no idb")) });
    await expect(store.commit(app(1), [user("u1")], [])).rejects.toThrow("no idb");
  });
});
