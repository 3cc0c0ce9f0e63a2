import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { done, openDatabase, request } from "./idb.js";

const unique = (p: string) => `${p}-${Date.now()}-${Math.random()}`;
const withStore = (db: IDBDatabase): void => {
  db.createObjectStore("s");
};

describe("IndexedDB as promises", () => {
  it("creates the stores on first open, resolves results and commits", async () => {
    const name = unique("idb");
    let upgrades = 0;
    const db = await openDatabase(name, 1, {
      upgrade: (d) => {
        upgrades++;
        withStore(d);
      },
    });
    const tx = db.transaction("s", "readwrite");
    const [key] = await Promise.all([request<IDBValidKey>(tx.objectStore("s").put({ a: 1 }, "k")), done(tx)]);
    expect(key).toBe("k");
    expect(await request(db.transaction("s").objectStore("s").get("k"))).toEqual({ a: 1 });
    db.close();
    const again = await openDatabase(name, 1, { upgrade: () => upgrades++ });
    expect(upgrades).toBe(1);
    again.close();
  });

  it("rejects a failed request with its DOMException, and the transaction it aborts", async () => {
    const db = await openDatabase(unique("idb"), 1, { upgrade: withStore });
    const tx = db.transaction("s", "readwrite");
    const store = tx.objectStore("s");
    const committed = done(tx);
    await request(store.add(1, "k"));
    const error = await request(store.add(2, "k")).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ConstraintError" });
    await expect(committed).rejects.toMatchObject({ name: "ConstraintError" });
    expect(await request(db.transaction("s").objectStore("s").get("k"))).toBeUndefined();
    db.close();
  });

  it("rejects an aborted transaction with an AbortError", async () => {
    const db = await openDatabase(unique("idb"), 1, { upgrade: withStore });
    const tx = db.transaction("s", "readwrite");
    const committed = done(tx);
    tx.abort();
    await expect(committed).rejects.toMatchObject({ name: "AbortError" });
    db.close();
  });

  it("tells the old connection a newer version wants to open, and the opener that it waits", async () => {
    const name = unique("idb");
    const old = await openDatabase(name, 1, { upgrade: withStore, blocking: () => undefined });
    let blocked = 0;
    const newer = openDatabase(name, 2, { upgrade: () => undefined, blocked: () => blocked++ });
    await expect.poll(() => blocked).toBe(1);
    old.close();
    const db = await newer;
    expect(db.version).toBe(2);
    db.close();
  });

  it("passes the connection to blocking, which can close it so the newer version opens at once", async () => {
    const name = unique("idb");
    const seen: IDBDatabase[] = [];
    const old = await openDatabase(name, 1, { upgrade: withStore, blocking: (d) => (seen.push(d), d.close()) });
    let blocked = 0;
    const db = await openDatabase(name, 2, { upgrade: () => undefined, blocked: () => blocked++ });
    expect(seen).toEqual([old]);
    expect(blocked).toBe(0);
    db.close();
  });

  it("rejects opening a database at an older version than it has", async () => {
    const name = unique("idb");
    (await openDatabase(name, 2, { upgrade: withStore })).close();
    await expect(openDatabase(name, 1, { upgrade: withStore })).rejects.toMatchObject({ name: "VersionError" });
  });
});
