import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/**
 * Files that take a minute or tens of seconds (real processes, real servers, hundreds of chaos
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

/** Files and folders no project collects. */
const EXCLUDE = ["node_modules/**", "**/dist/**", "playwright/**"];

export default defineConfig({
  test: {
    exclude: EXCLUDE,
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
    // the server's thread entries, bundled once for the run (server/test/threadBundles.ts)
    globalSetup: ["server/test/threadBundles.ts"],
    projects: [
      {
        // The server's files share their worker processes (no isolation): each file otherwise pays
        // a fresh process and a fresh import of fastify, mingo, graphql and zod, a third of the
        // suite's time on two cores. Their state lives in the servers they start and close; the
        // one module-level state they share, realm-web's in-memory storage, is emptied before
        // each file (server/test/isolation.ts).
        extends: true,
        test: {
          name: "server",
          include: ["server/**/*.test.ts"],
          isolate: false,
          setupFiles: ["server/test/isolation.ts"],
        },
      },
      {
        // The library's files stub globals (SharedWorker, BroadcastChannel, IndexedDB): each runs
        // in a process of its own.
        extends: true,
        test: {
          name: "library",
          include: ["{src,worker,test,demo,scripts,bench}/**/*.test.ts"],
        },
      },
    ],
  },
});
