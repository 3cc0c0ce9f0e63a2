/**
 * Two tabs watching one collection share one server stream, see each other's inserts, and release
 * the stream when both loops end.
 * @packageDocumentation
 */
import assert from "node:assert/strict";
import type { Tab } from "../drivers/driver.js";
import type { Scenario } from "./scenario.js";
import { logInAnonymously, openTabs, runtimeStats, tabsAgree } from "./tabs.js";

const SERVICE = "mongodb-atlas";
const COLLECTION = "watched";

interface WatchState {
  seen: number[];
  ended: boolean;
  error: string | null;
}

/** Starts `for await (… of collection.watch())` in the tab; `fullDocument.n` of each event goes to `window.__watch.seen`. */
function startWatch(tab: Tab): Promise<void> {
  return tab.evaluate(
    ({ service, collection }) => {
      const coll = window.realmTabs!.app.currentUser!.mongoClient(service).db("scenarios").collection(collection);
      const state = { seen: [] as number[], stop: false, ended: false, error: null as string | null };
      (window as unknown as { __watch: typeof state }).__watch = state;
      void (async () => {
        try {
          for await (const change of coll.watch()) {
            if (change.operationType === "insert") state.seen.push((change.fullDocument as { n: number }).n);
            if (state.stop) break;
          }
        } catch (e) {
          state.error = String(e);
        }
        state.ended = true;
      })();
    },
    { service: SERVICE, collection: COLLECTION },
  );
}

const watchState = (tab: Tab): Promise<WatchState> =>
  tab.evaluate(() => {
    const { seen, ended, error } = (window as unknown as { __watch: WatchState }).__watch;
    return { seen: [...seen], ended, error };
  });

function insert(tab: Tab, n: number): Promise<void> {
  return tab.evaluate(
    async ({ service, collection, n }) => {
      await window.realmTabs!.app.currentUser!.mongoClient(service).db("scenarios").collection(collection).insertOne({ n });
    },
    { service: SERVICE, collection: COLLECTION, n },
  );
}

/** Two watching tabs share one server stream. */
export const sharedWatchStream: Scenario = {
  title: "two tabs watching one collection share ONE server stream, see each other's inserts, and release it on break",
  timeout: 60_000,
  async run({ driver, context, url, server }) {
    const [a, b] = await openTabs(driver, context, url, 2);
    await logInAnonymously(a!);
    await tabsAgree(driver, [a!, b!], (v) => v.currentUserId !== null);
    await startWatch(a!);
    await startWatch(b!);
    // probes (n = 0) until both loops got one: then both are subscribed
    await driver.waitUntil(
      async () => {
        await insert(a!, 0);
        return Promise.all([a!, b!].map(watchState));
      },
      (states) => states.every((s) => s.seen.includes(0)),
      { message: "both tabs are watching", timeout: 20_000 },
    );
    assert.equal((await server.counters()).openStreams, 1, "one server stream for both tabs");
    assert.equal((await runtimeStats(a!)).openStreams, 1);
    await insert(a!, 1);
    await insert(b!, 2);
    for (const [i, tab] of [a!, b!].entries()) {
      await driver.waitUntil(
        async () => (await watchState(tab)).seen.filter((n) => n > 0),
        (s) => s.join() === "1,2",
        { message: `tab ${i} saw inserts 1 and 2 in order` },
      );
    }
    // both loops break at the next event
    for (const tab of [a!, b!])
      await tab.evaluate(() => {
        (window as unknown as { __watch: { stop: boolean } }).__watch.stop = true;
      });
    await insert(a!, 3);
    for (const [i, tab] of [a!, b!].entries()) {
      await driver.waitUntil(
        () => watchState(tab),
        (s) => s.ended,
        { message: `tab ${i}'s watch loop ended` },
      );
    }
    await driver.waitUntil(
      async () => (await server.counters()).openStreams,
      (n) => n === 0,
      { message: "the server stream is closed" },
    );
    assert.equal((await watchState(a!)).error, null);
  },
};
