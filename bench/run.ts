/**
 * `npm run bench`: builds the two benchmark pages, starts the local server and Chromium, runs every
 * benchmark side by side for realm-tabs and realm-web 2.0.1, then the refresh and logout benchmarks
 * again in Firefox (the same suite code over the cross-browser driver), and writes BENCHMARKS.md.
 *
 * Flags: `--smoke` (tiny sizes; writes bench/dist/BENCHMARKS.smoke.md), `--only=refresh,calls`
 * (a partial run replaces only its own sections of an existing output file),
 * `--out=FILE`. A benchmark that fails is recorded as not measured; the run itself fails only when
 * it cannot start (build, server or browser).
 * @packageDocumentation
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { build, preview } from "vite";
import { startTestServer } from "../src/testing/server.js";
import { launchFirefox, type FirefoxDriver } from "../playwright/drivers/firefox.js";
import { playwrightDriver } from "../playwright/drivers/playwright.js";
import { pollUntil } from "../playwright/drivers/poll.js";
import { chromiumPath, deadline, launch, pageUrl } from "./lib/browser.js";
import { FULL, SMOKE, type BenchEnv } from "./lib/env.js";
import { machineLines, packageVersion } from "./lib/machine.js";
import { mergeSections } from "./lib/merge.js";
import { failedSection, renderSection, type Section } from "./lib/report.js";
import { attachBenchmark } from "./suites/attach.js";
import { bundleBenchmark, measureBuild, type BuildItem, type BundleSizes } from "./suites/bundle.js";
import { callsBenchmark } from "./suites/calls.js";
import { logoutBenchmark } from "./suites/logout.js";
import { refreshBenchmark } from "./suites/refresh.js";
import { scaleBenchmark } from "./suites/scale.js";
import { watchBenchmark } from "./suites/watch.js";
import { workerBenchmark } from "./suites/worker.js";
import { floorBenchmark } from "./suites/floor.js";
import { benchRoot, benchViteConfig, type BenchPageName } from "./vite.config.js";

const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const args = process.argv.slice(2);
const smoke = args.includes("--smoke");
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const out =
  args.find((a) => a.startsWith("--out="))?.slice(6) ?? (smoke ? `${benchRoot}dist/BENCHMARKS.smoke.md` : `${repoRoot}BENCHMARKS.md`);
/** Benchmarks still to start this many seconds after the measuring began are skipped: with the wait for a quiet machine (at most 120 s) the run ends within 15 minutes. */
const BUDGET_S = smoke ? 50 : 700;
const started = Date.now();
/** When the measuring began (after the wait for a quiet machine): the time budget counts from here. */
let measuring = started;
const loadText = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
const startLoad = loadText();
const log = (m: string): void => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${m}`);
/** How long the run waits for the 1-minute load average to fall below {@link QUIET_LOAD}. */
const LOAD_WAIT_S = smoke ? 5 : 120;
const QUIET_LOAD = 1.0;

/**
 * Waits (at most {@link LOAD_WAIT_S}) until the 1-minute load average is below {@link QUIET_LOAD},
 * so the figures are not taken while something else (a test run) uses the cores; returns the
 * sentence the report prints about it.
 */
async function waitForQuiet(): Promise<string> {
  const t0 = Date.now();
  while ((loadavg()[0] ?? 0) >= QUIET_LOAD && Date.now() - t0 < LOAD_WAIT_S * 1000) {
    log(`load average ${loadText()}: waiting for it to fall below ${QUIET_LOAD.toFixed(1)} (at most ${LOAD_WAIT_S} s)`);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
  const waited = ((Date.now() - t0) / 1000).toFixed(0);
  const now = loadText();
  return (loadavg()[0] ?? 0) < QUIET_LOAD
    ? `load average at the start ${startLoad} (1/5/15 min); the run waited ${waited} s for the 1-minute average to fall below ${QUIET_LOAD.toFixed(1)} and started at ${now}.`
    : `load average at the start ${startLoad} (1/5/15 min); **it did not fall below ${QUIET_LOAD.toFixed(1)} within the ${LOAD_WAIT_S} s the run waits** (other processes kept the cores busy), so the run started at ${now}: read the times with that in mind.`;
}
let loadNote = `load average at the start ${startLoad} (1/5/15 min).`;

/** Builds one page; returns its bundle sizes. */
async function buildPage(page: BenchPageName): Promise<BundleSizes> {
  const config = benchViteConfig(page);
  const output = await build(config);
  const items = (Array.isArray(output) ? output : [output]).flatMap((o) => ("output" in o ? (o.output as unknown as BuildItem[]) : []));
  return measureBuild(items, config.build!.outDir!);
}

/** Keeps the hand-written reading of an existing BENCHMARKS.md. */
function keptReading(): string {
  const marker = /<!-- reading -->[\s\S]*<!-- \/reading -->/;
  const old = existsSync(out) ? readFileSync(out, "utf8") : "";
  return (
    old.match(marker)?.[0] ?? "<!-- reading -->\n(Write the reading of this run here; `npm run bench` keeps this block.)\n<!-- /reading -->"
  );
}

type Runner = { name: string; title: string; run: (env: BenchEnv) => Promise<Section> };
type Ordered = Section & { issueOrder: number };
const ISSUE_ORDER = [
  "refresh",
  "logout",
  "calls",
  "attach",
  "bundle",
  "watch",
  "scale",
  "refresh-firefox",
  "logout-firefox",
  "worker",
  "floor",
];

/** Runs the selected benchmarks in order, each under a deadline; failures become sections. */
async function runAll(env: BenchEnv, runners: Runner[]): Promise<Ordered[]> {
  const sections: Ordered[] = [];
  for (const r of runners) {
    if (only && !only.includes(r.name)) continue;
    const issueOrder = ISSUE_ORDER.indexOf(r.name);
    const t0 = Date.now();
    if ((t0 - measuring) / 1000 > BUDGET_S) {
      sections.push({
        ...failedSection(r.title, "–", "skipped"),
        issueOrder,
        notes: [`**Not measured in this run:** skipped to keep the run under 15 minutes (${BUDGET_S} s of measuring used).`],
      });
      continue;
    }
    try {
      const left = Math.max(30, BUDGET_S + 40 - (t0 - measuring) / 1000);
      const section = await deadline(r.run(env), Math.min(left, 240) * 1000, `the ${r.name} benchmark`);
      sections.push({ ...section, issueOrder, seconds: (Date.now() - t0) / 1000 });
    } catch (error) {
      log(`${r.name} failed: ${String(error)}`);
      sections.push({ ...failedSection(r.title, `see bench/suites/${r.name}.ts`, error), issueOrder });
    }
  }
  return sections;
}

/** The rendered sections, in order; merged into an older file, each says when and under which load it ran. */
function renderSections(sections: Ordered[], merged: boolean): string[] {
  const partial =
    merged && only
      ? `Measured in a partial run (\`npm run bench -- --only=${only.join(",")}\`) on ${new Date().toISOString()}, load average at its start ${startLoad}; the header describes the last full run.`
      : null;
  return [...sections]
    .sort((a, b) => a.issueOrder - b.issueOrder)
    .map((s) => renderSection(s.issueOrder + 1, partial ? { ...s, notes: [...s.notes, partial] } : s) + "\n");
}

/** The whole BENCHMARKS.md; a partial run into an existing file replaces only its own sections. */
function renderDoc(sections: Ordered[], chromium: string, totalS: number): string {
  if (only && existsSync(out)) return mergeSections(readFileSync(out, "utf8"), renderSections(sections, true));
  return [
    "# Benchmarks: realm-tabs vs realm-web 2.0.1",
    "",
    `Generated by \`npm run bench${smoke ? " -- --smoke" : ""}\` (bench/run.ts) on ${new Date().toISOString()}; the whole run took ${totalS.toFixed(0)} s. ` +
      "Same browser, same local server, same run; every ratio is realm-tabs ÷ realm-web unless a column says otherwise (below 1 = realm-tabs smaller or faster). " +
      "**The machine is shared with other engineers' test runs, so it may have been loaded during the run**; absolute times are noisy, the request counts are not.",
    "",
    ...machineLines(chromium, loadNote),
    "",
    "Reproduce: `flock /tmp/realm-tabs-heavy.lock npm run bench` (never alongside a test run; about 11 minutes on the 2-core machine plus up to 2 minutes waiting for the load average to fall below 1.0; `npm run bench -- --smoke` for a quick check that writes bench/dist/BENCHMARKS.smoke.md; `--only=refresh,calls` runs a subset and replaces only its sections; Firefox: `--only=refresh-firefox,logout-firefox`). See [bench/README.md](bench/README.md).",
    "",
    "## Reading",
    "",
    keptReading(),
    "",
    ...renderSections(sections, false),
  ].join("\n");
}

async function main(): Promise<void> {
  // the bundle benchmark's quick start is built from the package as it ships (dist/); build it
  // before waiting for a quiet machine, so the build's load has passed when measuring starts
  log("building the packages (npm run build)");
  const built = spawnSync("npm", ["run", "build", "--silent"], { cwd: repoRoot, stdio: "inherit" });
  if (built.status !== 0) throw new Error(`npm run build failed (exit ${built.status})`);
  loadNote = await waitForQuiet();
  measuring = Date.now();
  log(loadNote);
  log(`building the benchmark pages${smoke ? " (smoke run)" : ""}`);
  const tabsSizes = await buildPage("tabs");
  const webSizes = await buildPage("web");
  await buildPage("probe"); // the worker benchmark's page; not part of the bundle sizes
  await buildPage("floor"); // the floor benchmark's page (no library); not part of the bundle sizes
  const sizes = smoke ? SMOKE : FULL;
  const functionsDir = `${benchRoot}functions`;
  // The benchmarks measure the runtime, not data access rules: every collection is open to every user.
  const open = { allowAllData: true, onWarning: () => undefined };
  // ...and not the login throttle: the worker benchmark's 1,000 login/logout cycles are anonymous logins from one address
  const unthrottled = { limits: { anonymousLoginBurst: 100_000, anonymousLoginsPerMinute: 100_000 } };
  const server = await startTestServer({ appId: "bench", functionsDir, config: unthrottled, ...open });
  const shortTtlServer = await startTestServer({
    appId: "bench-ttl",
    functionsDir,
    accessTokenTtlSeconds: sizes.refreshTtlSeconds,
    ...open,
  });
  const pagesServer = await preview({
    configFile: false,
    root: benchRoot,
    logLevel: "warn",
    build: { outDir: "dist" },
    preview: { host: "127.0.0.1", port: 0, strictPort: false },
  });
  const browser = await launch();
  const wantsFirefox = !only || only.some((name) => name.endsWith("-firefox"));
  let firefox: FirefoxDriver | undefined;
  let sections: Ordered[] = [];
  try {
    const pagesUrl = pagesServer.resolvedUrls?.local[0];
    if (!pagesUrl) throw new Error("vite preview reported no URL");
    const env: BenchEnv = {
      browser,
      driver: playwrightDriver(browser, { waitUntil: pollUntil, executablePath: chromiumPath() }),
      driverBrowser: `Chromium ${browser.version()} (headless, Debian package, playwright-core ${packageVersion("playwright-core")})`,
      sizes,
      pagesUrl,
      server,
      shortTtlServer,
      log,
      url: (page, s) => pageUrl(pagesUrl, page, s.url, s.appId),
    };
    if (wantsFirefox) {
      log("launching Firefox");
      firefox = await launchFirefox();
    }
    const ff = firefox;
    const firefoxEnv = (): BenchEnv => {
      if (!ff) throw new Error("Firefox was not launched");
      const version = ff.version.replace(/^firefox\//, "");
      return {
        ...env,
        driver: ff,
        driverBrowser: `Firefox ${version} (headless, Debian package firefox-esr, puppeteer-core ${packageVersion("puppeteer-core")} over WebDriver BiDi)`,
      };
    };
    sections = await runAll(env, [
      { name: "refresh", title: "Refresh requests per access-token expiry", run: refreshBenchmark },
      { name: "logout", title: "Logout fan-out", run: logoutBenchmark },
      { name: "calls", title: "Function-call latency", run: callsBenchmark },
      { name: "attach", title: "Attach time", run: attachBenchmark },
      { name: "bundle", title: "Bundle size", run: (e) => bundleBenchmark(e, tabsSizes, webSizes) },
      { name: "scale", title: "Scale: many tabs in one context", run: scaleBenchmark },
      { name: "worker", title: "Inside the SharedWorker: time per call and heap", run: workerBenchmark },
      { name: "floor", title: "The floor: a bare SharedWorker on this machine", run: floorBenchmark },
      // Last in Chromium: realm-tabs' collection.watch() was the newest code when this runner was written.
      { name: "watch", title: "Watch streams", run: watchBenchmark },
      // The same refresh and logout code in Firefox.
      { name: "refresh-firefox", title: "Refresh requests per access-token expiry (Firefox)", run: () => refreshBenchmark(firefoxEnv()) },
      { name: "logout-firefox", title: "Logout fan-out (Firefox)", run: () => logoutBenchmark(firefoxEnv()) },
    ]);
  } finally {
    const chromium = browser.version();
    await browser.close();
    await firefox?.close();
    await Promise.all([server.close(), shortTtlServer.close(), pagesServer.close()]);
    const total = (Date.now() - started) / 1000;
    writeFileSync(out, renderDoc(sections, chromium, total));
    log(`done in ${total.toFixed(0)} s; the table is in ${out}`);
    console.log(`Benchmark results: ${out}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
