/**
 * The Firefox driver: Debian's Firefox ESR driven by puppeteer-core over WebDriver BiDi (Playwright
 * 1.65 cannot drive it: its `newContext` sends a BiDi command Firefox ESR does not know).
 * Contexts are BiDi user contexts (`browser.createBrowserContext()`): each has its own
 * SharedWorker, IndexedDB, localStorage and BroadcastChannels.
 * @packageDocumentation
 */
import puppeteer, { type Browser, type BrowserContext, type Page } from "puppeteer-core";
import type { BrowserDriver, ContextOptions, Tab, TabContext } from "./driver.js";
import { pollUntil } from "./poll.js";

/** Options of {@link launchFirefox}. */
export interface FirefoxOptions {
  /** The Firefox binary; default `FIREFOX_PATH` or /usr/bin/firefox-esr. */
  executablePath?: string;
  /** Extra Firefox preferences (written to the profile's user.js). */
  prefs?: Record<string, unknown>;
  /** The profile folder (created empty by the caller, who removes it); default a temporary one puppeteer removes. */
  profileDir?: string;
}

/** A launched Firefox and its driver. */
export interface FirefoxDriver extends BrowserDriver {
  /** The browser's version string, e.g. `firefox/153.8.0`. */
  readonly version: string;
}

const NAVIGATION_MS = 30_000;

/**
 * Preferences on top of puppeteer's test profile (which already turns off updates, safe browsing
 * and reporting): no captive-portal or connectivity probes, no telemetry, so the browser calls no
 * address but the test servers on 127.0.0.1.
 */
const QUIET_PREFS: Record<string, unknown> = {
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "toolkit.telemetry.enabled": false,
};

/**
 * Firefox has no switch that removes SharedWorker (the old `dom.workers.sharedWorkers.enabled`
 * preference is gone: set on Firefox 153 ESR, `typeof SharedWorker` stays "function"), so a context
 * without SharedWorker deletes the constructor before any page script runs, which is what a page
 * sees in a browser that never had it.
 */
function removeSharedWorker(): void {
  delete (globalThis as { SharedWorker?: unknown }).SharedWorker;
}

/** BiDi `script.getRealms` through puppeteer's BiDi connection (not part of its typed API). */
async function sharedWorkerRealms(browser: Browser): Promise<string[]> {
  const connection = (browser as unknown as { connection?: { send?: unknown } }).connection;
  if (!connection || typeof connection.send !== "function") throw new Error("puppeteer's browser has no BiDi connection to list realms");
  const send = connection.send as (method: string, params: object) => Promise<{ result: { realms: { type: string; origin: string }[] } }>;
  const { result } = await send.call(connection, "script.getRealms", { type: "shared-worker" });
  return result.realms.filter((r) => r.type === "shared-worker").map((r) => r.origin);
}

function wrapTab(page: Page): Tab {
  let closed = false;
  return {
    evaluate: (fn: (arg?: unknown) => unknown, arg?: unknown) => page.evaluate(fn, arg),
    async goto(url) {
      await page.goto(url, { timeout: NAVIGATION_MS, waitUntil: "load" });
    },
    async close() {
      closed = true;
      await page.close();
    },
    get closed() {
      return closed;
    },
  };
}

function wrapContext(context: BrowserContext, options: ContextOptions): TabContext {
  return {
    async newTab(url) {
      const page = await context.newPage();
      if (options.sharedWorker === false) await page.evaluateOnNewDocument(removeSharedWorker);
      const tab = wrapTab(page);
      await tab.goto(url);
      return tab;
    },
    async close() {
      await context.close().catch(() => undefined);
    },
  };
}

/**
 * Launches headless Firefox with a fresh temporary profile.
 * @throws Error when Firefox does not start or answer within 60 s (missing binary, wrong version)
 */
export async function launchFirefox(options: FirefoxOptions = {}): Promise<FirefoxDriver> {
  const browser = await puppeteer.launch({
    browser: "firefox",
    protocol: "webDriverBiDi",
    executablePath: options.executablePath ?? process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr",
    headless: true,
    timeout: 60_000,
    protocolTimeout: 60_000,
    extraPrefsFirefox: { ...QUIET_PREFS, ...options.prefs },
    ...(options.profileDir ? { userDataDir: options.profileDir } : {}),
  });
  const version = await browser.version();
  return {
    browserName: "firefox",
    version,
    async newContext(contextOptions = {}) {
      return wrapContext(await browser.createBrowserContext(), contextOptions);
    },
    waitUntil: pollUntil,
    sharedWorkerUrls: () => sharedWorkerRealms(browser),
    async close() {
      await browser.close();
    },
  };
}
