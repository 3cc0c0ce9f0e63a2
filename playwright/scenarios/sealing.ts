/**
 * Tokens at rest are sealed: IndexedDB holds no token in clear, the sealing key is a non-extractable
 * AES-GCM CryptoKey, and the event channel carries no token at all (its events are hints: epoch and
 * kinds of change; with a SharedWorker, whose tabs get each commit on their private push ports, none).
 * @packageDocumentation
 */
import assert from "node:assert/strict";
import type { TestServer } from "../../src/testing/server.js";
import type { Scenario } from "./scenario.js";
import { logInAnonymously, openTabs, tabsAgree } from "./tabs.js";

/** The channel name of the test app (see src/protocol/events.ts). */
function channelOf(server: TestServer): string {
  return `realm-tabs:${server.appId}@${server.url.replace(/\/+$/, "")}`;
}

/** Tokens are sealed at rest and never broadcast. */
export const sealedAtRest: Scenario = {
  title: "tokens at rest are sealed, the key cannot be exported, and the channel carries no token",
  timeout: 60_000,
  async run({ driver, context, url, server }) {
    const [a, b] = await openTabs(driver, context, url, 2);
    await b!.evaluate((name) => {
      const log: unknown[] = [];
      (window as unknown as { channelLog: unknown[] }).channelLog = log;
      new BroadcastChannel(name).onmessage = (e: MessageEvent) => log.push(e.data);
    }, channelOf(server));
    const id = await logInAnonymously(a!, false);
    await tabsAgree(driver, [a!, b!], (v) => v.currentUserId === id);
    const accessTokens = await a!.evaluate(async () => {
      const user = window.realmTabs!.app.currentUser!;
      const before = user.accessToken!;
      await user.refreshAccessToken();
      if (user.accessToken === before) throw new Error("the refresh did not change the access token");
      return [before, user.accessToken!];
    });
    const dump = await a!.evaluate(async () => {
      const open = (name: string) =>
        new Promise<IDBDatabase>((res, rej) => {
          const r = indexedDB.open(name);
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
      const all = (db: IDBDatabase, store: string) =>
        new Promise<unknown[]>((res, rej) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
      const db = await open("realm-tabs");
      const users = (await all(db, "users")) as { refreshToken: string | null; accessToken: string | null }[];
      const keysDb = await open("realm-tabs-keys");
      const keys = (await all(keysDb, "keys")) as CryptoKey[];
      db.close();
      keysDb.close();
      const key = keys[0]!;
      const exported = await crypto.subtle.exportKey("raw", key).then(
        () => "exported",
        (e: Error) => e.name,
      );
      return { users, isKey: key instanceof CryptoKey, extractable: key.extractable, algorithm: key.algorithm.name, exported };
    });
    assert.equal(dump.users.length, 1);
    assert.match(dump.users[0]!.refreshToken ?? "", /^sealed:v1:/);
    assert.match(dump.users[0]!.accessToken ?? "", /^sealed:v1:/);
    // a JWT's shape (base64url header "eyJ…", dot, payload, dot), not the bare "eyJ", which the
    // sealed tokens' random base64 can contain by chance; and neither access token held in the run
    const stored = JSON.stringify(dump.users);
    assert.ok(!/eyJ[\w-]+\.[\w-]+\./.test(stored), "no JWT in clear in IndexedDB");
    for (const token of accessTokens) assert.ok(!stored.includes(token), "no access token in clear in IndexedDB");
    assert.deepEqual(
      { isKey: dump.isKey, extractable: dump.extractable, algorithm: dump.algorithm, exported: dump.exported },
      { isKey: true, extractable: false, algorithm: "AES-GCM", exported: "InvalidAccessError" },
    );
    await a!.evaluate(() => window.realmTabs!.app.currentUser!.logOut());
    await tabsAgree(driver, [a!, b!], (v) => v.currentUserId === null);
    const log = await b!.evaluate(
      () => (window as unknown as { channelLog: { kind?: string; snapshot?: { users: { refreshToken: unknown }[] } }[] }).channelLog,
    );
    const states = log.filter((e) => e.kind === "state");
    const mode = await b!.evaluate(() => window.realmTabs!.app.mode);
    if (mode === "shared-worker") {
      // every tab has a push port: commits reach the tabs on their private ports, and no hint goes out
      assert.equal(states.length, 0, `state events while every tab has a push port: ${states.length}`);
    } else {
      assert.ok(states.length >= 3, `state events for login, refresh and logout: ${states.length}`);
    }
    for (const e of states) for (const u of e.snapshot?.users ?? []) assert.equal(u.refreshToken, null);
    // the events are hints only: no snapshot, no token of any kind
    for (const e of states) assert.deepEqual(Object.keys(e).sort(), ["appKey", "changes", "epoch", "kind", "v"]);
    const wire = JSON.stringify(log);
    for (const token of accessTokens) assert.ok(!wire.includes(token), "an access token went over the channel");
    assert.ok(!wire.includes("eyJ"), "a JWT went over the channel");
  },
};
