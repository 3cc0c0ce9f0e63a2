#!/usr/bin/env node
// Runs every suite of realm-tabs in turn (build, type check, lint, format check, Vitest, Playwright
// in Chromium, the scenarios in Firefox, pack) and ends with one line "N passed, N failed" summed over
// all of them. Exits non-zero if any suite failed or crashed. The pack suite installs the packed
// tarballs from the npm registry (each of its checks counts).
// Usage: npm test [-- --only typecheck|lint|format|size|vitest|playwright|firefox|pack]
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { typecheck, typecheckProjects } from "./typecheck.mjs";

const root = new URL("..", import.meta.url).pathname;
const outDir = join(root, ".test-results");
mkdirSync(outDir, { recursive: true });
const onlyIndex = process.argv.indexOf("--only");
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;

/** @type {{name: string, passed: number, failed: number, skipped: number, ok: boolean}[]} */
const results = [];

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function readJson(path) {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

// The server's tests spawn its compiled bin, and the test kit loads the built realm-tabs-server: build
// both packages first (a failed build is a failed suite).
{
  console.log("\n== build (npm run build: the server into server/dist/, then the library into dist/)");
  const code = run("npm", ["run", "build", "--silent"]);
  if (code !== 0) results.push({ name: "build", passed: 0, failed: 1, skipped: 0, ok: false });
}

if (!only || only === "typecheck") {
  // one pass or fail per target config (scripts/typecheck.mjs: DOM, WebWorker, Node, tests and tools)
  let passed = 0;
  let failed = 0;
  for (const { name, project } of typecheckProjects) {
    console.log(`\n== type check: ${name} (tsc --noEmit -p ${project})`);
    if (typecheck(project) === 0) passed++;
    else failed++;
  }
  results.push({ name: "typecheck", passed, failed, skipped: 0, ok: failed === 0 });
}

// lint and format: one pass or fail each
for (const [name, title, args] of [
  ["lint", "lint (eslint .)", ["eslint", "."]],
  ["format", "format (prettier --check .; npm run format fixes it)", ["prettier", "--check", "."]],
]) {
  if (only && only !== name) continue;
  console.log(`\n== ${title}`);
  const code = run("npx", args);
  results.push({ name, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0, ok: code === 0 });
}

if (!only || only === "size") {
  // bytes, not time: bson and the fallback modes stay out of a tab's initial scripts, within a gzip budget
  console.log("\n== size (the quick-start page built by Vite: bench/size/check.ts)");
  const file = join(outDir, "size.json");
  rmSync(file, { force: true });
  const code = run("npx", ["tsx", "bench/size/check.ts", "--results", file]);
  const json = readJson(file);
  const failed = (json?.failed ?? 0) + (json ? 0 : 1);
  results.push({ name: "size", passed: json?.passed ?? 0, failed, skipped: 0, ok: code === 0 && failed === 0 });
}

if (!only || only === "vitest") {
  console.log("\n== vitest (unit, integration, realm-web conformance)");
  const file = join(outDir, "vitest.json");
  rmSync(file, { force: true });
  const code = run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${file}`]);
  const json = readJson(file);
  const passed = json?.numPassedTests ?? 0;
  const failed = (json?.numFailedTests ?? 0) + (json ? 0 : 1);
  const skipped = (json?.numPendingTests ?? 0) + (json?.numTodoTests ?? 0);
  results.push({ name: "vitest", passed, failed, skipped, ok: code === 0 && failed === 0 });
}

if (!only || only === "playwright") {
  console.log("\n== playwright (cross-tab end to end, Chromium)");
  const file = join(outDir, "playwright.json");
  rmSync(file, { force: true });
  const code = run("npx", ["playwright", "test", "--reporter=list,json", "--pass-with-no-tests"], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: file,
  });
  const json = readJson(file);
  const stats = json?.stats;
  const passed = (stats?.expected ?? 0) + (stats?.flaky ?? 0);
  const failed = (stats?.unexpected ?? 0) + (json ? 0 : 1);
  results.push({ name: "playwright", passed, failed, skipped: stats?.skipped ?? 0, ok: code === 0 && failed === 0 });
}

if (!only || only === "firefox") {
  console.log("\n== firefox (the cross-browser scenarios in Firefox ESR, puppeteer-core over WebDriver BiDi)");
  const file = join(outDir, "firefox.json");
  rmSync(file, { force: true });
  const code = run("npx", [
    "vitest",
    "run",
    "--config",
    "playwright/firefox/vitest.config.ts",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${file}`,
  ]);
  const json = readJson(file);
  const passed = json?.numPassedTests ?? 0;
  const failed = (json?.numFailedTests ?? 0) + (json ? 0 : 1);
  const skipped = (json?.numPendingTests ?? 0) + (json?.numTodoTests ?? 0);
  results.push({ name: "firefox", passed, failed, skipped, ok: code === 0 && failed === 0 });
}

if (!only || only === "pack") {
  console.log("\n== pack (both tarballs installed from the npm registry into fresh folders: npm run test:pack)");
  const file = join(outDir, "pack.json");
  rmSync(file, { force: true });
  const code = run("npx", ["tsx", "playwright/pack/packed-app.ts", "--results", file]);
  const json = readJson(file);
  const passed = json?.passed ?? 0;
  const failed = (json?.failed ?? 0) + (json ? 0 : 1);
  results.push({ name: "pack", passed, failed, skipped: 0, ok: code === 0 && failed === 0 });
}

console.log("\n== summary");
for (const r of results) {
  console.log(`${r.name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped${r.ok ? "" : " (FAILED)"}`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed + (r.ok || r.failed > 0 ? 0 : 1), 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
