/**
 * Benchmark 3: function-call latency, `user.functions.echo(x)` with a small and a ~100 KB payload,
 * from one tab in a row and from 10 tabs at once, in interleaved repetitions: both libraries' tabs
 * stay open, and each repetition runs realm-tabs then realm-web (or the other way round, in turn),
 * so both see the same machine load.
 * @packageDocumentation
 */
import type { Page } from "playwright-core";
import { closeAll, openSignedInTabs } from "../lib/browser.js";
import type { BenchEnv } from "../lib/env.js";
import type { Section } from "../lib/report.js";
import { ratioSpread, spread, summarize } from "../lib/stats.js";
import type { PayloadKind } from "../pages/contract.js";

type Lib = "tabs" | "web";
const CASES = [
  { kind: "small", concurrent: false },
  { kind: "small", concurrent: true },
  { kind: "large", concurrent: false },
  { kind: "large", concurrent: true },
] as const satisfies readonly { kind: PayloadKind; concurrent: boolean }[];

/** Per case and library: the p50 and p95 of each repetition. */
type PerRep = Map<string, { p50: number[]; p95: number[]; n: number }>;

const run = (p: Page, kind: PayloadKind, count: number): Promise<number[]> =>
  p.evaluate(([k, c]) => window.bench!.echo(k, c), [kind, count] as const);

/** Benchmark 3. */
export async function callsBenchmark(env: BenchEnv): Promise<Section> {
  const { sizes } = env;
  const contexts = { tabs: await env.browser.newContext(), web: await env.browser.newContext() };
  const perRep: PerRep = new Map();
  const bytes: Partial<Record<PayloadKind, number>> = {};
  try {
    const pages: Record<Lib, Page[]> = {
      tabs: (await openSignedInTabs(contexts.tabs, env.url("tabs", env.server), sizes.concurrentTabs)).pages,
      web: (await openSignedInTabs(contexts.web, env.url("web", env.server), sizes.concurrentTabs)).pages,
    };
    for (const kind of ["small", "large"] as const) bytes[kind] = await pages.tabs[0]!.evaluate((k) => window.bench!.payloadBytes(k), kind);
    for (const lib of ["tabs", "web"] as const) for (const kind of ["small", "large"] as const) await run(pages[lib][0]!, kind, 3); // warm-up
    for (let rep = 0; rep < sizes.repetitions; rep += 1) {
      env.log(`calls: repetition ${rep + 1} of ${sizes.repetitions}`);
      const order: Lib[] = rep % 2 === 0 ? ["tabs", "web"] : ["web", "tabs"];
      for (const c of CASES) {
        const count = c.kind === "small" ? sizes.callsSmall : sizes.callsLarge;
        for (const lib of order) {
          const samples = c.concurrent
            ? (await Promise.all(pages[lib].map((p) => run(p, c.kind, count)))).flat()
            : await run(pages[lib][0]!, c.kind, count);
          const s = summarize(samples);
          const key = `${c.kind}/${c.concurrent}/${lib}`;
          const entry = perRep.get(key) ?? { p50: [], p95: [], n: 0 };
          entry.p50.push(s.p50);
          entry.p95.push(s.p95);
          entry.n += s.n;
          perRep.set(key, entry);
        }
      }
    }
    await closeAll([...pages.tabs, ...pages.web]);
  } finally {
    await Promise.all([contexts.tabs.close(), contexts.web.close()]);
  }
  const rows = CASES.flatMap((c) => {
    const t = perRep.get(`${c.kind}/${c.concurrent}/tabs`);
    const w = perRep.get(`${c.kind}/${c.concurrent}/web`);
    if (!t || !w) return [];
    const label = `${c.kind} (${bytes[c.kind] ?? "?"} B EJSON), ${c.concurrent ? `${sizes.concurrentTabs} tabs at once` : "1 tab in a row"}`;
    return [
      [
        label,
        `${t.n} / ${w.n}`,
        spread(t.p50, " ms"),
        spread(t.p95, " ms"),
        spread(w.p50, " ms"),
        spread(w.p95, " ms"),
        ratioSpread(t.p50, w.p50),
        ratioSpread(t.p95, w.p95),
      ],
    ];
  });
  return {
    title: "Function-call latency",
    workload:
      `\`user.functions.echo(x)\` (the server returns its argument) timed in the page with \`performance.now()\` around the awaited call. ` +
      `Small x = \`{n:1, s:"hello"}\`; large x = 640 sub-documents with ObjectId, Date, int and a 40-char string. ` +
      `${sizes.repetitions} interleaved repetitions: both libraries' tabs stay open (one browser context each) and each repetition runs every case for realm-tabs and then realm-web, the order swapped every other repetition. ` +
      `Per repetition, "1 tab in a row" is ${sizes.callsSmall} small / ${sizes.callsLarge} large calls from one tab, "at once" the same count from each of ${sizes.concurrentTabs} tabs together (after 3 warm-up calls).`,
    header: [
      "payload, mode",
      "calls (tabs / web)",
      "realm-tabs p50",
      "realm-tabs p95",
      "realm-web p50",
      "realm-web p95",
      "p50 tabs ÷ web",
      "p95 tabs ÷ web",
    ],
    rows,
    notes: [
      "Each time cell is the median over the repetitions of that repetition's p50 or p95, with the lowest and highest repetition in brackets; each ratio is the median of the per-repetition ratios (realm-tabs ÷ realm-web measured back to back), with their range.",
      "realm-tabs adds a hop each way (tab → Comlink/MessagePort → SharedWorker → fetch). Plain arguments cross as structured-clone data and the worker writes their EJSON; the worker forwards the server's answer undecoded (from 32 KiB on as its bytes in a transferred ArrayBuffer, so the large payload's answer is moved, not copied), and the tab decodes it once (with bson only when it holds BSON values, as the large payload does). realm-web calls fetch from the page. With 10 tabs at once, realm-tabs' calls all go through the one worker thread.",
    ],
  };
}
