/**
 * `realm-tabs/testing`: a multi-tab test kit for Playwright suites of apps built on realm-tabs.
 * Node side: start the local App Services server on a free port and read its counters
 * ({@link startTestServer}), start a Vite dev server ({@link startTestPageServer}), open N tabs of
 * one browser context ({@link openTabs}), read a tab's view of the session ({@link tabView}) and
 * wait until every tab agrees ({@link expectTabsAgree}). Page side: {@link installTestPage} puts the
 * app on `window.realmTabs` so those helpers can read it.
 * @example
 * import { test, expect } from "@playwright/test";
 * import { startTestServer, openTabs, expectTabsAgree } from "realm-tabs/testing";
 *
 * test("a login in one tab shows in the others", async ({ context }) => {
 *   const server = await startTestServer();
 *   const [a, b] = await openTabs(context, `http://127.0.0.1:5173/?server=${server.url}`, 2);
 *   await a!.getByRole("button", { name: "Log in anonymously" }).click();
 *   await expectTabsAgree([a!, b!], (view) => view.currentUserId !== null);
 *   expect((await server.counters()).logins).toBe(1);
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
export { installTestPage, viewOf } from "./page.js";
export type { TabView, TabUserView, ListenerCounts, TestPageHandle } from "./page.js";
