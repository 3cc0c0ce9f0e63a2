/**
 * Tab liveness: a tab that closes without a word (its watch loop still running) is noticed by the
 * runtime through the Web Lock the tab held, which frees its place in the live-tab count and its
 * server stream.
 * @packageDocumentation
 */
import type { Tab } from "../drivers/driver.js";
import type { Scenario } from "./scenario.js";
import { logInAnonymously, openTabs, runtimeStats, tabsAgree } from "./tabs.js";

/** Starts a watch of `collection` that never ends by itself; events' `n` go to `window.__seen`. */
function watchForever(tab: Tab, collection: string): Promise<void> {
  return tab.evaluate((collection) => {
    const seen: number[] = [];
    (window as unknown as { __seen: number[] }).__seen = seen;
    const coll = window.realmTabs!.app.currentUser!.mongoClient("mongodb-atlas").db("liveness").collection(collection);
    void (async () => {
      for await (const change of coll.watch()) if (change.operationType === "insert") seen.push((change.fullDocument as { n: number }).n);
    })().catch(() => undefined);
  }, collection);
}

function insert(tab: Tab, collection: string, n: number): Promise<void> {
  return tab.evaluate(
    async ({ collection, n }) => {
      await window.realmTabs!.app.currentUser!.mongoClient("mongodb-atlas").db("liveness").collection(collection).insertOne({ n });
    },
    { collection, n },
  );
}

/** A closed tab leaves the live-tab count and gives back its stream. */
export const closedTabFreed: Scenario = {
  title: "closing a watching tab frees its place in the live-tab count and its server stream",
  timeout: 60_000,
  async run({ driver, context, url, server }) {
    const [a, b, c] = await openTabs(driver, context, url, 3);
    await logInAnonymously(a!);
    await tabsAgree(driver, [a!, b!, c!], (v) => v.currentUserId !== null);
    await watchForever(a!, "watched-a");
    await watchForever(b!, "watched-b"); // another collection: a stream of its own
    await driver.waitUntil(
      async () => {
        await insert(a!, "watched-a", 1);
        await insert(a!, "watched-b", 1);
        return Promise.all([a!, b!].map((t) => t.evaluate(() => (window as unknown as { __seen: number[] }).__seen.length)));
      },
      (seen) => seen.every((n) => n > 0),
      { message: "both tabs are watching", timeout: 20_000 },
    );
    const stats = async () => {
      const { tabs, openStreams } = await runtimeStats(a!);
      return { tabs, openStreams, serverStreams: (await server.counters()).openStreams };
    };
    await driver.waitUntil(stats, (s) => s.tabs === 3 && s.openStreams === 2 && s.serverStreams === 2, {
      message: "3 live tabs and 2 streams",
    });
    await c!.close(); // held no stream
    await driver.waitUntil(stats, (s) => s.tabs === 2 && s.openStreams === 2, { message: "the closed tab left the live-tab count" });
    await b!.close(); // never stopped its watch: only its liveness lock tells the runtime
    await driver.waitUntil(stats, (s) => s.tabs === 1 && s.openStreams === 1 && s.serverStreams === 1, {
      message: "the closed watching tab's stream is freed",
    });
  },
};
