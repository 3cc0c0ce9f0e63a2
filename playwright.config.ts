import { accessSync, constants } from "node:fs";
import { defineConfig } from "@playwright/test";

/** Flags Debian's Chromium needs on this closed-network machine (see shared/reference/toolchain.md). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Whether `path` is a file this process may run. */
function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium this suite runs: Debian's `chromium-headless-shell` when it is installed (at
 * CHROMIUM_HEADLESS_SHELL_PATH, default /usr/bin/chromium-headless-shell), else the full Chromium at
 * CHROMIUM_PATH (default /usr/bin/chromium). The shell is Chromium's headless mode built as a
 * program of its own, from the same source and version: the same Blink, V8 and storage, without the
 * desktop browser's windows and UI around each tab, and it is what Playwright itself runs for
 * headless Chromium. A tab costs about a third of the CPU there (docs/browsers.md), which is what
 * keeps this suite within CI's time on two cores. An empty CHROMIUM_HEADLESS_SHELL_PATH runs the
 * suite in the full Chromium; the pack suite and the benchmarks always use the full Chromium.
 */
export function testChromiumPath(): string {
  const shell = process.env.CHROMIUM_HEADLESS_SHELL_PATH ?? "/usr/bin/chromium-headless-shell";
  if (shell !== "" && isExecutable(shell)) return shell;
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

export default defineConfig({
  testDir: "playwright",
  testMatch: "**/*.spec.ts",
  outputDir: "playwright/artifacts/test-results",
  // the test pages, built once for the run and served by each worker (playwright/testPages.ts)
  globalSetup: "./playwright/globalSetup.ts",
  fullyParallel: false,
  // Two spec files at a time, each worker with its own local server and Vite server (port 0) and
  // every test in a fresh browser context; most of a test's time is spent waiting on tabs.
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    browserName: "chromium",
    launchOptions: {
      executablePath: testChromiumPath(),
      args: CHROMIUM_ARGS,
    },
  },
  projects: [
    { name: "shared-worker" },
    {
      // The cross-tab suite again in a browser without SharedWorker: `auto` falls back to a leader
      // tab. `--disable-blink-features` (not `--disable-features`, which would be a second switch
      // next to Playwright's own list, see toolchain.md) makes `SharedWorker` undefined.
      name: "no-shared-worker",
      testMatch: ["cross-tab.spec.ts", "modes*.spec.ts"],
      use: {
        launchOptions: {
          executablePath: testChromiumPath(),
          args: [...CHROMIUM_ARGS, "--disable-blink-features=SharedWorker"],
        },
      },
    },
  ],
});
