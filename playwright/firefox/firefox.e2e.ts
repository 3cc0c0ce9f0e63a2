/**
 * The cross-browser scenarios (playwright/scenarios/) in Firefox: Debian's Firefox ESR driven by
 * puppeteer-core over WebDriver BiDi, one fresh browser context per scenario, against the local
 * server and the test pages built by Vite (playwright/testPages.ts). Then the scenarios that depend on storage again in a
 * Firefox whose every window is private (IndexedDB and the WebCrypto key in private storage).
 * Run with `npm run test:firefox` (part of `npm test`).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { TestPageServer, TestServer } from "../../src/testing/server.js";
import { launchFirefox, type FirefoxDriver, type FirefoxOptions } from "../drivers/firefox.js";
import { SCENARIOS, type Scenario } from "../scenarios/index.js";
import { realmWebImport } from "../scenarios/migration.js";
import { restoreAfterAllClosed } from "../scenarios/restore.js";
import { pageUrl, runScenario, startScenarioPages, startScenarioServer } from "../scenarios/scenario.js";
import { sealedAtRest } from "../scenarios/sealing.js";
import { loginEverywhere } from "../scenarios/session.js";

let server: TestServer;
let pages: TestPageServer;

beforeAll(async () => {
  // one after the other: the build sets NODE_ENV for its duration, which a server starting meanwhile would read
  pages = await startScenarioPages();
  server = await startScenarioServer();
});

afterAll(async () => {
  await Promise.all([pages?.close(), server?.close()]);
});

/** One Firefox for a describe block: launched before its first test, closed after its last. */
function firefoxFor(label: string, options: FirefoxOptions): () => FirefoxDriver {
  let driver: FirefoxDriver | undefined;
  beforeAll(async () => {
    driver = await launchFirefox(options);
    console.log(`[${label}] ${driver.version}`);
  });
  afterAll(async () => {
    await driver?.close();
  });
  return () => {
    if (!driver) throw new Error("Firefox did not start (see the beforeAll error)");
    return driver;
  };
}

/** One test per scenario, each in a fresh browser context. */
function scenarioTests(label: string, scenarios: readonly Scenario[], driverOf: () => FirefoxDriver): void {
  for (const scenario of scenarios) {
    test(scenario.title, { timeout: scenario.timeout }, async () => {
      const driver = driverOf();
      const context = await driver.newContext();
      try {
        await runScenario(scenario, {
          driver,
          context,
          server,
          pagesUrl: pages.url,
          url: pageUrl(pages.url, server),
          note: (text) => console.log(`[${label}] ${scenario.title}: ${text}`),
        });
      } finally {
        await context.close();
      }
    });
  }
}

describe("Firefox", () => {
  scenarioTests("firefox", SCENARIOS, firefoxFor("firefox", {}));
});

describe("Firefox, every window private", () => {
  const profileDir = mkdtempSync(join(tmpdir(), "realm-tabs-firefox-private-"));
  afterAll(() => rmSync(profileDir, { recursive: true, force: true }));
  const driverOf = firefoxFor("firefox private", { profileDir, prefs: { "browser.privatebrowsing.autostart": true } });
  scenarioTests("firefox private", [loginEverywhere, restoreAfterAllClosed, sealedAtRest, realmWebImport], driverOf);

  test("the session was stored in private storage only (nothing of the test origin in the normal profile storage)", () => {
    const storage = join(profileDir, "storage");
    const normal = existsSync(join(storage, "default")) ? readdirSync(join(storage, "default")).filter((d) => d.includes("127.0.0.1")) : [];
    expect({ privateStorage: existsSync(join(storage, "private")), normal }).toEqual({ privateStorage: true, normal: [] });
  });
});
