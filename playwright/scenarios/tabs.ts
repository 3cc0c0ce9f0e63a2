/**
 * Tab helpers of the scenarios, over any {@link BrowserDriver}: open tabs of the test page and wait
 * until their App is ready, read a tab's view of the session (`window.realmTabs`, see
 * src/testing/page.ts), and wait until every tab agrees.
 * @packageDocumentation
 */
import type { TabView } from "../../src/testing/page.js";
import type { BrowserDriver, Tab, TabContext } from "../drivers/driver.js";

/** How long a tab may take to get ready (the first tab of a run compiles the page in Vite). */
const READY_MS = 30_000;

/** `"ready"`, `"starting"` or `"failed: <reason>"`. */
export function readiness(tab: Tab): Promise<string> {
  return tab.evaluate(async () => {
    const handle = window.realmTabs;
    if (!handle) return "starting";
    return handle.app.ready.then(
      () => "ready",
      (error: unknown) => `failed: ${String(error)}`,
    );
  });
}

/**
 * Opens a tab of the test page on `url` and waits until its App is ready.
 * @throws Error when it is not ready within 30 s (its last readiness in the message)
 */
export async function openTab(driver: BrowserDriver, context: TabContext, url: string): Promise<Tab> {
  const tab = await context.newTab(url);
  await driver.waitUntil(
    () => readiness(tab),
    (r) => r === "ready",
    { message: "the tab's App is ready", timeout: READY_MS },
  );
  return tab;
}

/** Opens `count` ready tabs one after the other. */
export async function openTabs(driver: BrowserDriver, context: TabContext, url: string, count: number): Promise<Tab[]> {
  const tabs: Tab[] = [];
  for (let i = 0; i < count; i += 1) tabs.push(await openTab(driver, context, url));
  return tabs;
}

/** The tab's view of the session, as plain data. */
export function tabView(tab: Tab): Promise<TabView> {
  return tab.evaluate(() => {
    if (!window.realmTabs) throw new Error("not a realm-tabs test page");
    return window.realmTabs.view();
  });
}

/**
 * Waits until every tab reports the same view and `check` holds for it; returns that view.
 * @throws Error with the tabs' last views when they do not agree within `timeout` (default 10 s)
 */
export async function tabsAgree(
  driver: BrowserDriver,
  tabs: Tab[],
  check: (view: TabView) => boolean = () => true,
  timeout?: number,
): Promise<TabView> {
  const views = await driver.waitUntil(
    () => Promise.all(tabs.map(tabView)),
    (all) => all.every((v) => JSON.stringify(v) === JSON.stringify(all[0])) && all[0] !== undefined && check(all[0]),
    { message: "every tab shows the same session", ...(timeout ? { timeout } : {}) },
  );
  return views[0]!;
}

/** Logs in anonymously in `tab` (a new user unless `reuse`); resolves to the user id. */
export function logInAnonymously(tab: Tab, reuse = true): Promise<string> {
  return tab.evaluate(async (reuse) => {
    const { app, Credentials } = window.realmTabs!;
    return (await app.logIn(Credentials.anonymous(reuse))).id;
  }, reuse);
}

/** Listener firings counted since `window.realmTabs.listen()`. */
export function listenerCounts(tab: Tab): Promise<{ app: number; users: Record<string, number> }> {
  return tab.evaluate(() => structuredClone(window.realmTabs!.counts));
}

/** The runtime's stats as the tab gets them over its connection. */
export function runtimeStats(tab: Tab): Promise<{ tabs: number; refreshes: number; openStreams: number }> {
  return tab.evaluate(async () => {
    const { tabs, refreshes, openStreams } = await window.realmTabs!.app.stats();
    return { tabs, refreshes, openStreams };
  });
}
