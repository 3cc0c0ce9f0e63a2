import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/**
 * Files that take a minute or tens of seconds (real processes, real servers, a thousand chaos
 * operations), slowest first. They start before the rest so that no worker is left alone with one of
 * them at the end; a clean checkout has no timing cache for Vitest to order files by.
 */
const SLOW_FIRST = [
  "test/chaos/chaos.test.ts",
  "server/src/cli.test.ts",
  "server/src/index.test.ts",
  "worker/session/refresh.integration.test.ts",
  "server/test/crash.test.ts",
];

/** Vitest's order (cached durations, else file size), with {@link SLOW_FIRST} moved to the front. */
class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const i = SLOW_FIRST.findIndex((path) => spec.moduleId.endsWith(`/${path}`));
      return i < 0 ? SLOW_FIRST.length : i;
    };
    return sorted
      .map((spec, order) => ({ spec, order }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.order - b.order)
      .map(({ spec }) => spec);
  }
}

export default defineConfig({
  test: {
    include: ["{src,worker,server,test,demo,scripts,bench}/**/*.test.ts"],
    exclude: ["node_modules/**", "**/dist/**", "playwright/**"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // the line of each test in the JSON report, which npm test prints for every failed test
    includeTaskLocation: true,
    // Vitest's default is one worker fewer than the cores: ONE on a 2-core CI machine. Most files
    // wait on real servers, child processes and timers more than they compute, so two workers
    // per core keep both cores busy; every file starts its own servers on port 0.
    maxWorkers: 4,
    sequence: { sequencer: SlowFirstSequencer },
  },
});
