/**
 * Benchmark 2: logout and token-refresh fan-out latency, from `logOut()` (or `refreshAccessToken()`)
 * in one tab until every other tab sees `isLoggedIn === false` (or the new access token) with its
 * listener fired. Runs over the cross-browser driver, so the same
 * code measures Chromium and Firefox (`env.driver`).
 * @packageDocumentation
 */
import type { Tab } from "../../playwright/drivers/driver.js";
import { titleFor, type BenchEnv } from "../lib/env.js";
import type { Section } from "../lib/report.js";
import { fmt, spread, summarize } from "../lib/stats.js";
import { closeTabs, openBenchTab, openSignedInBenchTabs } from "../lib/tabs.js";
import { measureOffsets, offsetsNote } from "../lib/clocks.js";
import type { ClockOffset } from "../pages/clock.js";

/** Firefox's clock in these pages, as the samples show it. */
const FIREFOX_CLOCK_NOTE =
  "Firefox rounds `performance.now()` to whole milliseconds in pages that are not cross-origin isolated (these are not), so its latencies are whole milliseconds; Chromium's are quantised to 0.1 ms.";

/** How long realm-web's other tabs are watched for the logout. */
const WEB_WAIT_MS = 3000;

/** The change the first tab makes and the other tabs' probe of it. */
type FanOutEvent = "logout" | "refresh";

/** What one change measured: each other tab's delay, from the call and from the worker's commit. */
interface FanOutResult {
  /** Each other tab's delay from just before the call (ms), or null if it never saw it. */
  delays: (number | null)[];
  /** The same from the moment the worker started to commit the change (probe page only; empty otherwise). */
  fromCommit: number[];
  /** How long the worker's store write of that commit took (ms; probe page only). */
  persistMs: number | null;
  /** From the end of the store write until the worker posted the commit to the first tab's port (ms; probe page only). */
  toFirstPostMs: number | null;
  /** From that first post until the worker had posted it to the last tab's port (ms; probe page only). */
  postMs: number | null;
  /** The first tab's own call, as the runner saw it (ms). */
  ownMs: number;
}

/**
 * Makes the change in the first tab (logout, or an access-token refresh); resolves to each other
 * tab's delay, from the call and (over the probe worker) from the worker's commit of the change.
 * The delays are recorded in the pages (listener time minus the time before the call, or minus the
 * commit's start as the probe worker recorded it), so how often this side polls changes nothing but the wall time.
 */
async function fanOut(
  env: BenchEnv,
  tabs: Tab[],
  userId: string,
  waitMs: number,
  event: FanOutEvent = "logout",
  offsets: readonly number[] = [],
): Promise<FanOutResult> {
  const [first, ...others] = tabs;
  // each tab's clock minus the worker's (probe page; 0 elsewhere): every stamp goes onto the worker's clock
  const offsetOf = (i: number): number => offsets[i] ?? 0;
  if (event === "logout") await Promise.all(others.map((t) => t.evaluate((id) => window.bench!.armLogoutProbe(id), userId)));
  else await Promise.all(others.map((t) => t.evaluate((id) => window.bench!.armTokenProbe(id), userId)));
  await first!.evaluate(() => window.bench!.commits?.()); // forget the commits before this change
  const t0 = Date.now();
  const at = await first!.evaluate((e) => (e === "logout" ? window.bench!.logout() : window.bench!.refreshToken()), event);
  const ownMs = Date.now() - t0;
  const seenBy = (): Promise<(number | null)[]> =>
    Promise.all(others.map((t) => t.evaluate((e) => (e === "logout" ? window.bench!.logoutSeenAt() : window.bench!.tokenSeenAt()), event)));
  const seen = await env.driver
    .waitUntil(seenBy, (s) => s.every((x) => x !== null), { message: `every other tab saw the ${event}`, timeout: waitMs })
    .catch(() => seenBy()); // past the wait: some tabs never saw it, which is a result too
  // the change is this call's only commit (a logout's session request and a refresh's answer commit nothing else)
  const commit = (await first!.evaluate(() => window.bench!.commits?.() ?? Promise.resolve([])))[0];
  const onWorkerClock = seen.map((s, i) => (s === null ? null : s - offsetOf(i + 1)));
  return {
    delays: onWorkerClock.map((s) => (s === null ? null : s - (at - offsetOf(0)))),
    fromCommit: commit ? onWorkerClock.flatMap((s) => (s === null ? [] : [s - commit.startedAt])) : [],
    persistMs: commit ? commit.persistedAt - commit.startedAt : null,
    toFirstPostMs: commit?.firstPushedAt ? commit.firstPushedAt - commit.persistedAt : null,
    postMs: commit?.pushedAt && commit.firstPushedAt ? commit.pushedAt - commit.firstPushedAt : null,
    ownMs,
  };
}

/** Delays of one kind of change over the repeats. */
interface Samples {
  delays: number[];
  fromCommit: number[];
  /** Each change's own p95 from the commit (one value per repeat). */
  changeP95: number[];
  persistMs: number[];
  toFirstPostMs: number[];
  postMs: number[];
  missed: number;
  /** The first tab's own call, as the runner saw it (ms). */
  ownMs: number[];
}

const emptySamples = (): Samples => ({
  delays: [],
  fromCommit: [],
  changeP95: [],
  persistMs: [],
  toFirstPostMs: [],
  postMs: [],
  missed: 0,
  ownMs: [],
});

function collect(into: Samples, r: FanOutResult): void {
  for (const d of r.delays) {
    if (d === null) into.missed += 1;
    else into.delays.push(d);
  }
  into.fromCommit.push(...r.fromCommit);
  if (r.fromCommit.length > 0) into.changeP95.push(summarize(r.fromCommit).p95);
  if (r.persistMs !== null) into.persistMs.push(r.persistMs);
  if (r.toFirstPostMs !== null) into.toFirstPostMs.push(r.toFirstPostMs);
  if (r.postMs !== null) into.postMs.push(r.postMs);
  into.ownMs.push(r.ownMs);
}

/** realm-tabs: `repeats` logouts per N (logging in again between them), then `repeats` token refreshes. */
async function tabsRun(env: BenchEnv, n: number): Promise<Record<FanOutEvent, Samples> & { offsets: ClockOffset[] }> {
  const context = await env.driver.newContext();
  try {
    const { tabs, userId: firstId } = await openSignedInBenchTabs(env.driver, context, env.url("probe", env.server), n);
    const offsets = await measureOffsets(tabs.map((t) => () => t.evaluate(() => window.bench!.clockOffset!())));
    const offsetMs = offsets.map((o) => o.offsetMs);
    const out: Record<FanOutEvent, Samples> = {
      logout: emptySamples(),
      refresh: emptySamples(),
    };
    let userId = firstId;
    for (let i = 0; i < env.sizes.logoutRepeats; i += 1) {
      collect(out.logout, await fanOut(env, tabs, userId, 15_000, "logout", offsetMs));
      userId = await tabs[0]!.evaluate(() => window.bench!.login());
      await env.driver.waitUntil(
        () => Promise.all(tabs.map((t) => t.evaluate((id) => window.bench!.isLoggedIn(id), userId))),
        (all) => all.every(Boolean),
        { message: "every tab shows the new login", timeout: 15_000 },
      );
    }
    for (let i = 0; i < env.sizes.logoutRepeats; i += 1) collect(out.refresh, await fanOut(env, tabs, userId, 15_000, "refresh", offsetMs));
    await closeTabs(tabs);
    return { ...out, offsets };
  } finally {
    await context.close();
  }
}

/** realm-web: one logout per N; counts the other tabs that noticed within the wait. */
async function webRun(env: BenchEnv, n: number): Promise<{ seen: number; stillIn: number }> {
  const context = await env.driver.newContext();
  try {
    const { tabs, userId } = await openSignedInBenchTabs(env.driver, context, env.url("web", env.server), n);
    const { delays: seen } = await fanOut(env, tabs, userId, WEB_WAIT_MS);
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
  const own: string[] = [];
  const offsets: ClockOffset[] = [];
  for (const n of env.driver.browserName === "firefox" ? env.sizes.firefoxLogoutTabs : env.sizes.logoutTabs) {
    env.log(`logout and token-refresh fan-out (${env.driver.browserName}): ${n} tabs`);
    const t = await tabsRun(env, n);
    offsets.push(...t.offsets);
    const w = await webRun(env, n);
    for (const event of ["logout", "refresh"] as const) {
      const c = summarize(t[event].fromCommit);
      const call = summarize(t[event].delays);
      rows.push([
        event === "logout" ? "logout" : "token refresh",
        String(n),
        String(call.n),
        fmt(c.p50, " ms"),
        fmt(c.p95, " ms"),
        fmt(c.max, " ms"),
        spread(t[event].changeP95, " ms"),
        fmt(call.p50, " ms"),
        fmt(call.p95, " ms"),
        fmt(summarize(t[event].persistMs).p50, " ms"),
        fmt(summarize(t[event].toFirstPostMs).p50, " ms"),
        fmt(summarize(t[event].postMs).p50, " ms"),
        String(t[event].missed),
        event === "logout"
          ? `${w.seen} of ${n - 1} (still logged in: ${w.stillIn})`
          : "– (each tab holds its own token; no other tab learns of it)",
      ]);
    }
    own.push(`${n} tabs: ${fmt(summarize(t.refresh.ownMs).p50, " ms")}`);
  }
  return {
    title: titleFor("Logout fan-out", env),
    workload:
      `${env.driverBrowser}. N tabs share one anonymous user; every tab but the first adds a user listener that records the time (epoch ms, put on the worker's clock by the tab's measured offset) at which it fires with \`isLoggedIn === false\` (logout) or with an access token other than the one it held when armed (token refresh). ` +
      `The first tab calls \`user.logOut()\` or \`user.refreshAccessToken()\`. realm-tabs runs over the probe SharedWorker (bench/pages/probe/: the library's host wired as worker/entry.ts wires it, its store commits timed), and the fan-out is measured from the moment the worker starts to commit the change (after a refresh's \`POST /auth/session\` answered; a logout commits before its \`DELETE /auth/session\`) until each other tab's record: the store write, the push to every tab's port, the tab applying it and firing its listener. ` +
      `"From the call" is from just before the first tab's call instead (it adds the hop to the worker, and a refresh's request to the local server); "store write" is the commit's IndexedDB write, which comes before the push, "store write to the first post" the time from its end until the worker posted to the first tab's port, and "posting to every port" the worker's loop from that first post to the last. ${env.sizes.logoutRepeats} logouts per N (log in again between), then ${env.sizes.logoutRepeats} refreshes on the same tabs; ` +
      `samples = (N − 1) × repeats; p50, p95 and max are over all samples of the N, and "p95 of each change" is each repeat's own p95 (its N − 1 tabs), as the median of the repeats with their range. realm-web has no user listeners (\`addListener\` throws "Not yet implemented"), so its tabs poll \`isLoggedIn\` every 5 ms for ${WEB_WAIT_MS / 1000} s after one logout per N.`,
    header: [
      "change",
      "tabs N",
      "samples",
      "realm-tabs from the commit p50",
      "p95",
      "max",
      "p95 of each change: median (range)",
      "from the call p50",
      "p95",
      "store write p50",
      "store write to the first post p50",
      "posting to every port p50",
      "missed",
      "realm-web: other tabs that saw it within 3 s",
    ],
    rows,
    notes: [
      "realm-web never propagates a logout: the other tabs keep the user (and its refresh token, revoked on the server) in memory until they are reloaded; a tab opened after the logout reads localStorage and does not show the user (checked in every run).",
      "realm-tabs' runtime posts each commit's snapshot to every tab's private MessagePort (the BroadcastChannel carries only a hint, for leader mode); the tabs apply it and fire their listeners without a request of their own.",
      `The first tab's own \`refreshAccessToken()\` call (as the runner timed it around \`evaluate\`, so an upper bound), p50 per N: ${own.join(", ")}.`,
      offsetsNote(offsets, "each realm-tabs tab"),
      ...(env.driver.browserName === "firefox" ? [FIREFOX_CLOCK_NOTE] : []),
    ],
  };
}
