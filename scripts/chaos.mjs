#!/usr/bin/env node
// `npm run chaos -- --seed S --ops N [--tabs T] [--concurrency C] [--target node|browser|both]`: the
// long chaos convergence run: in Node (test/chaos/run.ts: App tabs over MessageChannels, real host,
// fake-indexeddb, real server) and then in Chromium (playwright/chaos.spec.ts: real tabs and
// SharedWorker, with --browser-ops operations, default ops / 5). Without --seed a random seed is
// drawn and printed; a failing seed replays the same run. Exits 1 if any guarantee broke.
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { tsImport } from "tsx/esm/api";

const { values } = parseArgs({
  options: {
    seed: { type: "string" },
    ops: { type: "string", default: "5000" },
    tabs: { type: "string", default: "6" },
    concurrency: { type: "string", default: "3" },
    target: { type: "string", default: "both" },
    "browser-ops": { type: "string" },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const ops = Number(values.ops);
if (!Number.isInteger(seed) || !Number.isInteger(ops) || ops < 1) {
  console.error("usage: npm run chaos -- --seed <integer> --ops <count> [--tabs 6] [--concurrency 3]");
  process.exit(2);
}
console.log(`[chaos] seed ${seed}, ${ops} operations, ${values.tabs} tabs (replay: npm run chaos -- --seed ${seed} --ops ${ops})`);
let failed = false;
if (values.target !== "browser") {
  const { runChaos } = await tsImport("../test/chaos/run.ts", import.meta.url);
  const report = await runChaos({
    seed,
    ops,
    tabs: Number(values.tabs),
    concurrency: Number(values.concurrency),
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify(report, null, 2));
  if (report.violations.length > 0) {
    console.error(`[chaos] Node run FAILED with seed ${seed}: ${report.violations.length} broken guarantees`);
    failed = true;
  } else {
    console.log(
      `[chaos] Node run converged: seed ${seed}, ${ops} operations in ${(report.durationMs / 1000).toFixed(1)} s, ${report.restarts} worker restarts, max ${report.maxTabs} tabs`,
    );
  }
}
if (values.target !== "node") {
  const browserOps = values["browser-ops"] ?? String(Math.max(1, Math.round(ops / 5)));
  console.log(`[chaos] browser run: seed ${seed}, ${browserOps} operations (npx playwright test playwright/chaos.spec.ts)`);
  const run = spawnSync("npx", ["playwright", "test", "playwright/chaos.spec.ts", "--project=shared-worker", "--reporter=line"], {
    stdio: "inherit",
    env: { ...process.env, CHAOS_SEED: String(seed), CHAOS_BROWSER_OPS: browserOps },
  });
  if (run.status !== 0) {
    console.error(`[chaos] browser run FAILED with seed ${seed} (replay: npm run chaos -- --seed ${seed} --ops ${ops} --target browser)`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
