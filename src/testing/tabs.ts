/**
 * Node side of the multi-tab test kit (Playwright): open N tabs of one browser context on the test
 * page, read each tab's view of the session, and wait until every tab agrees.
 * @packageDocumentation
 */
import { expect, type BrowserContext, type Page } from "@playwright/test";
import type { TabView } from "./page.js";
import type { TestServer } from "./server.js";

/**
 * The URL of your test page with the server to use in its query: `?server=<server.url>&app=<server.appId>`
 * added to `pageUrl` (its other query parameters are kept). Your page reads them to create its App.
 * @param pageUrl - the page's full URL, e.g. `new URL("/tabs.html", pages.url)`
 * @param server - the server the page should use, e.g. a {@link TestServer}
 * @throws TypeError if `pageUrl` is not an absolute URL
 * @example testPageUrl(new URL("/tabs.html", pages.url), server) // http://127.0.0.1:5174/tabs.html?server=…&app=…
 */
export function testPageUrl(pageUrl: string | URL, server: Pick<TestServer, "url" | "appId">): string {
  const url = new URL(pageUrl);
  url.searchParams.set("server", server.url);
  url.searchParams.set("app", server.appId);
  return url.toString();
}

/** What {@link tabReadiness} reports: `"ready"`, `"starting"` or `"failed: <reason>"`. */
export type TabReadiness = string;

/** Whether the page's `window.realmTabs` App is connected (see {@link TestPageHandle}). */
export async function tabReadiness(page: Page): Promise<TabReadiness> {
  try {
    return await page.evaluate(async () => {
      const handle = window.realmTabs;
      if (!handle) return "starting";
      return handle.app.ready.then(
        () => "ready",
        (error: unknown) => `failed: ${String(error)}`,
      );
    });
  } catch (error) {
    // the page navigated (e.g. a dev server's full reload) while we asked: it is starting again
    if (String(error).includes("Execution context was destroyed")) return "starting";
    throw error;
  }
}

/**
 * Opens one tab on `url` (a page that calls `installTestPage`) and waits until its App is ready.
 * @throws if the page does not get ready within Playwright's expect timeout
 */
export async function openTab(context: BrowserContext, url: string, options: OpenTabOptions = {}): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await expect
    .poll(() => tabReadiness(page), { message: "the tab's App is ready", ...(options.timeout ? { timeout: options.timeout } : {}) })
    .toBe("ready");
  return page;
}

/** Options of {@link openTab} and {@link openTabs}. */
export interface OpenTabOptions {
  /** How long to wait for each tab to get ready, in ms; default Playwright's expect timeout. */
  timeout?: number;
}

/** Opens `count` tabs of one context on `url`, one after the other, each ready. */
export async function openTabs(context: BrowserContext, url: string, count: number, options: OpenTabOptions = {}): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i += 1) pages.push(await openTab(context, url, options));
  return pages;
}

/** A tab's view of the session (current user and every user, as plain data). */
export async function tabView(page: Page): Promise<TabView> {
  return page.evaluate(() => {
    if (!window.realmTabs) throw new Error("not a realm-tabs test page");
    return window.realmTabs.view();
  });
}

/**
 * Waits (retrying) until every tab reports the same view, and returns it.
 * @param check - an extra condition on the agreed view, e.g. `(v) => v.currentUserId !== null`
 */
export async function expectTabsAgree(pages: Page[], check: (view: TabView) => boolean = () => true, timeout?: number): Promise<TabView> {
  let agreed: TabView | undefined;
  await expect
    .poll(
      async () => {
        const views = await Promise.all(pages.map(tabView));
        const first = JSON.stringify(views[0]);
        const same = views.every((v) => JSON.stringify(v) === first);
        agreed = same && views[0] && check(views[0]) ? views[0] : undefined;
        return agreed === undefined ? { disagree: views } : "agree";
      },
      { message: "every tab shows the same session", ...(timeout ? { timeout } : {}) },
    )
    .toBe("agree");
  return agreed!;
}

/** Listener counts recorded by the test page since `realmTabs.listen()`. */
export async function listenerCounts(page: Page): Promise<{ app: number; users: Record<string, number> }> {
  return page.evaluate(() => structuredClone(window.realmTabs!.counts));
}
