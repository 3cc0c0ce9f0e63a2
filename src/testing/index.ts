/**
 * `realm-tabs/testing`: a multi-tab test kit for Playwright suites of apps built on realm-tabs.
 * This entry is the Node side (it imports `@playwright/test`, and loads `vite` and
 * `realm-tabs-server` when used): start the local App Services server on a free port and read its
 * counters ({@link startTestServer}), start a Vite dev server ({@link startTestPageServer}), open N
 * tabs of one browser context ({@link openTabs}), read a tab's view of the session ({@link tabView})
 * and wait until every tab agrees ({@link expectTabsAgree}). The page side is the entry
 * `realm-tabs/testing/page`: its `installTestPage(app, { Credentials, BSON })` puts the app on
 * `window.realmTabs` so those helpers can read it.
 * @example
 * import { test, expect } from "@playwright/test";
 * import { startTestServer, startTestPageServer, testPageUrl, openTabs, expectTabsAgree } from "realm-tabs/testing";
 *
 * test("a login in one tab shows in the others", async ({ context }) => {
 *   const server = await startTestServer({ appId: "my-app", functionsDir: "functions" });
 *   const pages = await startTestPageServer(); // the app's vite.config.* in the current directory
 *   const [a, b] = await openTabs(context, testPageUrl(pages.url, server), 2);
 *   await a!.getByRole("button", { name: "Log in anonymously" }).click();
 *   await expectTabsAgree([a!, b!], (view) => view.currentUserId !== null);
 *   expect((await server.counters()).logins).toBe(1);
 *   await pages.close();
 *   await server.close();
 * });
 * @packageDocumentation
 * @module realm-tabs/testing
 */
export { startTestServer, startTestPageServer } from "./server.js";
export type { ServerCounters, TestServer, TestServerOptions, TestPageServer, TestPageServerOptions } from "./server.js";
export { openTab, openTabs, tabView, tabReadiness, expectTabsAgree, listenerCounts, testPageUrl } from "./tabs.js";
export type { OpenTabOptions, TabReadiness } from "./tabs.js";
export { sharedWorkerUrls, expectNoSharedWorker } from "./workers.js";
// the page side is its own entry, realm-tabs/testing/page: this one imports Node-only packages
export type { TabView, TabUserView, ListenerCounts, TestPageHandle } from "./page.js";
