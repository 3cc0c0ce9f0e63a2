/**
 * Benchmark 4: attach time, from navigation start to a usable `app.currentUser`, with the
 * realm-tabs worker warm (another tab open) and cold (no tab open, worker stopped), against
 * realm-web reading localStorage, in interleaved repetitions (one tab of each library in turn).
 * @packageDocumentation
 */
import type { BrowserContext, Page } from "playwright-core";
import { closeAll, openSignedInTabs, openTab, waitNoSharedWorker } from "../lib/browser.js";
import type { BenchEnv } from "../lib/env.js";
import type { Section } from "../lib/report.js";
import { ratioSpread, spread } from "../lib/stats.js";

type Lib = "tabs" | "web";
interface Times {
  attach: number[];
  ready: number[];
}

/** Opens a tab, reads its attach and ready times, closes it. */
async function attachOnce(context: BrowserContext, url: string, into: Times): Promise<void> {
  const page = await openTab(context, url, true);
  const { attachMs, readyMs } = await page.evaluate(() => ({ attachMs: window.bench!.attachMs, readyMs: window.bench!.readyMs }));
  await page.close();
  if (attachMs === null || readyMs === null) throw new Error("the tab restored no user");
  into.attach.push(attachMs);
  into.ready.push(readyMs);
}

/** Benchmark 4. */
export async function attachBenchmark(env: BenchEnv): Promise<Section> {
  const repeats = Math.max(env.sizes.attachRepeats, env.sizes.repetitions);
  const libs: Lib[] = ["tabs", "web"];
  const url = (lib: Lib): string => env.url(lib, env.server);
  const contexts = { tabs: await env.browser.newContext(), web: await env.browser.newContext() };
  const warm: Record<Lib, Times> = { tabs: { attach: [], ready: [] }, web: { attach: [], ready: [] } };
  const cold: Record<Lib, Times> = { tabs: { attach: [], ready: [] }, web: { attach: [], ready: [] } };
  try {
    const holders: Page[] = [];
    for (const lib of libs) holders.push(...(await openSignedInTabs(contexts[lib], url(lib), 1)).pages);
    env.log(`attach: warm, ${repeats} interleaved repetitions`);
    for (let i = 0; i < repeats; i += 1) {
      for (const lib of i % 2 === 0 ? libs : [...libs].reverse()) await attachOnce(contexts[lib], url(lib), warm[lib]);
    }
    await closeAll(holders);
    env.log(`attach: cold, ${repeats} interleaved repetitions`);
    for (let i = 0; i < repeats; i += 1) {
      for (const lib of i % 2 === 0 ? libs : [...libs].reverse()) {
        if (lib === "tabs") await waitNoSharedWorker(env.browser);
        await attachOnce(contexts[lib], url(lib), cold[lib]);
      }
    }
  } finally {
    await Promise.all([contexts.tabs.close(), contexts.web.close()]);
  }
  const row = (label: string, times: Record<Lib, Times>): string[][] => [
    [
      `${label}: \`currentUser\` usable`,
      `${repeats}`,
      spread(times.tabs.attach, " ms"),
      spread(times.web.attach, " ms"),
      ratioSpread(times.tabs.attach, times.web.attach),
    ],
    [
      `${label}: state confirmed (\`app.ready\`)`,
      `${repeats}`,
      spread(times.tabs.ready, " ms"),
      spread(times.web.ready, " ms"),
      ratioSpread(times.tabs.ready, times.web.ready),
    ],
  ];
  return {
    title: "Attach time",
    workload:
      `A new tab of the built page (served from 127.0.0.1) with a user already signed in; time = \`performance.now()\` (ms since navigation start) when \`app.currentUser\` is first usable: ` +
      `right after \`new App()\` for both libraries (realm-web reads localStorage; realm-tabs reads the last known state it keeps there, without the refresh token). ` +
      `The "state confirmed" rows add when realm-tabs' \`app.ready\` resolved (the runtime's snapshot arrived); realm-web has no such step, so its column repeats its attach time. ` +
      `Warm: another tab of the app is open (the SharedWorker runs and holds the session). Cold: no tab is open and the SharedWorker has stopped (checked over CDP), so the new tab starts the worker, which reads IndexedDB. ` +
      `${repeats} interleaved repetitions: one new tab of each library in turn, the order swapped every other repetition.`,
    header: ["case", "tabs each", "realm-tabs median (range)", "realm-web median (range)", "tabs ÷ web, median of pairs (range)"],
    rows: [...row("warm", warm), ...row("cold", cold)],
    notes: [
      "Both include loading and evaluating the page's module (realm-tabs' initial scripts are about half of realm-web's: see Bundle size). For realm-tabs, `app.ready` then waits for the SharedWorker (cold: it fetches and evaluates the worker bundle and opens IndexedDB) and the state snapshot over Comlink.",
    ],
  };
}
