/**
 * Playwright fixtures of the demo tests: per Playwright worker, the local server running the demo's
 * exported app, demo/app (in memory, free port) and the Vite dev server of demo/ (free port), both
 * from realm-tabs/testing. Each test gets a fresh browser context, so a fresh SharedWorker.
 */
import { fileURLToPath } from "node:url";
import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";
import { openTabs, startTestPageServer, startTestServer, type TestPageServer, type TestServer } from "../src/testing/index.js";

const repo = fileURLToPath(new URL("..", import.meta.url));

/** Worker-scoped demo servers. */
export interface DemoStack {
  server: TestServer;
  pages: TestPageServer;
  /** The demo page URL, pointed at `server`. */
  url: string;
}

/** Playwright's `test` with the worker-scoped {@link DemoStack} (`demo`) fixture. */
export const test = base.extend<object, { demo: DemoStack }>({
  demo: [
    async ({}, use) => {
      const server = await startTestServer({ appDir: `${repo}demo/app`, onWarning: () => undefined });
      const pages = await startTestPageServer({ configFile: `${repo}demo/vite.config.ts` });
      const url = new URL(pages.url);
      url.searchParams.set("server", server.url);
      url.searchParams.set("app", server.appId);
      try {
        await use({ server, pages, url: url.toString() });
      } finally {
        await pages.close();
        await server.close();
      }
    },
    { scope: "worker", timeout: 60_000 },
  ],
});

/** Opens `count` demo tabs of one context, each connected (status line says so). */
export async function openDemoTabs(context: BrowserContext, url: string, count: number): Promise<Page[]> {
  // a cold Vite dev server on a busy machine can take a while to serve the first page
  const tabs = await openTabs(context, url, count, { timeout: 30_000 });
  for (const tab of tabs) await expect(tab.getByTestId("status-connection")).toHaveText("connected", { timeout: 30_000 });
  return tabs;
}

export { expect };
