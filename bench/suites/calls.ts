/**
 * Benchmark 3: function-call latency, `user.functions.echo(x)` with a small and a ~100 KB payload,
 * from one tab in a row and from 10 tabs at once.
 * @packageDocumentation
 */
import type { Page } from "playwright-core";
import { closeAll, openSignedInTabs } from "../lib/browser.js";
import { LIBS, type BenchEnv } from "../lib/env.js";
import type { Section } from "../lib/report.js";
import { fmt, ratio, summarize, type Summary } from "../lib/stats.js";
import type { PayloadKind } from "../pages/contract.js";

type Mode = "sequential" | "concurrent";

/** Latency samples of one library for every (payload, mode). */
async function measure(
  env: BenchEnv,
  page: "tabs" | "web",
): Promise<{ results: Map<string, Summary>; bytes: Record<PayloadKind, number> }> {
  const { sizes } = env;
  const context = await env.browser.newContext();
  const results = new Map<string, Summary>();
  try {
    const { pages } = await openSignedInTabs(context, env.url(page, env.server), sizes.concurrentTabs);
    const first = pages[0]!;
    const bytes = {
      small: await first.evaluate(() => window.bench!.payloadBytes("small")),
      large: await first.evaluate(() => window.bench!.payloadBytes("large")),
    };
    const run = (p: Page, kind: PayloadKind, count: number): Promise<number[]> =>
      p.evaluate(([k, c]) => window.bench!.echo(k, c), [kind, count] as const);
    for (const kind of ["small", "large"] as const) {
      const count = kind === "small" ? sizes.callsSmall : sizes.callsLarge;
      await run(first, kind, 3); // warm-up
      results.set(`${kind}/sequential`, summarize(await run(first, kind, count)));
      const all = await Promise.all(pages.map((p) => run(p, kind, count)));
      results.set(`${kind}/concurrent`, summarize(all.flat()));
    }
    await closeAll(pages);
    return { results, bytes };
  } finally {
    await context.close();
  }
}

/** Benchmark 3. */
export async function callsBenchmark(env: BenchEnv): Promise<Section> {
  const measured: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  for (const lib of LIBS) {
    env.log(`calls: ${lib.name}`);
    measured[lib.page] = await measure(env, lib.page);
  }
  const rows: string[][] = [];
  for (const kind of ["small", "large"] as const) {
    for (const mode of ["sequential", "concurrent"] as Mode[]) {
      const t = measured.tabs?.results.get(`${kind}/${mode}`);
      const w = measured.web?.results.get(`${kind}/${mode}`);
      if (!t || !w) continue;
      const label = `${kind} (${measured.tabs?.bytes[kind] ?? "?"} B EJSON), ${mode === "sequential" ? "1 tab in a row" : `${env.sizes.concurrentTabs} tabs at once`}`;
      rows.push([
        label,
        String(t.n),
        fmt(t.p50, " ms"),
        fmt(t.p95, " ms"),
        fmt(w.p50, " ms"),
        fmt(w.p95, " ms"),
        ratio(t.p50, w.p50),
        ratio(t.p95, w.p95),
      ]);
    }
  }
  const { sizes } = env;
  return {
    title: "Function-call latency",
    workload:
      `\`user.functions.echo(x)\` (the server returns its argument) timed in the page with \`performance.now()\` around the awaited call. ` +
      `Small x = \`{n:1, s:"hello"}\`; large x = 640 sub-documents with ObjectId, Date, int and a 40-char string. ` +
      `Sequential: ${sizes.callsSmall} small / ${sizes.callsLarge} large calls in a row from one tab (after 3 warm-up calls). ` +
      `Concurrent: the same count from each of ${sizes.concurrentTabs} tabs at once (samples = all calls of all tabs). Same server, same user model, one browser context per library.`,
    header: [
      "payload, mode",
      "calls",
      "realm-tabs p50",
      "realm-tabs p95",
      "realm-web p50",
      "realm-web p95",
      "p50 tabs ÷ web",
      "p95 tabs ÷ web",
    ],
    rows,
    notes: [
      "realm-tabs adds a hop each way (tab → Comlink/MessagePort → SharedWorker → fetch) and EJSON (de)serialisation in the worker; realm-web calls fetch from the page. With 10 tabs at once, realm-tabs' calls all go through the one worker thread.",
    ],
  };
}
