/**
 * A SharedWorker that cannot load is reported as `worker-unavailable` before the App's deadline.
 * @packageDocumentation
 */
import assert from "node:assert/strict";
import type { Scenario } from "./scenario.js";
import { openTab } from "./tabs.js";

/** A SharedWorker that cannot load is reported as `worker-unavailable`. */
export const workerFailsToLoad: Scenario = {
  title: "a SharedWorker that fails to load rejects ready with worker-unavailable, before the deadline",
  timeout: 60_000,
  async run({ driver, context, url, server }) {
    const tab = await openTab(driver, context, url);
    const outcome = await tab.evaluate(async (baseUrl) => {
      const { App } = window.realmTabs!;
      const started = performance.now();
      const app = new App({
        id: "broken",
        baseUrl,
        timeoutMs: 20_000,
        worker: () => new SharedWorker("/no-such-worker.js", { type: "module", name: "broken" }),
      });
      const error = (await app.ready.catch((e: unknown) => e)) as { code?: string };
      return { code: error?.code, ms: performance.now() - started };
    }, server.url);
    assert.equal(outcome.code, "worker-unavailable");
    assert.ok(outcome.ms < 20_000, `reported after ${outcome.ms.toFixed(0)} ms, before the 20 s deadline`);
  },
};
