/**
 * Benchmark 10: inside the SharedWorker. Per function call, the time it spends in the worker
 * (queueing plus processing, timed by the probe worker: pages/probe/) with one tab calling and with
 * many tabs calling at once; and the worker's heap, after a forced garbage collection, before and
 * after many calls and many login/logout cycles.
 * @packageDocumentation
 */
import type { Page } from "playwright-core";
import { closeAll, inSharedWorker, openSignedInTabs, openTab, sharedWorkerHeap } from "../lib/browser.js";
import type { BenchEnv } from "../lib/env.js";
import type { Section } from "../lib/report.js";
import { fmt, median, spread, summarize, type Summary } from "../lib/stats.js";
import { emptyCallTimes, type CallTimes } from "../pages/probe/timing.js";
import { measureOffsets, offsetsNote } from "../lib/clocks.js";

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
const signedMib = (bytes: number): string => `${bytes >= 0 ? "+" : "−"}${mib(Math.abs(bytes))}`;

/** Takes (and clears) the call times the probe worker recorded. */
async function takeTimes(env: BenchEnv): Promise<CallTimes> {
  const r = await inSharedWorker<{ result: { value: CallTimes } }>(env.browser, "Runtime.evaluate", {
    expression: "globalThis.probe.take()",
    returnByValue: true,
  });
  return r.result.value;
}

/** One repetition of one case: its calls' time in the worker, HTTP time and end-to-end time. */
interface Rep {
  calls: number;
  own: Summary;
  net: Summary;
  end: Summary;
}

/** Summarises one repetition, and adds its worker times to `all`. */
function repOf(endToEnd: number[], t: CallTimes, all: CallTimes): Rep {
  for (const key of Object.keys(all) as (keyof CallTimes)[]) all[key].push(...t[key]);
  const own = summarize(t.inWorker);
  return { calls: own.n, own, net: summarize(t.network), end: summarize(endToEnd) };
}

const echoAll = (pages: Page[], count: number): Promise<number[][]> =>
  Promise.all(pages.map((p) => p.evaluate((c) => window.bench!.echo("small", c), count)));

/** Benchmark 10. */
export async function workerBenchmark(env: BenchEnv): Promise<Section> {
  const { sizes } = env;
  const url = env.url("probe", env.server);
  const context = await env.browser.newContext();
  let pages: Page[] = [];
  const rows: string[][] = [];
  const heapRows: string[] = [];
  try {
    pages = (await openSignedInTabs(context, url, 1)).pages;
    const first = pages[0]!;
    while (pages.length < sizes.workerTabs) pages.push(await openTab(context, url, true));
    // from here each tab stamps its posts on the worker's clock (pages/clock.ts)
    const offsets = await measureOffsets(pages.map((p) => () => p.evaluate(() => window.bench!.clockOffset!())));
    await echoAll(pages, 2); // warm-up
    await takeTimes(env);
    // per repetition: 1 tab calling in a row (the others open and idle), then every tab at once
    const solo: Rep[] = [];
    const many: Rep[] = [];
    const soloAll = emptyCallTimes();
    const manyAll = emptyCallTimes();
    for (let rep = 0; rep < sizes.repetitions; rep += 1) {
      env.log(
        `worker: repetition ${rep + 1}: ${sizes.workerSoloCalls} calls from 1 tab, then ${sizes.workerCallsPerTab} from each of ${pages.length} tabs at once`,
      );
      const soloEnd = (await echoAll([first], sizes.workerSoloCalls)).flat();
      solo.push(repOf(soloEnd, await takeTimes(env), soloAll));
      const manyEnd = (await echoAll(pages, sizes.workerCallsPerTab)).flat();
      many.push(repOf(manyEnd, await takeTimes(env), manyAll));
    }
    const row = (tabs: number, reps: Rep[]): string[] => [
      String(tabs),
      String(reps.reduce((n, r) => n + r.calls, 0)),
      ...(["own", "net", "end"] as const).flatMap((part) => [
        spread(
          reps.map((r) => r[part].p50),
          " ms",
        ),
        spread(
          reps.map((r) => r[part].p95),
          " ms",
        ),
      ]),
    ];
    rows.push(row(1, solo), row(pages.length, many));
    const phases = (tabs: number, t: CallTimes): string => {
      const part = (name: string, xs: number[]): string => {
        const s = summarize(xs);
        return `${name} p50 ${fmt(s.p50, " ms")}, p95 ${fmt(s.p95, " ms")}`;
      };
      return `${tabs} tab${tabs === 1 ? "" : "s"}: ${part("hop in and queue", t.hopIn)}; ${part("before the request", t.beforeFetch)}; ${part("after the answer", t.afterFetch)}`;
    };
    heapRows.push(
      `Where a call's time in the worker goes (all repetitions' calls together) — ${phases(1, soloAll)}. ${phases(pages.length, manyAll)}.`,
    );
    heapRows.push(offsetsNote(offsets));
    // The tab's stamp is on the worker's clock within half a ping's round trip (0.1 ms steps with
    // jitter, so single calls may read a little below zero); a one-tab median below zero means the
    // correction failed.
    const soloHopIn = summarize(soloAll.hopIn).p50;
    if (soloHopIn < 0) {
      heapRows.push(
        `**Not valid: the tab's and the worker's clocks disagree.** The one-tab calls' median hop in is ${fmt(soloHopIn, " ms")} after the clock correction: they arrived before they were sent, so every time that starts at the tab's stamp (in the worker, hop in) is off by that much. Run this section again (\`--only=worker\`).`,
      );
    }
    const ratios = many.map((r, i) => r.own.p95 / (solo[i]?.own.p95 ?? Number.NaN));
    // the heap phases need no 50 renderers competing for the cores: keep the first tab and one more (which gets every push)
    await closeAll(pages.splice(2));

    const before = await sharedWorkerHeap(env.browser, true);
    env.log(`worker: ${sizes.heapCalls} calls from ${pages.length} tabs`);
    await echoAll(pages, Math.ceil(sizes.heapCalls / pages.length));
    await takeTimes(env);
    const afterCalls = await sharedWorkerHeap(env.browser, true);
    env.log(`worker: ${sizes.heapCycles} login/logout cycles`);
    await first.evaluate(async (n) => {
      for (let i = 0; i < n; i += 1) {
        await window.bench!.login();
        await window.bench!.logout();
      }
    }, sizes.heapCycles);
    await takeTimes(env);
    const afterCycles = await sharedWorkerHeap(env.browser, true);
    heapRows.push(
      `SharedWorker heap after a forced GC: ${mib(before)} before; ${mib(afterCalls)} after ${Math.ceil(sizes.heapCalls / pages.length) * pages.length} calls from ${pages.length} tabs (${signedMib(afterCalls - before)}); ` +
        `${mib(afterCycles)} after ${sizes.heapCycles} login/logout cycles more (${signedMib(afterCycles - before)} from the start).`,
      `p95 of the time in the worker (without the HTTP request) with ${sizes.workerTabs} tabs at once ÷ with 1 tab, per repetition: median ×${fmt(median(ratios))} (×${fmt(Math.min(...ratios))}–×${fmt(Math.max(...ratios))}).`,
    );
  } finally {
    await closeAll(pages);
    await context.close();
  }
  return {
    title: "Inside the SharedWorker: time per call and heap",
    workload:
      "The realm-tabs page over a probe SharedWorker: the library's session host wired as worker/entry.ts wires it, with each tab's port wrapped so that every `callFunction` message is timed in the worker " +
      "(bench/pages/probe/; the library's own worker has no timing code). The tab stamps each message with the epoch ms it posted it, put on the worker's clock by the tab's measured offset (pages/clock.ts); the worker times its reply against that stamp and times the call's `fetch()` until the library's own read of the body returned it (the probe wraps that read; it adds none). " +
      `"In the worker" is the first minus the second: the hop in, the queue behind other tabs' messages and the worker's own processing, without the HTTP request (which Chromium runs on at most 6 connections to one host, so 50 requests at once wait there, outside the worker). ` +
      `Calls are \`echo({n:1,s:"hello"})\`, with ${sizes.workerTabs} tabs open (after 2 warm-up calls from each). ${sizes.repetitions} repetitions, each of ${sizes.workerSoloCalls} calls in a row from 1 tab (the others idle), then ${sizes.workerCallsPerTab} in a row from each of the ${sizes.workerTabs} tabs at once. ` +
      "Each time cell is the median over the repetitions of that repetition's p50 or p95, with the lowest and highest repetition in brackets. " +
      `Heap: CDP \`HeapProfiler.collectGarbage\` then \`Runtime.getHeapUsage\` on the SharedWorker target, before and after ${sizes.heapCalls} more calls (from 2 tabs, half each) and after ${sizes.heapCycles} anonymous login + logout cycles from one tab (2 tabs open, so each commit is also pushed to the other).`,
    header: ["tabs calling", "calls", "in the worker p50", "p95", "HTTP request p50", "p95", "end to end in the tab p50", "p95"],
    rows,
    notes: heapRows,
  };
}
