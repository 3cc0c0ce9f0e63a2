/**
 * Playwright fixtures of the cross-tab tests: one local server and one Vite dev server per
 * Playwright worker (both on 127.0.0.1, free ports); every test gets a fresh browser context, so a
 * fresh SharedWorker and IndexedDB.
 */
import { test as base } from "@playwright/test";
import { startTestPageServer, startTestServer, type TestPageServer, type TestServer } from "../src/testing/server.js";
import { testPageUrl } from "../src/testing/tabs.js";

/** Worker-scoped servers. */
export interface Stack {
  server: TestServer;
  pages: TestPageServer;
  /** The test page URL for the shared server. */
  url: string;
}

/** Playwright's `test` with the worker-scoped {@link Stack} (`stack`) fixture. */
export const test = base.extend<object, { stack: Stack }>({
  stack: [
    async ({}, use) => {
      // These specs test tabs, not data access rules: every collection is open to every user.
      const server = await startTestServer({ allowAllData: true, onWarning: () => undefined });
      const pages = await startTestPageServer();
      try {
        await use({ server, pages, url: testPageUrl(pages.url, server.url, server.appId) });
      } finally {
        await pages.close();
        await server.close();
      }
    },
    { scope: "worker", timeout: 60_000 },
  ],
});

export { expect } from "@playwright/test";
