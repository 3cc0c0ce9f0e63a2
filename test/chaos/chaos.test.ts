import { describe, expect, it } from "vitest";
import { mulberry32 } from "./prng.js";
import { runChaos } from "./run.js";

const SEED = Number(process.env.CHAOS_SEED ?? 20261127);
const OPS = Number(process.env.CHAOS_OPS ?? 400);

describe("chaos convergence (Node: real host, fake-indexeddb, real server with faults)", () => {
  it("mulberry32 replays the same sequence for the same seed", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(new Set(xs).size).toBe(5);
  });

  it(`${OPS} seeded operations across 5+ tabs converge (seed ${SEED})`, async () => {
    const report = await runChaos({ seed: SEED, ops: OPS, tabs: 5 });
    console.log(
      `[chaos] seed ${report.seed}, ${report.ops} ops in ${report.durationMs} ms, ${report.restarts} worker restarts, max ${report.maxTabs} tabs, final epoch ${report.finalEpoch}; ops ${JSON.stringify(report.byKind)}; errors ${JSON.stringify(report.errors)}`,
    );
    expect(report.violations).toEqual([]);
    expect(Object.values(report.byKind).reduce((s, n) => s + n, 0)).toBe(OPS);
    expect(report.maxTabs).toBeGreaterThanOrEqual(5);
  }, 600_000);
});
