/**
 * Playwright fixtures of the cross-tab tests: one local server (with playwright/functions) and one
 * server of the built test pages (playwright/testPages.ts) per Playwright worker (both on 127.0.0.1,
 * free ports); every test gets a fresh browser context, so a fresh SharedWorker and IndexedDB.
 */
import { fileURLToPath } from "node:url";
import { test as base } from "@playwright/test";
import { startTestServer, type TestPageServer, type TestServer } from "../src/testing/server.js";
import { testPageUrl } from "../src/testing/tabs.js";
import { startBuiltTestPages } from "./testPages.js";

const repo = fileURLToPath(new URL("..", import.meta.url));

/** The functions the test page calls (`sum`, `sleep`). */
export const FUNCTIONS_DIR = `${repo}playwright/functions`;

/** Worker-scoped servers. */
export interface Stack {
  server: TestServer;
  pages: TestPageServer;
  /** The test page (playwright/app/index.html) on `pages`, without a query. */
  page: string;
  /** The test page URL for the shared server. */
  url: string;
}

/** Playwright's `test` with the worker-scoped {@link Stack} (`stack`) fixture. */
export const test = base.extend<object, { stack: Stack }>({
  stack: [
    async ({}, use) => {
      // These specs test tabs, not data access rules: every collection is open to every user.
      const pages = await startBuiltTestPages();
      let server: TestServer | undefined;
      try {
        server = await startTestServer({ functionsDir: FUNCTIONS_DIR, allowAllData: true, onWarning: () => undefined });
        const page = new URL("/playwright/app/index.html", pages.url).toString();
        await use({ server, pages, page, url: testPageUrl(page, server) });
      } finally {
        await pages.close();
        await server?.close();
      }
    },
    { scope: "worker", timeout: 60_000 },
  ],
});

export { expect } from "@playwright/test";
