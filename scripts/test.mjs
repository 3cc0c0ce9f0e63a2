#!/usr/bin/env node
// Runs every suite of realm-tabs in turn (build, type check, lint, format check, Vitest, Playwright
// in Chromium, the scenarios in Firefox, pack) and ends with a block that a CI log's tail shows whole:
// every failed test of every suite (file, title, project and the first lines of its error), each
// suite's counts and duration, and last one line "N passed, N failed" summed over all of them.
// Exits non-zero if any suite failed or crashed. The pack suite installs the packed tarballs from
// the npm registry (each of its checks counts).
// Usage: npm test [-- --only typecheck|lint|format|vitest|playwright|firefox|pack]
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { failureReport, packFailures, playwrightFailures, vitestFailures } from "./test-failures.mjs";
import { typecheckAll } from "./typecheck.mjs";

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

if (!only || only === "typecheck") {
  // one pass or fail per target config (scripts/typecheck.mjs: DOM, WebWorker, Node, tests and tools)
  console.log("\n== type check (tsc --noEmit -p <each config>, two at a time)");
  const started = Date.now();
  const checks = await typecheckAll();
  for (const c of checks.filter((c) => c.code !== 0))
    failures.push({ suite: "typecheck", name: `${c.name} (tsc -p ${c.project})`, error: c.output || `exit ${c.code}` });
  const failed = checks.filter((c) => c.code !== 0).length;
  results.push({
    name: "typecheck",
    passed: checks.length - failed,
    failed,
    skipped: 0,
    ok: failed === 0,
    seconds: (Date.now() - started) / 1000,
  });
}

// lint and format: one pass or fail each
for (const [name, title, args] of [
  ["lint", "lint (eslint .)", ["eslint", "."]],
  ["format", "format (prettier --check .; npm run format fixes it)", ["prettier", "--check", "."]],
]) {
  if (only && only !== name) continue;
  console.log(`\n== ${title}`);
  const r = runCaptured("npx", args);
  // eslint prints each file's path on its own line above its problems; prettier prints "[warn] path"
  if (r.code !== 0) failures.push({ suite: name, name: `npx ${args.join(" ")}`, error: r.output });
  results.push({ name, passed: r.code === 0 ? 1 : 0, failed: r.code === 0 ? 0 : 1, skipped: 0, ok: r.code === 0, seconds: r.seconds });
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
  record("playwright", counts, r, playwrightFailures(json), json);
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
for (const line of failureReport(failures)) console.log(line);
console.log("\n== summary");
for (const r of results) {
  if (r.name === "build" && r.ok) console.log(`build: ok in ${r.seconds.toFixed(0)} s`);
  else
    console.log(
      `${r.name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped in ${r.seconds.toFixed(0)} s${r.ok ? "" : " (FAILED)"}`,
    );
}
console.log(`total time ${((Date.now() - startedAll) / 1000).toFixed(0)} s`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed + (r.ok || r.failed > 0 ? 0 : 1), 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
