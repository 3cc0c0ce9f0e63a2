/**
 * Issue 6, versioning: two builds of the app open at once in one context. `?build=B` gives the
 * second tab another build id and its own SharedWorker (another worker name, so a second runtime),
 * as a deploy that changed the worker's URL would; both runtimes share one IndexedDB.
 */
import type { Page } from "@playwright/test";
import { FUNCTIONS_DIR, expect, test } from "./fixtures.js";
import { startTestServer } from "../src/testing/server.js";
import { openTab, tabView, testPageUrl } from "../src/testing/tabs.js";
import { sharedWorkerUrls } from "../src/testing/workers.js";

/**
 * The users as stored in IndexedDB (database `realm-tabs`, store `users`), with the access token
 * unsealed in the page with the key in `realm-tabs-keys` (tokens are encrypted at rest, see
 * worker/io/sealedStore.ts: `sealed:v1:` + base64(iv ‖ AES-GCM ciphertext), bound to [appKey, id, field]).
 */
function storedUsers(page: Page): Promise<{ id: string; state: string; accessToken: string | null }[]> {
  return page.evaluate(async () => {
    const read = <T>(db: string, store: string, key?: string): Promise<T> =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open(db);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const d = open.result;
          const os = d.transaction(store).objectStore(store);
          const get = key === undefined ? os.getAll() : os.get(key);
          get.onsuccess = () => {
            d.close();
            resolve(get.result as T);
          };
          get.onerror = () => reject(get.error);
        };
      });
    type Row = { appKey: string; id: string; state: string; accessToken: string | null };
    const rows = await read<Row[]>("realm-tabs", "users");
    const key = await read<CryptoKey | undefined>("realm-tabs-keys", "keys", "session-tokens");
    const unseal = async (u: Row): Promise<string | null> => {
      if (u.accessToken === null || !u.accessToken.startsWith("sealed:v1:") || !key) return u.accessToken;
      const bytes = Uint8Array.from(atob(u.accessToken.slice("sealed:v1:".length)), (c) => c.charCodeAt(0));
      const additionalData = new TextEncoder().encode(JSON.stringify([u.appKey, u.id, "accessToken"]));
      const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12), additionalData }, key, bytes.slice(12));
      return new TextDecoder().decode(plain);
    };
    return Promise.all(rows.map(async (u) => ({ id: u.id, state: u.state, accessToken: await unseal(u) })));
  });
}

/** `stats().refreshes` of the runtime this page is connected to. */
function runtimeRefreshes(page: Page): Promise<number> {
  return page.evaluate(async () => (await window.realmTabs!.app.stats()).refreshes);
}

test("two builds with different workers: one refresh per expiry, one consistent store, the older tab is told", async ({
  context,
  stack,
  browser,
}) => {
  test.setTimeout(90_000);
  const server = await startTestServer({ accessTokenTtlSeconds: 2, functionsDir: FUNCTIONS_DIR });
  try {
    const url = testPageUrl(stack.page, server);
    const a = await openTab(context, url);
    await a.evaluate(() => {
      const w = window as unknown as { outdated: unknown[] };
      w.outdated = [];
      window.realmTabs!.app.addEventListener("outdated", (d) => w.outdated.push(d));
    });
    const id = await a.evaluate(async () => (await window.realmTabs!.app.logIn(window.realmTabs!.Credentials.anonymous())).id);
    const b = await openTab(context, `${url}&build=B`);
    await expect.poll(async () => (await tabView(b)).currentUserId).toBe(id); // build B's runtime loaded the store
    expect((await sharedWorkerUrls(browser)).length).toBe(2);
    // the older tab (A) is told that build B was opened; B is not told anything
    await expect
      .poll(() => a.evaluate(() => (window as unknown as { outdated: { buildId: string }[] }).outdated.map((d) => d.buildId)))
      .toEqual(["build-B"]);
    await b.evaluate(() => {
      const w = window as unknown as { outdated: unknown[] };
      w.outdated = [];
      window.realmTabs!.app.addEventListener("outdated", (d) => w.outdated.push(d)); // sticky: a past one is replayed
    });
    // no sleep for the negative: A posts a probe (an older build's notice) after it was told; B answers
    // it only after handling everything A sent before, so once B's answer is heard, B has seen all of A
    await a.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const channel = new BroadcastChannel("realm-tabs:builds");
          channel.onmessage = (e: MessageEvent) => {
            if ((e.data as { buildId?: string } | null)?.buildId === "build-B") {
              channel.close();
              resolve();
            }
          };
          channel.postMessage({ ns: "realm-tabs-builds/1", buildId: "probe-older-build", startedAt: 0 });
        }),
    );
    const bOutdated = (await b.evaluate(() => (window as unknown as { outdated: unknown[] }).outdated)).length > 0;
    expect(bOutdated).toBe(false);

    await server.resetCounters();
    const started = Date.now();
    const tokens = new Set<string>();
    await expect
      .poll(
        async () => {
          for (const tab of [a, b]) {
            const token = (await tabView(tab)).users[0]?.accessToken;
            if (token) tokens.add(token);
          }
          return Date.now() - started >= 10_000 && tokens.size >= 5;
        },
        { timeout: 30_000, intervals: [250] },
      )
      .toBe(true);
    const { refreshes } = await server.counters();
    const seconds = (Date.now() - started) / 1000;
    const [byA, byB] = [await runtimeRefreshes(a), await runtimeRefreshes(b)];
    test.info().annotations.push({
      type: "measured",
      description: `${refreshes} refreshes in ${seconds.toFixed(1)} s, two runtimes (${byA} by A's, ${byB} by B's since they started), 2 s TTL`,
    });
    // one runtime refreshes about once per 2 s expiry; two uncoordinated runtimes would double it
    expect(refreshes).toBeLessThanOrEqual(Math.ceil(seconds / 2) + 2);

    // both builds agree with each other and with the store, and the session still works in both
    await expect
      .poll(
        async () => {
          const [va, vb, stored] = [await tabView(a), await tabView(b), await storedUsers(a)];
          return (
            va.users[0]?.accessToken === vb.users[0]?.accessToken &&
            stored.length === 1 &&
            stored[0]!.accessToken === va.users[0]?.accessToken &&
            stored[0]!.state === "LoggedIn"
          );
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    for (const tab of [a, b]) {
      expect(await tab.evaluate(() => window.realmTabs!.app.currentUser!.functions.sum!(1, 1))).toBe(2);
    }
  } finally {
    await server.close();
  }
});
