#!/usr/bin/env node
// `npm run chaos -- --seed S --ops N [--tabs T] [--concurrency C]`: the long chaos convergence run
// (worker/chaos/run.ts). Without --seed a random seed is drawn and printed; a failing seed replays
// the same run. Exits 1 if any guarantee broke.
import { parseArgs } from "node:util";
import { tsImport } from "tsx/esm/api";

const { values } = parseArgs({
  options: {
    seed: { type: "string" },
    ops: { type: "string", default: "5000" },
    tabs: { type: "string", default: "6" },
    concurrency: { type: "string", default: "3" },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const ops = Number(values.ops);
if (!Number.isInteger(seed) || !Number.isInteger(ops) || ops < 1) {
  console.error("usage: npm run chaos -- --seed <integer> --ops <count> [--tabs 6] [--concurrency 3]");
  process.exit(2);
}
console.log(`[chaos] seed ${seed}, ${ops} operations, ${values.tabs} tabs (replay: npm run chaos -- --seed ${seed} --ops ${ops})`);
const { runChaos } = await tsImport("../worker/chaos/run.ts", import.meta.url);
const report = await runChaos({ seed, ops, tabs: Number(values.tabs), concurrency: Number(values.concurrency), log: (line) => console.log(line) });
console.log(JSON.stringify(report, null, 2));
if (report.violations.length > 0) {
  console.error(`[chaos] FAILED with seed ${seed}: ${report.violations.length} broken guarantees`);
  process.exit(1);
}
console.log(`[chaos] converged: seed ${seed}, ${ops} operations in ${(report.durationMs / 1000).toFixed(1)} s, ${report.restarts} worker restarts, max ${report.maxTabs} tabs`);
process.exit(0);
