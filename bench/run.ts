/**
 * `npm run bench`: builds the two benchmark pages, starts the local server and Chromium, runs every
 * benchmark side by side for realm-tabs and realm-web 2.0.1, and writes BENCHMARKS.md.
 *
 * Flags: `--smoke` (tiny sizes; writes bench/dist/BENCHMARKS.smoke.md), `--only=refresh,calls`,
 * `--out=FILE`. A benchmark that fails is recorded as not measured; the run itself fails only when
 * it cannot start (build, server or browser).
 * @packageDocumentation
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build, preview } from "vite";
import { startTestServer, type TestServer } from "../src/testing/server.js";
import { deadline, launch, pageUrl } from "./lib/browser.js";
import { FULL, SMOKE, type BenchEnv } from "./lib/env.js";
import { machineLines } from "./lib/machine.js";
import { failedSection, renderSection, type Section } from "./lib/report.js";
import { attachBenchmark } from "./suites/attach.js";
import { bundleBenchmark, measureBuild, type BuildItem, type BundleSizes } from "./suites/bundle.js";
import { callsBenchmark } from "./suites/calls.js";
import { logoutBenchmark } from "./suites/logout.js";
import { refreshBenchmark } from "./suites/refresh.js";
import { scaleBenchmark } from "./suites/scale.js";
import { watchBenchmark } from "./suites/watch.js";
import { benchRoot, benchViteConfig, type BenchPageName } from "./vite.config.js";

const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const args = process.argv.slice(2);
const smoke = args.includes("--smoke");
const only = args.find((a) => a.startsWith("--only="))?.slice(7).split(",");
const out = args.find((a) => a.startsWith("--out="))?.slice(6) ?? (smoke ? `${benchRoot}dist/BENCHMARKS.smoke.md` : `${repoRoot}BENCHMARKS.md`);
/** Benchmarks still to start after this many seconds are skipped, to end within 10 minutes. */
const BUDGET_S = smoke ? 50 : 540;
const started = Date.now();
const log = (m: string): void => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${m}`);

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
  return old.match(marker)?.[0] ?? "<!-- reading -->\n(Write the reading of this run here; `npm run bench` keeps this block.)\n<!-- /reading -->";
}

type Runner = { name: string; title: string; run: (env: BenchEnv) => Promise<Section> };

async function main(): Promise<void> {
  log(`building the benchmark pages${smoke ? " (smoke run)" : ""}`);
  const tabsSizes = await buildPage("tabs");
  const webSizes = await buildPage("web");
  const pagesServer = await preview({ configFile: false, root: benchRoot, logLevel: "warn", build: { outDir: "dist" }, preview: { host: "127.0.0.1", port: 0, strictPort: false } });
  const pagesUrl = pagesServer.resolvedUrls?.local[0];
  if (!pagesUrl) throw new Error("vite preview reported no URL");
  const sizes = smoke ? SMOKE : FULL;
  const functionsDir = `${benchRoot}functions`;
  const servers: TestServer[] = [];
  const server = await startTestServer({ appId: "bench", functionsDir });
  servers.push(server);
  const shortTtlServer = await startTestServer({ appId: "bench-ttl", functionsDir, accessTokenTtlSeconds: sizes.refreshTtlSeconds });
  servers.push(shortTtlServer);
  const browser = await launch();
  const env: BenchEnv = { browser, sizes, pagesUrl, server, shortTtlServer, log, url: (page, s) => pageUrl(pagesUrl, page, s.url, s.appId) };
  const runners: Runner[] = [
    { name: "refresh", title: "Refresh requests per access-token expiry", run: refreshBenchmark },
    { name: "logout", title: "Logout fan-out", run: logoutBenchmark },
    { name: "calls", title: "Function-call latency", run: callsBenchmark },
    { name: "attach", title: "Attach time", run: attachBenchmark },
    { name: "bundle", title: "Bundle size", run: (e) => bundleBenchmark(e, tabsSizes, webSizes) },
    { name: "scale", title: "Scale: many tabs in one context", run: scaleBenchmark },
    // Last: realm-tabs' collection.watch() was the newest code when this runner was written.
    { name: "watch", title: "Watch streams", run: watchBenchmark },
  ];
  const sections: (Section & { issueOrder: number })[] = [];
  const ISSUE_ORDER = ["refresh", "logout", "calls", "attach", "bundle", "watch", "scale"];
  try {
    for (const r of runners) {
      if (only && !only.includes(r.name)) continue;
      const t0 = Date.now();
      if ((t0 - started) / 1000 > BUDGET_S) {
        sections.push({ ...failedSection(r.title, "–", "skipped"), issueOrder: ISSUE_ORDER.indexOf(r.name), notes: [`**Not measured in this run:** skipped to keep the run under 10 minutes (${BUDGET_S} s budget used).`] });
        continue;
      }
      try {
        const left = Math.max(30, BUDGET_S + 40 - (t0 - started) / 1000);
        const section = await deadline(r.run(env), Math.min(left, 240) * 1000, `the ${r.name} benchmark`);
        sections.push({ ...section, issueOrder: ISSUE_ORDER.indexOf(r.name), seconds: (Date.now() - t0) / 1000 });
      } catch (error) {
        log(`${r.name} failed: ${String(error)}`);
        sections.push({ ...failedSection(r.title, "see bench/suites/" + r.name + ".ts", error), issueOrder: ISSUE_ORDER.indexOf(r.name) });
      }
    }
  } finally {
    const chromium = browser.version();
    await browser.close();
    await Promise.all(servers.map((s) => s.close()));
    await pagesServer.close();
    const total = (Date.now() - started) / 1000;
    const doc = [
      "# Benchmarks: realm-tabs vs realm-web 2.0.1",
      "",
      `Generated by \`npm run bench${smoke ? " -- --smoke" : ""}\` (bench/run.ts) on ${new Date().toISOString()}; the whole run took ${total.toFixed(0)} s. ` +
        "Same browser, same local server, same run; every ratio is realm-tabs ÷ realm-web unless a column says otherwise (below 1 = realm-tabs smaller or faster). " +
        "**The machine is shared with other engineers' test runs, so it may have been loaded during the run**; absolute times are noisy, the request counts are not.",
      "",
      ...machineLines(chromium),
      "",
      "Reproduce: `npm run bench` (about 8 minutes; `npm run bench -- --smoke` for a quick check that writes bench/dist/BENCHMARKS.smoke.md; `--only=refresh,calls` runs a subset).",
      "",
      "## Reading",
      "",
      keptReading(),
      "",
      ...sections.sort((a, b) => a.issueOrder - b.issueOrder).map((s, i) => renderSection(i + 1, s) + "\n"),
    ].join("\n");
    writeFileSync(out, doc);
    log(`done in ${total.toFixed(0)} s; the table is in ${out}`);
    console.log(`Benchmark results: ${out}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
