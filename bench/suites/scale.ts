/**
 * Benchmark 7: scale — up to 50 tabs of one context calling functions; call latency, SharedWorker
 * heap and the tabs' heaps as tabs grow.
 * @packageDocumentation
 */
import type { Page } from "playwright-core";
import { closeAll, openSignedInTabs, openTab, pageHeap, sharedWorkerHeap } from "../lib/browser.js";
import { LIBS, type BenchEnv } from "../lib/env.js";
import type { Section } from "../lib/report.js";
import { fmt, summarize } from "../lib/stats.js";

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Grows one library's tabs through the levels; one row per level reached. */
async function grow(env: BenchEnv, page: "tabs" | "web", name: string): Promise<{ rows: string[][]; limit: string | null }> {
  const url = env.url(page, env.server);
  const context = await env.browser.newContext();
  const rows: string[][] = [];
  let pages: Page[] = [];
  try {
    pages = (await openSignedInTabs(context, url, 1)).pages;
    for (const level of env.sizes.scaleLevels) {
      env.log(`scale: ${name}, ${level} tabs`);
      const t0 = Date.now();
      try {
        while (pages.length < level) pages.push(await openTab(context, url, true));
      } catch (error) {
        return { rows, limit: `stopped at ${pages.length} tabs: opening tab ${pages.length + 1} failed (${String(error).split("\n")[0]})` };
      }
      const openS = (Date.now() - t0) / 1000;
      const all = await Promise.all(pages.map((p) => p.evaluate((c) => window.bench!.echo("small", c), env.sizes.scaleCallsPerTab)));
      const s = summarize(all.flat());
      const worker = page === "tabs" ? mib(await sharedWorkerHeap(env.browser)) : "– (none)";
      const heaps = await Promise.all(pages.map(pageHeap));
      const tabSum = heaps.reduce((a, b) => a + b, 0);
      rows.push([
        name,
        String(level),
        String(s.n),
        fmt(s.p50, " ms"),
        fmt(s.p95, " ms"),
        fmt(s.max, " ms"),
        worker,
        mib(tabSum / heaps.length),
        mib(tabSum),
        `${openS.toFixed(1)} s`,
      ]);
    }
    return { rows, limit: null };
  } finally {
    await closeAll(pages);
    await context.close();
  }
}

/** Benchmark 7. */
export async function scaleBenchmark(env: BenchEnv): Promise<Section> {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const lib of LIBS) {
    const r = await grow(env, lib.page, lib.name);
    rows.push(...r.rows);
    notes.push(r.limit ? `${lib.name}: ${r.limit}.` : `${lib.name}: reached ${env.sizes.scaleLevels.at(-1)} tabs.`);
  }
  return {
    title: "Scale: many tabs in one context",
    workload:
      `One browser context, one signed-in user; tabs are opened one after the other up to ${env.sizes.scaleLevels.join(", ")}. At each level every tab makes ` +
      `${env.sizes.scaleCallsPerTab} sequential \`echo({n:1,s:"hello"})\` calls, all tabs at once (samples = tabs × calls). ` +
      "Heaps are CDP `Runtime.getHeapUsage` used sizes, no forced GC: the SharedWorker's (attached, read, detached at once) and each tab's.",
    header: [
      "library",
      "tabs",
      "calls",
      "p50",
      "p95",
      "max",
      "SharedWorker heap",
      "heap per tab",
      "heap of all tabs",
      "time to open the new tabs",
    ],
    rows,
    notes,
  };
}
