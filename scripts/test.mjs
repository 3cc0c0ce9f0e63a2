#!/usr/bin/env node
// Runs every suite of realm-tabs in turn (build, type check, lint, format check, Vitest, Playwright
// in Chromium, the scenarios in Firefox, pack) and ends with a block that a CI log's tail shows whole:
// every failed test of every suite (file, title, project and the first lines of its error), each
// suite's counts and duration, and last one line "N passed, N failed" summed over all of them.
// Exits non-zero if any suite failed or crashed. The pack suite installs the packed tarballs from
// the npm registry (each of its checks counts).
// Usage: npm test [-- --only typecheck|lint|format|size|vitest|playwright|firefox|pack]
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { failureReport, packFailures, playwrightFailures, vitestFailures } from "./test-failures.mjs";
import { inLanes, printJob, runKept } from "./lanes.mjs";
import { typecheck, typecheckProjects, typecheckTitle } from "./typecheck.mjs";

const root = new URL("..", import.meta.url).pathname;
const outDir = join(root, ".test-results");
mkdirSync(outDir, { recursive: true });
const onlyIndex = process.argv.indexOf("--only");
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;
const startedAll = Date.now();

/** @type {{name: string, passed: number, failed: number, skipped: number, ok: boolean, seconds: number}[]} */
const results = [];
/** @type {{suite: string, name: string, error: string}[]} */
const failures = [];

/** Runs a command with the output streamed; returns its exit status and duration. */
function run(cmd, args, env = {}) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  return { code: r.status ?? 1, seconds: (Date.now() - started) / 1000 };
}

/** Runs a command, prints its output when it ends and returns that output too (for the failures block). */
function runCaptured(cmd, args) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? `${r.error.message}\n` : ""}`;
  process.stdout.write(output);
  return { code: r.status ?? 1, seconds: (Date.now() - started) / 1000, output };
}

function readJson(path) {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Records a suite run by a test runner: its counts, and its failed tests; a non-zero exit without a
 * failed test in the report (no report at all, an unhandled error, a crash) counts as one failure.
 */
function record(name, { passed, failed, skipped }, { code, seconds }, found, json) {
  for (const f of found) failures.push({ suite: name, ...f });
  if (!json)
    failures.push({ suite: name, name: "(no report)", error: `exited with ${code} without writing its report; see its output above` });
  else if (code !== 0 && found.length === 0)
    failures.push({
      suite: name,
      name: "(outside any test)",
      error: `exited with ${code} with no failed test in its report; see its output above`,
    });
  results.push({ name, passed, failed: failed + (json ? 0 : 1), skipped, ok: code === 0 && failed === 0 && !!json, seconds });
}

// The server's tests spawn its compiled bin, and the test kit loads the built realm-tabs-server: build
// both packages first, once, for every suite (a failed build is a failed suite).
{
  console.log("\n== build (npm run build: the server into server/dist/, then the library into dist/)");
  const r = runCaptured("npm", ["run", "build", "--silent"]);
  const ok = r.code === 0;
  if (!ok) failures.push({ suite: "build", name: "npm run build", error: r.output.split("\n").slice(-8).join("\n") });
  // counted only when it fails, as before: a passing build adds no test to the total
  results.push({ name: "build", passed: 0, failed: ok ? 0 : 1, skipped: 0, ok, seconds: r.seconds });
}

/** Wall time of the static checks, which run side by side (their suites' own times overlap). */
let staticSeconds = 0;

// The static checks, side by side two at a time (each is one single-threaded process): eslint first
// (the longest), then the type check of each target config (scripts/typecheck.mjs: DOM, WebWorker,
// Node, tests and tools), then prettier. Type check: one pass or fail per config; lint and format:
// one each.
{
  /** @type {{suite: string, title: string, name: string, cmd: string, args: string[]}[]} */
  const jobs = [];
  if (!only || only === "lint")
    jobs.push({ suite: "lint", title: "lint (eslint .)", name: "npx eslint .", cmd: "npx", args: ["eslint", "."] });
  if (!only || only === "typecheck")
    for (const p of typecheckProjects)
      jobs.push({ suite: "typecheck", title: typecheckTitle(p), name: `${p.name} (tsc -p ${p.project})`, project: p.project });
  if (!only || only === "format")
    jobs.push({
      suite: "format",
      title: "format (prettier --check .; npm run format fixes it)",
      name: "npx prettier --check .",
      cmd: "npx",
      args: ["prettier", "--check", "."],
    });
  if (jobs.length > 0) {
    console.log(`\n== static checks: ${[...new Set(jobs.map((j) => j.suite))].join(", ")} (two at a time)`);
    const started = Date.now();
    /** @type {Map<string, {passed: number, failed: number, seconds: number}>} */
    const suites = new Map();
    await inLanes(
      jobs,
      (job) => (job.project !== undefined ? typecheck(job.project) : runKept(job.cmd, job.args, root)),
      (job, outcome) => {
        printJob(job.title, outcome);
        // eslint prints each file's path above its problems, prettier "[warn] path", tsc "path(line,col): error"
        if (outcome.code !== 0) failures.push({ suite: job.suite, name: job.name, error: outcome.output || `exit ${outcome.code}` });
        const suite = suites.get(job.suite) ?? { passed: 0, failed: 0, seconds: 0 };
        if (outcome.code === 0) suite.passed++;
        else suite.failed++;
        suite.seconds += outcome.seconds;
        suites.set(job.suite, suite);
      },
    );
    // each suite's own time (its commands' durations added up); the block's wall time is printed too
    for (const [name, { passed, failed, seconds }] of suites) results.push({ name, passed, failed, skipped: 0, ok: failed === 0, seconds });
    staticSeconds = (Date.now() - started) / 1000;
  }
}

/** Runs Vitest with a JSON report next to the default one and records it as suite `name`. */
function vitestSuite(name, extraArgs) {
  const file = join(outDir, `${name}.json`);
  rmSync(file, { force: true });
  const r = run("npx", ["vitest", "run", ...extraArgs, "--reporter=default", "--reporter=json", `--outputFile.json=${file}`]);
  const json = readJson(file);
  const counts = {
    passed: json?.numPassedTests ?? 0,
    failed: json?.numFailedTests ?? 0,
    skipped: (json?.numPendingTests ?? 0) + (json?.numTodoTests ?? 0),
  };
  record(name, counts, r, vitestFailures(json, root), json);
}

if (!only || only === "size") {
  // bytes, not time: bson and the fallback modes stay out of a tab's initial scripts, within a gzip budget
  console.log("\n== size (the quick-start page built by Vite: bench/size/check.ts)");
  const file = join(outDir, "size.json");
  rmSync(file, { force: true });
  const r = run("npx", ["tsx", "bench/size/check.ts", "--results", file]);
  const json = readJson(file);
  const found = Array.isArray(json?.failures) ? json.failures : [];
  record("size", { passed: json?.passed ?? 0, failed: json?.failed ?? 0, skipped: 0 }, r, found, json);
}

if (!only || only === "vitest") {
  console.log("\n== vitest (unit, integration, realm-web conformance)");
  vitestSuite("vitest", []);
}

if (!only || only === "playwright") {
  console.log("\n== playwright (cross-tab end to end, Chromium)");
  const file = join(outDir, "playwright.json");
  rmSync(file, { force: true });
  const r = run("npx", ["playwright", "test", "--reporter=list,json", "--pass-with-no-tests"], { PLAYWRIGHT_JSON_OUTPUT_NAME: file });
  const json = readJson(file);
  const stats = json?.stats;
  const counts = { passed: (stats?.expected ?? 0) + (stats?.flaky ?? 0), failed: stats?.unexpected ?? 0, skipped: stats?.skipped ?? 0 };
  record("playwright", counts, r, playwrightFailures(json, root), json);
}

if (!only || only === "firefox") {
  console.log("\n== firefox (the cross-browser scenarios in Firefox ESR, puppeteer-core over WebDriver BiDi)");
  vitestSuite("firefox", ["--config", "playwright/firefox/vitest.config.ts"]);
}

if (!only || only === "pack") {
  console.log("\n== pack (both tarballs installed from the npm registry into fresh folders: npm run test:pack)");
  const file = join(outDir, "pack.json");
  rmSync(file, { force: true });
  // both packages were built above: the packs skip their prepack rebuild (PACK_PREBUILT)
  const r = run("npx", ["tsx", "playwright/pack/packed-app.ts", "--results", file], results[0]?.ok ? { PACK_PREBUILT: "1" } : {});
  const json = readJson(file);
  record("pack", { passed: json?.passed ?? 0, failed: json?.failed ?? 0, skipped: 0 }, r, packFailures(json), json);
}

console.log("");
for (const line of failureReport(failures.map((f) => ({ ...f, error: f.error.replaceAll(root, "") })))) console.log(line);
console.log("\n== summary");
for (const r of results) {
  if (r.name === "build" && r.ok) console.log(`build: ok in ${r.seconds.toFixed(0)} s`);
  else
    console.log(
      `${r.name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped in ${r.seconds.toFixed(0)} s${r.ok ? "" : " (FAILED)"}`,
    );
}
if (staticSeconds > 0) console.log(`(the static checks above ran side by side in ${staticSeconds.toFixed(0)} s of wall time)`);
console.log(`total time ${((Date.now() - startedAll) / 1000).toFixed(0)} s`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed + (r.ok || r.failed > 0 ? 0 : 1), 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
