/**
 * Benchmark tabs over the cross-browser driver (playwright/drivers/), for the benchmarks that run
 * in Chromium and in Firefox with the same code (refresh, logout): open tabs of a benchmark page
 * and wait until `window.bench` is ready.
 * @packageDocumentation
 */
import type { BrowserDriver, Tab, TabContext } from "../../playwright/drivers/driver.js";

/** How long a benchmark tab may take to get ready. */
const READY_MS = 30_000;

/**
 * Opens one tab and waits until `window.bench.ready` (and, if asked, a current user).
 * @throws Error when the page is not ready within 30 s
 */
export async function openBenchTab(driver: BrowserDriver, context: TabContext, url: string, withUser = false): Promise<Tab> {
  const tab = await context.newTab(url);
  await driver.waitUntil(
    () => tab.evaluate((u) => window.bench?.ready === true && (!u || window.bench.currentUserId() !== null), withUser),
    (ready) => ready,
    { message: withUser ? "the benchmark page is ready with a user" : "the benchmark page is ready", timeout: READY_MS },
  );
  return tab;
}

/** Opens `count` tabs with one logged-in user that every tab sees (logs in in the first tab). */
export async function openSignedInBenchTabs(
  driver: BrowserDriver,
  context: TabContext,
  url: string,
  count: number,
): Promise<{ tabs: Tab[]; userId: string }> {
  const first = await openBenchTab(driver, context, url);
  const userId = await first.evaluate(() => window.bench!.login());
  const tabs = [first];
  for (let i = 1; i < count; i += 1) tabs.push(await openBenchTab(driver, context, url, true));
  return { tabs, userId };
}

/** Closes tabs, ignoring those already gone. */
export async function closeTabs(tabs: Tab[]): Promise<void> {
  await Promise.all(tabs.map((t) => t.close().catch(() => undefined)));
}
