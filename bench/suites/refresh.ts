/**
 * Benchmark 1: refresh requests per access-token expiry with N tabs open and calling. Runs over the
 * cross-browser driver, so the same code measures Chromium and Firefox (`env.driver`).
 * @packageDocumentation
 */
import { setTimeout as pause } from "node:timers/promises";
import { LIBS, titleFor, type BenchEnv } from "../lib/env.js";
import type { Section } from "../lib/report.js";
import { fmt, ratio } from "../lib/stats.js";
import { closeTabs, openSignedInBenchTabs } from "../lib/tabs.js";

const TICK_MS = 1000;

/** Runs N tabs of one library for K lifetimes; returns refresh requests and call counts. */
async function runOnce(env: BenchEnv, page: "tabs" | "web", tabs: number): Promise<{ refreshes: number; calls: number; failures: number }> {
  const { sizes, shortTtlServer: server } = env;
  const context = await env.driver.newContext();
  try {
    const { tabs: pages } = await openSignedInBenchTabs(env.driver, context, env.url(page, server), tabs);
    await server.resetCounters();
    await Promise.all(pages.map((p) => p.evaluate((ms) => window.bench!.startTicker(ms), TICK_MS)));
    // the measurement window itself: the tabs run their tickers for a fixed number of token lifetimes
    await pause(sizes.refreshLifetimes * sizes.refreshTtlSeconds * 1000);
    const stats = await Promise.all(pages.map((p) => p.evaluate(() => window.bench!.stopTicker())));
    const { refreshes } = await server.counters();
    await closeTabs(pages);
    return { refreshes, calls: stats.reduce((a, s) => a + s.calls, 0), failures: stats.reduce((a, s) => a + s.failures, 0) };
  } finally {
    await context.close();
  }
}

/** Benchmark 1. */
export async function refreshBenchmark(env: BenchEnv): Promise<Section> {
  const { sizes } = env;
  const rows: string[][] = [];
  for (const n of sizes.refreshTabs) {
    const per: Record<string, number> = {};
    const cells: string[] = [String(n)];
    for (const lib of LIBS) {
      env.log(`refresh (${env.driver.browserName}): ${lib.name}, ${n} tabs`);
      const r = await runOnce(env, lib.page, n);
      per[lib.page] = r.refreshes / sizes.refreshLifetimes;
      cells.push(`${r.refreshes} (${fmt(r.refreshes / sizes.refreshLifetimes)})`, `${r.calls} / ${r.failures}`);
    }
    cells.push(ratio(per.web ?? Number.NaN, per.tabs ?? Number.NaN));
    rows.push(cells);
  }
  return {
    title: titleFor("Refresh requests per access-token expiry", env),
    workload:
      `${env.driverBrowser}. Server access-token lifetime ${sizes.refreshTtlSeconds} s. N tabs of one browser context share one anonymous user (logged in in the first tab, restored in the others); ` +
      `every tab calls \`user.functions.echo({n:1,s:"hello"})\` every ${TICK_MS} ms (first call at a random offset) for ${sizes.refreshLifetimes} lifetimes ` +
      `(${sizes.refreshLifetimes * sizes.refreshTtlSeconds} s). Refresh requests are the server's admin counter of \`POST /auth/session\`, reset after the tabs are open.`,
    header: [
      "tabs N",
      "realm-tabs refreshes (per expiry)",
      "realm-tabs calls / failed",
      "realm-web refreshes (per expiry)",
      "realm-web calls / failed",
      "realm-web ÷ realm-tabs",
    ],
    rows,
    notes: [
      "realm-tabs refreshes in the SharedWorker, a fifth of the lifetime before expiry, once for all tabs; realm-web refreshes in each tab that gets a 401 for its own in-memory token.",
      "Per expiry = refresh requests ÷ lifetimes; a value below N for realm-web means some tabs did not call after a given expiry before the window closed.",
    ],
  };
}
