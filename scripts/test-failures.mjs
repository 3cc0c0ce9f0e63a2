// The failed tests of each suite's report, as short readable entries (name and the first lines of the
// error), and their printing in a block that fits the tail of a CI log. Used by scripts/test.mjs.

/** Removes terminal colour codes. */
export function stripAnsi(text) {
  // eslint-disable-next-line no-control-regex
  return String(text).replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
}

/**
 * Lines that say nothing the rest does not: stack frames of the runners' own code and of Node, and
 * the source excerpt Playwright prints under an error (the frames below it name the same line).
 */
const NOISE = /^\s*at .*(node_modules|node:internal|<anonymous>)|^\s*>?\s*\d+ \||^\s*\|\s*\^/;

/** The first `max` non-empty lines of `text` without noise (see {@link NOISE}), colour codes removed. */
export function firstLines(text, max) {
  return stripAnsi(text ?? "")
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "" && !NOISE.test(l))
    .slice(0, max);
}

function relative(path, root) {
  return root && typeof path === "string" && path.startsWith(root) ? path.slice(root.length).replace(/^\/+/, "") : String(path);
}

/**
 * The failed tests of a Vitest JSON report (`--reporter=json`): one entry per failed test, and one per
 * file that failed without a failed test (an import error, a failing hook).
 * @param {any} json the parsed report
 * @param {string} [root] prefix removed from file paths
 * @returns {{name: string, error: string}[]}
 */
export function vitestFailures(json, root) {
  const out = [];
  for (const file of json?.testResults ?? []) {
    const path = relative(file.name, root);
    let failedTests = 0;
    for (const t of file.assertionResults ?? []) {
      if (t.status !== "failed") continue;
      failedTests++;
      const title = [...(t.ancestorTitles ?? []), t.title].filter(Boolean).join(" > ");
      const line = t.location?.line ? `:${t.location.line}` : "";
      out.push({ name: `${path}${line} > ${title}`, error: (t.failureMessages ?? []).join("\n") || "(no message)" });
    }
    if (file.status === "failed" && failedTests === 0)
      out.push({ name: path, error: file.message || "(the file failed without a message)" });
  }
  return out;
}

function playwrightError(result) {
  const errors = result.errors?.length ? result.errors : result.error ? [result.error] : [];
  return errors
    .map((e) => {
      const at = e.location ? `at ${e.location.file.replace(/^.*\/playwright\//, "playwright/")}:${e.location.line}\n` : "";
      return `${e.message ?? e.value ?? e.stack ?? "(no message)"}\n${at}`;
    })
    .join("\n");
}

/**
 * The failed tests of a Playwright JSON report (`--reporter=json`): one entry per test (spec and
 * project) whose outcome was unexpected, and one per error outside any test.
 * @param {any} json the parsed report
 * @param {string} [root] prefix removed from file paths
 * @returns {{name: string, error: string}[]}
 */
export function playwrightFailures(json, root) {
  const out = [];
  // spec files are named relative to the test folder (config.rootDir)
  const dir = typeof json?.config?.rootDir === "string" ? `${json.config.rootDir.replace(/\/+$/, "")}/` : "";
  const walk = (suite, titles) => {
    const here = suite.title && !suite.title.endsWith(".ts") ? [...titles, suite.title] : titles;
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== "unexpected") continue;
        const last = [...(t.results ?? [])].reverse().find((r) => r.status !== "passed" && r.status !== "skipped") ?? {};
        const name = `${relative(`${dir}${spec.file ?? suite.file}`, root)}:${spec.line} > ${[...here, spec.title].join(" > ")} [${t.projectName}] (${last.status ?? "failed"})`;
        out.push({ name, error: playwrightError(last) || "(no message)" });
      }
    }
    for (const child of suite.suites ?? []) walk(child, here);
  };
  for (const suite of json?.suites ?? []) walk(suite, []);
  for (const e of json?.errors ?? []) out.push({ name: "(outside any test)", error: e.message ?? e.stack ?? String(e.value) });
  return out;
}

/**
 * The failed checks of the pack suite's results file (playwright/pack/checks.ts).
 * @param {any} json the parsed results
 * @returns {{name: string, error: string}[]}
 */
export function packFailures(json) {
  return (json?.checks ?? []).filter((c) => !c.ok).map((c) => ({ name: c.name, error: c.error ?? "(no message)" }));
}

/**
 * The lines of the failures block: every failure's suite and name, and as many first lines of its
 * error as fit in about `budget` lines in all (at least one each, at most eight).
 * @param {{suite: string, name: string, error: string}[]} failures
 * @param {number} [budget]
 * @returns {string[]}
 */
export function failureReport(failures, budget = 44) {
  if (failures.length === 0) return [];
  const shown = failures.slice(0, Math.max(1, Math.floor(budget / 2)));
  const perError = Math.max(1, Math.min(8, Math.floor(budget / shown.length) - 1));
  const lines = [`== failures (${failures.length})`];
  for (const f of shown) {
    lines.push(`FAIL [${f.suite}] ${f.name}`);
    for (const l of firstLines(f.error, perError)) lines.push(`    ${l.length > 300 ? `${l.slice(0, 300)}…` : l}`);
  }
  if (shown.length < failures.length) lines.push(`… and ${failures.length - shown.length} more (see the reports in .test-results/)`);
  return lines;
}
