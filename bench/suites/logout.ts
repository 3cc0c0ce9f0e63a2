/**
 * Benchmark 2: logout fan-out latency, from `logOut()` in one tab until every other tab sees
 * `isLoggedIn === false` with its listener fired. Runs over the cross-browser driver, so the same
 * code measures Chromium and Firefox (`env.driver`).
 * @packageDocumentation
 */
import type { Tab } from "../../playwright/drivers/driver.js";
import { titleFor, type BenchEnv } from "../lib/env.js";
import type { Section } from "../lib/report.js";
import { fmt, summarize } from "../lib/stats.js";
import { closeTabs, openBenchTab, openSignedInBenchTabs } from "../lib/tabs.js";

/** Firefox's clock in these pages, as the samples show it. */
const FIREFOX_CLOCK_NOTE =
  "Firefox rounds `performance.now()` to whole milliseconds in pages that are not cross-origin isolated (these are not), so its latencies are whole milliseconds; Chromium's are quantised to 0.1 ms.";

/** How long realm-web's other tabs are watched for the logout. */
const WEB_WAIT_MS = 3000;

/**
 * Logs out in the first tab; resolves to each other tab's delay (ms), or null if it never saw it.
 * The delays are recorded in the pages (listener time minus the time before `logOut()`), so how
 * often this side polls changes nothing but the wall time.
 */
async function fanOut(env: BenchEnv, tabs: Tab[], userId: string, waitMs: number): Promise<(number | null)[]> {
  const [first, ...others] = tabs;
  await Promise.all(others.map((t) => t.evaluate((id) => window.bench!.armLogoutProbe(id), userId)));
  const at = await first!.evaluate(() => window.bench!.logout());
  const seenBy = (): Promise<(number | null)[]> => Promise.all(others.map((t) => t.evaluate(() => window.bench!.logoutSeenAt())));
  const seen = await env.driver
    .waitUntil(seenBy, (s) => s.every((x) => x !== null), { message: "every other tab saw the logout", timeout: waitMs })
    .catch(() => seenBy()); // past the wait: some tabs never saw it, which is a result too
  return seen.map((s) => (s === null ? null : s - at));
}

/** realm-tabs: `repeats` logouts per N, logging in again between them. */
async function tabsRun(env: BenchEnv, n: number): Promise<{ delays: number[]; missed: number }> {
  const context = await env.driver.newContext();
  try {
    const { tabs, userId: firstId } = await openSignedInBenchTabs(env.driver, context, env.url("tabs", env.server), n);
    const delays: number[] = [];
    let missed = 0;
    let userId = firstId;
    for (let i = 0; i < env.sizes.logoutRepeats; i += 1) {
      for (const d of await fanOut(env, tabs, userId, 15_000)) {
        if (d === null) missed += 1;
        else delays.push(d);
      }
      userId = await tabs[0]!.evaluate(() => window.bench!.login());
      await env.driver.waitUntil(
        () => Promise.all(tabs.map((t) => t.evaluate((id) => window.bench!.isLoggedIn(id), userId))),
        (all) => all.every(Boolean),
        { message: "every tab shows the new login", timeout: 15_000 },
      );
    }
    await closeTabs(tabs);
    return { delays, missed };
  } finally {
    await context.close();
  }
}

/** realm-web: one logout per N; counts the other tabs that noticed within the wait. */
async function webRun(env: BenchEnv, n: number): Promise<{ seen: number; stillIn: number }> {
  const context = await env.driver.newContext();
  try {
    const { tabs, userId } = await openSignedInBenchTabs(env.driver, context, env.url("web", env.server), n);
    const seen = await fanOut(env, tabs, userId, WEB_WAIT_MS);
    const stillIn = (await Promise.all(tabs.slice(1).map((t) => t.evaluate((id) => window.bench!.isLoggedIn(id), userId)))).filter(
      Boolean,
    ).length;
    // A tab opened after the logout reads localStorage and does see it: record that too.
    const late = await openBenchTab(env.driver, context, env.url("web", env.server));
    const lateSees = !(await late.evaluate((id) => window.bench!.isLoggedIn(id), userId));
    await closeTabs([...tabs, late]);
    if (!lateSees) throw new Error("a realm-web tab opened after the logout still shows the user");
    return { seen: seen.filter((s) => s !== null).length, stillIn };
  } finally {
    await context.close();
  }
}

/** Benchmark 2. */
export async function logoutBenchmark(env: BenchEnv): Promise<Section> {
  const rows: string[][] = [];
  for (const n of env.sizes.logoutTabs) {
    env.log(`logout (${env.driver.browserName}): ${n} tabs`);
    const t = await tabsRun(env, n);
    const s = summarize(t.delays);
    const w = await webRun(env, n);
    rows.push([
      String(n),
      String(s.n),
      fmt(s.p50, " ms"),
      fmt(s.p95, " ms"),
      fmt(s.max, " ms"),
      String(t.missed),
      `${w.seen} of ${n - 1} (still logged in: ${w.stillIn})`,
    ]);
  }
  return {
    title: titleFor("Logout fan-out", env),
    workload:
      `${env.driverBrowser}. N tabs share one anonymous user; every tab but the first adds a user listener that records the time (epoch ms, one machine clock) at which it fires with \`isLoggedIn === false\`. ` +
      `The first tab calls \`user.logOut()\`; latency is from just before that call until each other tab's record. realm-tabs: ${env.sizes.logoutRepeats} logouts per N (log in again between), ` +
      `samples = (N − 1) × repeats. realm-web has no user listeners (\`addListener\` throws "Not yet implemented"), so its tabs poll \`isLoggedIn\` every 5 ms for ${WEB_WAIT_MS / 1000} s.`,
    header: ["tabs N", "samples", "realm-tabs p50", "p95", "max", "missed", "realm-web: other tabs that saw it within 3 s"],
    rows,
    notes: [
      "realm-web never propagates a logout: the other tabs keep the user (and its refresh token, revoked on the server) in memory until they are reloaded; a tab opened after the logout reads localStorage and does not show the user (checked in every run).",
      ...(env.driver.browserName === "firefox" ? [FIREFOX_CLOCK_NOTE] : []),
    ],
  };
}
