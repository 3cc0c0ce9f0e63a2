/**
 * Benchmark 6: watch streams — server-side open streams and events delivered when N tabs watch one
 * collection, and the delay from insert to each tab's event.
 * @packageDocumentation
 */
import { execFileSync } from "node:child_process";
import type { Page } from "playwright-core";
import { closeAll, deadline, openSignedInTabs } from "../lib/browser.js";
import { LIBS, type BenchEnv } from "../lib/env.js";
import type { Section } from "../lib/report.js";
import { fmt, summarize } from "../lib/stats.js";

const INSERTS = 20;

/** Polls `check` every 50 ms until it is true or `ms` passed; resolves to its last value. */
async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const eventsOf = (pages: Page[]): Promise<number[]> => Promise.all(pages.map((p) => p.evaluate(() => window.bench!.watchStats().events)));

/** One library, N watching tabs; one table row. */
async function runOnce(env: BenchEnv, page: "tabs" | "web", name: string, n: number): Promise<string[]> {
  const context = await env.browser.newContext();
  try {
    const { pages } = await openSignedInTabs(context, env.url(page, env.server), n);
    const started = await Promise.all(pages.map((p) => p.evaluate(() => window.bench!.watchStart())));
    if (!started.every(Boolean)) return [name, String(n), "not available: this build's User has no `mongoClient`", "", "", "", "", ""];
    // Warm up: insert until every tab has seen an event, so every stream is open. An insert that
    // does not return within 10 s (realm-web: the browser's 6 connections per host are all held by
    // watch streams) is recorded as stalled.
    const stalled: string[] = [];
    const insert = (count: number): Promise<void> =>
      deadline(
        pages[0]!.evaluate((c) => window.bench!.insert(c), count),
        10_000,
        "insert",
      ).catch((error: unknown) => void stalled.push(String(error)));
    const live = await until(async () => {
      await insert(1);
      return stalled.length === 0 && (await eventsOf(pages)).every((e) => e > 0);
    }, 15_000);
    if (stalled.length > 0) {
      const streams = (await env.server.counters()).openStreams;
      const seeing = (await eventsOf(pages)).filter((e) => e > 0).length;
      return [
        name,
        String(n),
        String(streams),
        `inserts stall: \`insertOne\` from a watching tab did not return within 10 s; ${seeing} of ${n} tabs got the warm-up event`,
        "–",
        "–",
        "–",
        "–",
      ];
    }
    const streams = (await env.server.counters()).openStreams;
    const before = await eventsOf(pages);
    const delaysBefore = await Promise.all(pages.map((p) => p.evaluate(() => window.bench!.watchStats().delaysMs.length)));
    await insert(INSERTS);
    await until(async () => (await eventsOf(pages)).every((e, i) => e - (before[i] ?? 0) >= INSERTS), 15_000);
    const stats = await Promise.all(pages.map((p) => p.evaluate(() => window.bench!.watchStats())));
    const delivered = stats.reduce((a, s, i) => a + s.events - (before[i] ?? 0), 0);
    const delays = summarize(stats.flatMap((s, i) => s.delaysMs.slice(delaysBefore[i] ?? 0)));
    await Promise.all(pages.map((p) => p.evaluate(() => window.bench!.watchStop())));
    const closed = await until(async () => (await env.server.counters()).openStreams === 0, 5000);
    await closeAll(pages);
    return [
      name,
      String(n),
      live ? String(streams) : `${streams} (not every tab got an event)`,
      `${delivered} / ${n * INSERTS}`,
      fmt(delays.p50, " ms"),
      fmt(delays.p95, " ms"),
      fmt(delays.max, " ms"),
      closed ? "yes" : "no",
    ];
  } finally {
    await context.close();
  }
}

/** A note when realm-tabs' tab-side watch is not committed yet (the pages build from the working tree). */
function landedNote(): string[] {
  try {
    const cwd = new URL("../../", import.meta.url);
    const committed = execFileSync("git", ["log", "-1", "--format=%h", "--", "src/watch.ts"], { cwd, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src/watch.ts", "src/mongo.ts", "src/user.ts"], {
      cwd,
      encoding: "utf8",
    }).trim();
    if (committed && !dirty) return [`realm-tabs' tab-side watch is the committed one (src/watch.ts at ${committed}).`];
    return [
      `realm-tabs' tab-side \`collection.watch()\` (issue 4) was still being written during this run (src/watch.ts ${committed ? `last committed at ${committed}, with local changes` : "not committed"}): the realm-tabs rows measure the working tree of that moment.`,
    ];
  } catch {
    return [];
  }
}

/** Benchmark 6. */
export async function watchBenchmark(env: BenchEnv): Promise<Section> {
  const rows: string[][] = [];
  for (const lib of LIBS) {
    for (const n of env.sizes.watchTabs) {
      env.log(`watch: ${lib.name}, ${n} tabs`);
      rows.push(await runOnce(env, lib.page, lib.name, n));
      if (rows.at(-1)?.[2]?.startsWith("not available")) break;
    }
  }
  return {
    title: "Watch streams",
    workload:
      `N tabs share one user; every tab iterates \`user.mongoClient("mongodb-atlas").db("bench").collection("items").watch()\`. ` +
      `After every tab has seen a warm-up insert, the server's open-stream gauge (admin counters) is read; then the first tab inserts ${INSERTS} documents \`{at: epoch ms}\` one after the other ` +
      "and each tab counts the change events (delay = receipt time − `at`, one machine clock). Finally every tab ends its watch (`return()`), and the server's gauge must reach 0 within 5 s.",
    header: [
      "library",
      "tabs N",
      "server streams open",
      "events delivered / expected",
      "delay p50",
      "p95",
      "max",
      "streams closed after return()",
    ],
    rows,
    notes: [
      ...landedNote(),
      "Chromium allows 6 HTTP/1.1 connections per host and profile; a watch stream holds one for as long as it is open, so with more than 5 realm-web tabs watching, further requests from any tab of the app (logins, function calls, inserts) wait for a free connection.",
      "realm-web opens one streaming `GET functions/call` per watching tab; realm-tabs' worker opens one per (user, collection, filter) and fans events out to the tabs over MessagePorts.",
    ],
  };
}
