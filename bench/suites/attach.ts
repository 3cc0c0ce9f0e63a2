/**
 * Benchmark 4: attach time, from navigation start to a restored `app.currentUser`, with the
 * realm-tabs worker warm (another tab open) and cold (no tab open, worker stopped), against
 * realm-web reading localStorage.
 * @packageDocumentation
 */
import type { Browser, BrowserContext } from "playwright-core";
import { closeAll, openSignedInTabs, openTab, waitNoSharedWorker } from "../lib/browser.js";
import type { BenchEnv } from "../lib/env.js";
import type { Section } from "../lib/report.js";
import { fmt, ratio, summarize, type Summary } from "../lib/stats.js";

/** Opens a tab, reads its attach time, closes it. */
async function attachOnce(context: BrowserContext, url: string): Promise<number> {
  const page = await openTab(context, url, true);
  const ms = await page.evaluate(() => window.bench!.attachMs);
  await page.close();
  if (ms === null) throw new Error("the tab restored no user");
  return ms;
}

/** `repeats` attach times with one other tab open (warm) and with none (cold). */
async function measure(env: BenchEnv, browser: Browser, page: "tabs" | "web"): Promise<{ warm: Summary; cold: Summary }> {
  const url = env.url(page, env.server);
  const context = await browser.newContext();
  try {
    const { pages } = await openSignedInTabs(context, url, 1);
    const warm: number[] = [];
    for (let i = 0; i < env.sizes.attachRepeats; i += 1) warm.push(await attachOnce(context, url));
    await closeAll(pages);
    const cold: number[] = [];
    for (let i = 0; i < env.sizes.attachRepeats; i += 1) {
      if (page === "tabs") await waitNoSharedWorker(browser);
      cold.push(await attachOnce(context, url));
    }
    return { warm: summarize(warm), cold: summarize(cold) };
  } finally {
    await context.close();
  }
}

/** Benchmark 4. */
export async function attachBenchmark(env: BenchEnv): Promise<Section> {
  env.log("attach: realm-tabs");
  const t = await measure(env, env.browser, "tabs");
  env.log("attach: realm-web");
  const w = await measure(env, env.browser, "web");
  const row = (label: string, a: Summary, b: Summary): string[] => [
    label,
    String(a.n),
    fmt(a.p50, " ms"),
    fmt(a.p95, " ms"),
    fmt(b.p50, " ms"),
    fmt(b.p95, " ms"),
    ratio(a.p50, b.p50),
  ];
  return {
    title: "Attach time",
    workload:
      `A new tab of the built page (served from 127.0.0.1) with a user already signed in; time = \`performance.now()\` (ms since navigation start) when \`app.currentUser\` is first available: ` +
      `realm-tabs after \`await app.ready\`, realm-web right after \`new Realm.App()\` (it reads localStorage synchronously). ` +
      `Warm: another tab of the app is open (the SharedWorker runs and holds the session). Cold: no tab is open and the SharedWorker has stopped (checked over CDP), so the new tab starts the worker, which reads IndexedDB. ` +
      `${env.sizes.attachRepeats} tabs each.`,
    header: ["case", "tabs", "realm-tabs p50", "realm-tabs p95", "realm-web p50", "realm-web p95", "p50 tabs ÷ web"],
    rows: [row("warm (another tab open)", t.warm, w.warm), row("cold (no tab open)", t.cold, w.cold)],
    notes: [
      "Both include loading and evaluating the page's module; realm-tabs then starts or connects to the SharedWorker (cold: fetches and evaluates the worker bundle, opens IndexedDB) and waits for the state snapshot over Comlink.",
    ],
  };
}
