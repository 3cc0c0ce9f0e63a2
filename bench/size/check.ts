/**
 * The size budget (`npm test` runs it; bytes, not time): builds the quick-start page over
 * realm-tabs and over realm-web with Vite (no config) and fails if bson or a fallback mode is
 * among the scripts a tab loads at start, or if those scripts exceed {@link INITIAL_GZ_BUDGET}
 * gzip bytes. Prints one line per check and, with `--results FILE`, writes `{passed, failed, failures}`.
 * Usage: `npx tsx bench/size/check.ts [--results FILE]`
 * @packageDocumentation
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { NOT_INITIAL, measureQuickStart } from "./quickstart.js";

/**
 * gzip bytes (level 9, summed per chunk) of the scripts the realm-tabs quick start loads at start:
 * the value measured when the budget was last set, plus about 3 %. Set at 16,500 for 15,997 B
 * (Vite 8.3.8); raised to 17,800 for 17,283 B when errors started crossing as outcomes (the
 * scoped Comlink wrapper) and the in-realm page channel joined the tab's start (the redirect login
 * itself is loaded on first use). Lower it when the page gets smaller; raise it only with a reason
 * in the commit.
 */
export const INITIAL_GZ_BUDGET = 17_800;

const out = fileURLToPath(new URL("../dist/size/", import.meta.url));
const resultsAt = process.argv.indexOf("--results");
const checks: { name: string; ok: boolean; detail: string }[] = [];

const tabs = await measureQuickStart("tabs", `${out}tabs`);
const web = await measureQuickStart("web", `${out}web`);
for (const { what, pattern } of NOT_INITIAL) {
  const found = tabs.initial.modules.filter((m) => pattern.test(m));
  checks.push({ name: `${what} is not loaded at start`, ok: found.length === 0, detail: found.length ? found.join(", ") : "absent" });
}
checks.push({
  name: `initial scripts within ${INITIAL_GZ_BUDGET} gzip bytes`,
  ok: tabs.initial.gz <= INITIAL_GZ_BUDGET,
  detail: `${tabs.initial.gz} B gz in ${tabs.initial.files.length} files (realm-web: ${web.initial.gz} B, ratio ${(tabs.initial.gz / web.initial.gz).toFixed(2)}); worker ${tabs.worker.gz} B gz`,
});
for (const c of checks) console.log(`${c.ok ? "ok  " : "FAIL"} size: ${c.name} (${c.detail})`);
const failed = checks.filter((c) => !c.ok).length;
if (resultsAt >= 0)
  writeFileSync(
    process.argv[resultsAt + 1]!,
    JSON.stringify({
      passed: checks.length - failed,
      failed,
      failures: checks.filter((c) => !c.ok).map((c) => ({ name: c.name, error: c.detail })),
    }),
  );
process.exitCode = failed === 0 ? 0 : 1;
