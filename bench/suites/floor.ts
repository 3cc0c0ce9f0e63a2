/**
 * Benchmark 11: the floor of this machine. The same workloads as the fan-out (2), scale (7) and
 * in-the-worker (10) benchmarks, over a bare SharedWorker with no library on either side
 * (bench/pages/floor/): what any SharedWorker design costs here, so the library's figures and
 * issue 15's targets can be read against it.
 * @packageDocumentation
 */
import type { BrowserContext, Page } from "playwright-core";
import type {} from "../pages/floor/main.js";
import { closeAll, openPage, openSignedInTabs, openTab } from "../lib/browser.js";
import type { BenchEnv } from "../lib/env.js";
import type { Section } from "../lib/report.js";
import { fmt, ratioSpread, spread, summarize } from "../lib/stats.js";
import { offsetsNote } from "../lib/clocks.js";
import type { ClockOffset } from "../pages/clock.js";

/** Opens one floor tab (no user: the floor worker logs in once on its own). */
const openFloorTab = (context: BrowserContext, url: string): Promise<Page> => openPage(context, url, () => window.floor?.ready === true);

/** p50 and p95 of each repetition of one case. */
interface Reps {
  p50: number[];
  p95: number[];
  samples: number;
}

const emptyReps = (): Reps => ({ p50: [], p95: [], samples: 0 });

function add(into: Reps, samples: number[]): void {
  const s = summarize(samples);
  into.p50.push(s.p50);
  into.p95.push(s.p95);
  into.samples += s.n;
}

const row = (what: string, tabs: number, r: Reps): string[] => [
  what,
  String(tabs),
  String(r.samples),
  spread(r.p50, " ms"),
  spread(r.p95, " ms"),
];

/** One fan-out from the first tab; resolves to each other tab's delay from the worker's first post, and the posting loop's time (ms). */
async function fanOut(env: BenchEnv, pages: Page[]): Promise<{ delays: number[]; loopMs: number }> {
  const [first, ...others] = pages;
  const { at, loopMs } = await first!.evaluate(() => window.floor!.fanout());
  const seen = await env.driver.waitUntil(
    () => Promise.all(others.map((p) => p.evaluate(() => window.floor!.lastPush()))),
    (all) => all.every((s) => s !== null && s.at === at),
    { message: "every other floor tab got the push", timeout: 15_000 },
  );
  return { delays: seen.map((s) => s!.seenAt - at), loopMs };
}

/** Benchmark 11. */
export async function floorBenchmark(env: BenchEnv): Promise<Section> {
  const { sizes } = env;
  const floorUrl = env.url("floor", env.server);
  const webUrl = env.url("web", env.server);
  const floorContext = await env.browser.newContext();
  const webContext = await env.browser.newContext();
  const floor: Page[] = [];
  let web: Page[] = [];
  const rows: string[][] = [];
  const notes: string[] = [];
  const offsets: ClockOffset[] = [];
  try {
    const levels = sizes.logoutTabs.filter((n) => n > 2 && n <= sizes.workerTabs);
    for (const n of [...levels, sizes.workerTabs].filter((n, i, all) => all.indexOf(n) === i)) {
      env.log(`floor: ${n} tabs, ${sizes.logoutRepeats} fan-outs`);
      while (floor.length < n) {
        const page = await openFloorTab(floorContext, floorUrl);
        floor.push(page);
        // from here the tab records pushes and stamps echoes on the worker's clock (pages/clock.ts)
        offsets.push(await page.evaluate(() => window.floor!.clockOffset()));
      }
      const fan = emptyReps();
      const pooled: number[] = [];
      const loops: number[] = [];
      for (let i = 0; i < sizes.logoutRepeats; i += 1) {
        const { delays, loopMs } = await fanOut(env, floor);
        add(fan, delays);
        pooled.push(...delays);
        loops.push(loopMs);
      }
      rows.push([...row("fan-out: a push from the worker to every other tab", n, fan), fmt(summarize(pooled).p95, " ms")]);
      notes.push(
        `Fan-out to ${n - 1} other tabs: the worker's posting loop took ${spread(loops, " ms")} (median and range of the ${loops.length} fan-outs).`,
      );
    }

    const n = floor.length;
    env.log(
      `floor: ${sizes.repetitions} repetitions of ${sizes.workerSoloCalls} echoes from 1 tab, then ${sizes.workerCallsPerTab} from each of ${n} tabs at once`,
    );
    await Promise.all(floor.map((p) => p.evaluate(() => window.floor!.echo(2)))); // warm-up
    const solo = emptyReps();
    const many = emptyReps();
    for (let rep = 0; rep < sizes.repetitions; rep += 1) {
      add(solo, await floor[0]!.evaluate((c) => window.floor!.echo(c), sizes.workerSoloCalls));
      add(many, (await Promise.all(floor.map((p) => p.evaluate((c) => window.floor!.echo(c), sizes.workerCallsPerTab)))).flat());
    }
    rows.push([...row("in the worker: an echo, 1 tab in a row", 1, solo), "–"]);
    rows.push([...row("in the worker: an echo, every tab at once", n, many), "–"]);
    notes.push(`In the worker, p95 with ${n} tabs at once ÷ with 1 tab, per repetition: ${ratioSpread(many.p95, solo.p95)}.`);

    env.log(
      `floor: ${n} realm-web tabs; ${sizes.repetitions} interleaved repetitions of ${sizes.scaleCallsPerTab} calls from every tab at once`,
    );
    web = (await openSignedInTabs(webContext, webUrl, 1)).pages;
    while (web.length < n) web.push(await openTab(webContext, webUrl, true));
    await Promise.all(floor.map((p) => p.evaluate(() => window.floor!.call(1)))); // warm-up, and the worker's login
    const calls = { floor: emptyReps(), web: emptyReps() };
    for (let rep = 0; rep < sizes.repetitions; rep += 1) {
      for (const side of rep % 2 === 0 ? (["floor", "web"] as const) : (["web", "floor"] as const)) {
        const all =
          side === "floor"
            ? await Promise.all(floor.map((p) => p.evaluate((c) => window.floor!.call(c), sizes.scaleCallsPerTab)))
            : await Promise.all(web.map((p) => p.evaluate((c) => window.bench!.echo("small", c), sizes.scaleCallsPerTab)));
        add(calls[side], all.flat());
      }
    }
    rows.push([...row("a function call end to end, every tab at once: bare SharedWorker relay", n, calls.floor), "–"]);
    rows.push([...row("the same calls over realm-web 2.0.1 (one tab each)", n, calls.web), "–"]);
    notes.push(
      `End to end with ${n} tabs at once, p95 bare relay ÷ realm-web, per repetition: ${ratioSpread(calls.floor.p95, calls.web.p95)}.`,
      offsetsNote(offsets),
    );
  } finally {
    await closeAll([...floor, ...web]);
    await Promise.all([floorContext.close(), webContext.close()]);
  }
  return {
    title: "The floor: a bare SharedWorker on this machine",
    workload:
      "A page and a SharedWorker with no library (bench/pages/floor/): the worker keeps its ports in a set, answers an echo at once, posts a fan-out in one loop to every other tab's push port (a port the tab made and transferred, as realm-tabs' push port), and relays a function call as one `fetch` with a token it got once (no validation, no EJSON, no store). " +
      `Fan-out: from the first tab, ${sizes.logoutRepeats} pushes per N, each other tab recording its receipt against the time the worker started posting (on the worker's clock, by the tab's measured offset), as in benchmark 2 from the commit (where the library's commit also writes IndexedDB first). ` +
      `In the worker: as benchmark 10, the time from the tab's post to the worker's reply, here with nothing in between: ${sizes.repetitions} repetitions of ${sizes.workerSoloCalls} echoes in a row from 1 tab (the others idle), then ${sizes.workerCallsPerTab} in a row from each tab at once. ` +
      `End to end: as benchmark 7, every tab makes ${sizes.scaleCallsPerTab} sequential \`echo({n:1,s:"hello"})\` calls at once, through the bare relay and through realm-web in a second context, ${sizes.repetitions} interleaved repetitions. ` +
      "Cells are the median over the repetitions (or changes) of each one's p50 or p95, with the range in brackets; the last column is the p95 of every fan-out sample together.",
    header: ["what", "tabs", "samples", "p50: median (range)", "p95: median (range)", "p95 of all samples"],
    rows,
    notes,
  };
}
