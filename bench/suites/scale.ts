/**
 * Benchmark 7: scale — up to 50 tabs of one context calling functions at once; call latency over
 * interleaved repetitions of both libraries, SharedWorker heap and the tabs' heaps as tabs grow.
 * @packageDocumentation
 */
import type { BrowserContext, Page } from "playwright-core";
import { closeAll, openSignedInTabs, openTab, pageHeap, sharedWorkerHeap } from "../lib/browser.js";
import { LIBS, type BenchEnv } from "../lib/env.js";
import type { Section } from "../lib/report.js";
import { ratioSpread, spread, summarize } from "../lib/stats.js";

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** One library's context and its open tabs. */
interface Side {
  page: "tabs" | "web";
  name: string;
  url: string;
  context: BrowserContext;
  pages: Page[];
  /** Why it stopped growing (null while it grows). */
  limit: string | null;
}

/** Opens tabs of `side` until it has `level`; returns the seconds it took, or null if opening one failed. */
async function growTo(side: Side, level: number): Promise<number | null> {
  const t0 = Date.now();
  try {
    while (side.pages.length < level) side.pages.push(await openTab(side.context, side.url, true));
  } catch (error) {
    side.limit = `stopped at ${side.pages.length} tabs: opening tab ${side.pages.length + 1} failed (${String(error).split("\n")[0]})`;
    return null;
  }
  return (Date.now() - t0) / 1000;
}

/** Every tab of `side` makes its calls at once; resolves to the p50 and p95 of all of them. */
async function callAtOnce(env: BenchEnv, side: Side): Promise<{ p50: number; p95: number; n: number }> {
  const all = await Promise.all(side.pages.map((p) => p.evaluate((c) => window.bench!.echo("small", c), env.sizes.scaleCallsPerTab)));
  return summarize(all.flat());
}

/** Benchmark 7. */
export async function scaleBenchmark(env: BenchEnv): Promise<Section> {
  const rows: string[][] = [];
  const sides: Side[] = [];
  try {
    for (const lib of LIBS) {
      const url = env.url(lib.page, env.server);
      const context = await env.browser.newContext();
      const side: Side = { ...lib, url, context, pages: [], limit: null };
      sides.push(side);
      side.pages = (await openSignedInTabs(context, url, 1)).pages;
    }
    const [tabs, web] = sides as [Side, Side];
    for (const level of env.sizes.scaleLevels) {
      env.log(`scale: ${level} tabs of each library`);
      const openTabsS = await growTo(tabs, level);
      const openWebS = await growTo(web, level);
      if (openTabsS === null || openWebS === null) break;
      const p50: Record<"tabs" | "web", number[]> = { tabs: [], web: [] };
      const p95: Record<"tabs" | "web", number[]> = { tabs: [], web: [] };
      let calls = 0;
      for (let rep = 0; rep < env.sizes.repetitions; rep += 1) {
        for (const side of rep % 2 === 0 ? [tabs, web] : [web, tabs]) {
          const s = await callAtOnce(env, side);
          p50[side.page].push(s.p50);
          p95[side.page].push(s.p95);
          if (side === tabs) calls += s.n;
        }
      }
      const workerHeap = await sharedWorkerHeap(env.browser, true);
      const tabHeaps = await Promise.all(tabs.pages.map(pageHeap));
      const webHeaps = await Promise.all(web.pages.map(pageHeap));
      const perTab = (heaps: number[]): string => mib(heaps.reduce((a, b) => a + b, 0) / heaps.length);
      rows.push([
        String(level),
        String(calls),
        spread(p50.tabs, " ms"),
        spread(p95.tabs, " ms"),
        spread(p50.web, " ms"),
        spread(p95.web, " ms"),
        ratioSpread(p95.tabs, p95.web),
        mib(workerHeap),
        `${perTab(tabHeaps)} / ${perTab(webHeaps)}`,
        `${openTabsS.toFixed(1)} s / ${openWebS.toFixed(1)} s`,
      ]);
    }
  } finally {
    for (const side of sides) {
      await closeAll(side.pages);
      await side.context.close();
    }
  }
  const last = env.sizes.scaleLevels.at(-1);
  return {
    title: "Scale: many tabs in one context",
    workload:
      `Two browser contexts, one per library, each with one signed-in user; both grow tab by tab to ${env.sizes.scaleLevels.join(", ")} tabs and stay open. ` +
      `At each level, ${env.sizes.repetitions} interleaved repetitions: every tab of one library makes ${env.sizes.scaleCallsPerTab} sequential \`echo({n:1,s:"hello"})\` calls, all its tabs at once, then the same for the other library (the order swapped every other repetition). ` +
      "Each latency cell is the median over the repetitions of that repetition's p50 or p95 (its samples = tabs × calls), with the lowest and highest repetition in brackets; the ratio is the median of the per-repetition ratios. " +
      "Heaps are CDP `Runtime.getHeapUsage` used sizes after the repetitions: the SharedWorker's after a forced GC (`HeapProfiler.collectGarbage`; attached, read, detached at once), each tab's without one.",
    header: [
      "tabs of each",
      "realm-tabs calls",
      "realm-tabs p50",
      "realm-tabs p95",
      "realm-web p50",
      "realm-web p95",
      "p95 tabs ÷ web",
      "SharedWorker heap",
      "heap per tab (tabs / web)",
      "time to open the new tabs (tabs / web)",
    ],
    rows,
    notes: sides.map((s) => (s.limit ? `${s.name}: ${s.limit}.` : `${s.name}: reached ${last} tabs.`)),
  };
}
