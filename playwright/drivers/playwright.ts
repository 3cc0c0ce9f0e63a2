/**
 * The Chromium driver: Playwright, inside a Playwright test (its `browser` and `context`
 * fixtures) or outside one (the benchmark runner). Waits are Playwright's own auto-retrying
 * `expect.poll` in a test, the driver-neutral poll elsewhere. A context without SharedWorker
 * comes from a second Chromium launched with `--disable-blink-features=SharedWorker` (closed by
 * {@link BrowserDriver.close}).
 * @packageDocumentation
 */
import { chromium, expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { CHROMIUM_ARGS, testChromiumPath } from "../../playwright.config.js";
import { sharedWorkerUrls } from "../../src/testing/workers.js";
import { DEFAULT_WAIT_MS, type BrowserDriver, type Tab, type TabContext } from "./driver.js";

function wrapTab(page: Page): Tab {
  return {
    evaluate: (fn: (arg?: unknown) => unknown, arg?: unknown) => page.evaluate(fn, arg),
    async goto(url) {
      await page.goto(url);
    },
    async close() {
      await page.close();
    },
    get closed() {
      return page.isClosed();
    },
  };
}

/** Wraps a Playwright context; `owned` contexts are closed by {@link TabContext.close}. */
export function wrapContext(context: BrowserContext): TabContext {
  return {
    async newTab(url) {
      const page = await context.newPage();
      await page.goto(url);
      return wrapTab(page);
    },
    async close() {
      await context.close().catch(() => undefined);
    },
  };
}

/**
 * `waitUntil` as Playwright's `expect.poll` (inside a Playwright test only). `expect.poll` itself
 * fails at once when its callback throws; the driver's contract is that a throwing probe counts as
 * not yet (an evaluate that raced a navigation or a closing page), so the error is caught here and
 * polling goes on, with the error shown as the last value if the deadline passes.
 */
export const expectPoll: BrowserDriver["waitUntil"] = async (probe, accept, options) => {
  let accepted: { value: Awaited<ReturnType<typeof probe>> } | undefined;
  await expect
    .poll(
      async () => {
        let value: Awaited<ReturnType<typeof probe>>;
        try {
          value = await probe();
        } catch (error) {
          return { notYet: `the probe threw ${String(error)}` };
        }
        if (!accept(value)) return { notYet: value };
        accepted = { value };
        return "accepted";
      },
      { message: options.message, timeout: options.timeout ?? DEFAULT_WAIT_MS },
    )
    .toBe("accepted");
  return accepted!.value;
};

/** Options of {@link playwrightDriver}. */
export interface PlaywrightDriverOptions {
  /** How to wait; default Playwright's `expect.poll` (pass `pollUntil` outside a Playwright test). */
  waitUntil?: BrowserDriver["waitUntil"];
  /** The Chromium of the context without SharedWorker; default the suite's ({@link testChromiumPath}). */
  executablePath?: string;
}

/**
 * A driver over a Chromium launched by Playwright. `browser` is the caller's (never closed here);
 * a Chromium without SharedWorker is launched on first use and closed by `close()`.
 */
export function playwrightDriver(browser: Browser, options: PlaywrightDriverOptions = {}): BrowserDriver {
  let withoutSharedWorker: Promise<Browser> | undefined;
  const launchWithout = (): Promise<Browser> =>
    (withoutSharedWorker ??= chromium.launch({
      executablePath: options.executablePath ?? testChromiumPath(),
      args: [...CHROMIUM_ARGS, "--disable-blink-features=SharedWorker"],
      timeout: 60_000,
    }));
  return {
    browserName: "chromium",
    async newContext(contextOptions = {}) {
      const target = contextOptions.sharedWorker === false ? await launchWithout() : browser;
      return wrapContext(await target.newContext());
    },
    waitUntil: options.waitUntil ?? expectPoll,
    sharedWorkerUrls: () => sharedWorkerUrls(browser),
    async close() {
      if (withoutSharedWorker) await (await withoutSharedWorker).close();
    },
  };
}
