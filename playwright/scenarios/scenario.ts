/**
 * What a cross-browser scenario is and what it gets from its runner (the Playwright spec
 * playwright/cross-tab.spec.ts for Chromium, playwright/firefox/ for Firefox), and the explicit
 * paths of the servers every runner starts.
 * @packageDocumentation
 */
import { fileURLToPath } from "node:url";
import { startTestServer, type TestPageServer, type TestServer, type TestServerOptions } from "../../src/testing/server.js";
import { testPageUrl } from "../../src/testing/tabs.js";
import type { BrowserDriver, TabContext } from "../drivers/driver.js";
import { startBuiltTestPages } from "../testPages.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** The runner's environment of one scenario. */
export interface ScenarioEnv {
  driver: BrowserDriver;
  /** A fresh isolated context for this scenario (closed by the runner). */
  context: TabContext;
  /** The local server shared by the scenarios of a run (default token lifetimes). */
  server: TestServer;
  /** The test page server's base URL. */
  pagesUrl: string;
  /** The test page against {@link ScenarioEnv.server}. */
  url: string;
  /** Starts another local server (same functions); the runner closes it after the scenario. */
  startServer(options: TestServerOptions): Promise<TestServer>;
  /** Records a measured value for the report (Playwright annotation, Firefox runner log). */
  note(text: string): void;
}

/** One scenario: a title, a deadline, and the steps. */
export interface Scenario {
  title: string;
  /** Deadline of the whole scenario, in ms. */
  timeout: number;
  run(env: ScenarioEnv): Promise<void>;
}

/** The functions of the test server (sum, sleep). */
export const FUNCTIONS_DIR = `${repoRoot}playwright/functions`;

/** Starts a local server with the test functions (127.0.0.1, port 0, in memory). */
export function startScenarioServer(options: TestServerOptions = {}): Promise<TestServer> {
  // The scenarios test tabs, not data access rules: every collection is open to every user.
  return startTestServer({ functionsDir: FUNCTIONS_DIR, allowAllData: true, onWarning: () => undefined, ...options });
}

/** Builds the test pages (playwright/app/) with the repository's config and serves them. */
export function startScenarioPages(): Promise<TestPageServer> {
  return startBuiltTestPages();
}

/** The test page URL for a server. */
export function pageUrl(pagesUrl: string, server: TestServer): string {
  return testPageUrl(new URL("/playwright/app/index.html", pagesUrl), server);
}

/**
 * Runs `scenario` with servers started through `startServer` closed afterwards, whatever happens.
 * @throws whatever the scenario throws
 */
export async function runScenario(scenario: Scenario, base: Omit<ScenarioEnv, "startServer">): Promise<void> {
  const extra: TestServer[] = [];
  try {
    await scenario.run({
      ...base,
      startServer: async (options) => {
        const server = await startScenarioServer(options);
        extra.push(server);
        return server;
      },
    });
  } finally {
    await Promise.all(extra.map((s) => s.close().catch(() => undefined)));
  }
}
