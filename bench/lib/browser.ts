/**
 * Browser side of the runner: launch Debian's Chromium with the repository's flags, open benchmark
 * tabs, evaluate on every tab, and read the SharedWorker's heap over CDP (attach, read, detach).
 * @packageDocumentation
 */
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM_ARGS } from "../../playwright.config.js";
import type { BenchPageName } from "../vite.config.js";

/** Where the pages and the server are. */
export interface Stack {
  /** Base URL of the static server of bench/dist. */
  pagesUrl: string;
  /** The App Services server. */
  serverUrl: string;
  appId: string;
}

/** The full Chromium the benchmarks run (CHROMIUM_PATH or /usr/bin/chromium): what a user's browser is. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

/** Launches headless Chromium ({@link chromiumPath}). */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** The URL of a benchmark page against a server. */
export function pageUrl(pagesUrl: string, page: BenchPageName, serverUrl: string, appId: string): string {
  const url = new URL(`/${page}/index.html`, pagesUrl);
  url.searchParams.set("server", serverUrl);
  url.searchParams.set("app", appId);
  return url.toString();
}

/**
 * Opens one tab and waits until `window.bench.ready` (and, if asked, a current user).
 * @throws Error (Playwright `TimeoutError`) when the page is not ready within `timeoutMs`
 */
export function openTab(context: BrowserContext, url: string, withUser = false, timeoutMs = 30_000): Promise<Page> {
  return openPage(context, url, (u) => window.bench?.ready === true && (!u || window.bench.currentUserId() !== null), withUser, timeoutMs);
}

/**
 * Opens one page and waits until `isReady(arg)`, evaluated in the page, holds.
 * @throws Error (Playwright `TimeoutError`) when it does not hold within `timeoutMs`
 */
export async function openPage(
  context: BrowserContext,
  url: string,
  isReady: (arg: boolean) => boolean,
  arg = false,
  timeoutMs = 30_000,
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url, { timeout: timeoutMs });
  await page.waitForFunction(isReady, arg, { timeout: timeoutMs, polling: 5 });
  return page;
}

/** Opens `count` more tabs one after the other. */
export async function openTabs(context: BrowserContext, url: string, count: number, withUser = false): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i += 1) pages.push(await openTab(context, url, withUser));
  return pages;
}

/** Opens `count` tabs with one logged-in user that every tab sees (logs in in the first tab). */
export async function openSignedInTabs(context: BrowserContext, url: string, count: number): Promise<{ pages: Page[]; userId: string }> {
  const first = await openTab(context, url);
  const userId = await first.evaluate(() => window.bench!.login());
  const rest = await openTabs(context, url, count - 1, true);
  return { pages: [first, ...rest], userId };
}

/** Ids of the SharedWorker targets of the browser. */
async function sharedWorkerTargets(browser: Browser): Promise<string[]> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = (await cdp.send("Target.getTargets")) as { targetInfos: { type: string; targetId: string }[] };
    return targetInfos.filter((t) => t.type === "shared_worker").map((t) => t.targetId);
  } finally {
    await cdp.detach();
  }
}

/** Waits until no SharedWorker runs (after the last tab closed). */
export async function waitNoSharedWorker(browser: Browser, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await sharedWorkerTargets(browser)).length > 0) {
    if (Date.now() > end) throw new Error("the SharedWorker did not stop after its last tab closed");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Sends one CDP command to the (single) SharedWorker's target and returns its result. Detaches at
 * once, so the worker's lifetime is not extended (see toolchain.md).
 * @throws Error when no SharedWorker runs, the command fails, or CDP does not answer within `timeoutMs`
 */
export async function inSharedWorker<T>(
  browser: Browser,
  method: string,
  params: Record<string, unknown> = {},
  timeoutMs = 30_000,
): Promise<T> {
  const [targetId] = await sharedWorkerTargets(browser);
  if (!targetId) throw new Error("no SharedWorker running");
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { sessionId } = await cdp.send("Target.attachToTarget", { targetId, flatten: false });
    try {
      const answer = new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${method} from the SharedWorker`)), timeoutMs);
        cdp.on("Target.receivedMessageFromTarget", (event: { sessionId: string; message: string }) => {
          const message = JSON.parse(event.message) as { id?: number; result?: T; error?: { message: string } };
          if (event.sessionId !== sessionId || message.id !== 1) return;
          clearTimeout(timer);
          if (message.error) reject(new Error(`${method}: ${message.error.message}`));
          else resolve(message.result as T);
        });
      });
      await cdp.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id: 1, method, params }) });
      return await answer;
    } finally {
      await cdp.send("Target.detachFromTarget", { sessionId });
    }
  } finally {
    await cdp.detach();
  }
}

/**
 * The used JS heap of the (single) SharedWorker in bytes, via CDP `Runtime.getHeapUsage` on its
 * target; with `gc`, after `HeapProfiler.collectGarbage`.
 * @throws Error when no SharedWorker runs or CDP does not answer in time
 */
export async function sharedWorkerHeap(browser: Browser, gc = false): Promise<number> {
  if (gc) await inSharedWorker(browser, "HeapProfiler.collectGarbage");
  return (await inSharedWorker<{ usedSize: number }>(browser, "Runtime.getHeapUsage", {}, 10_000)).usedSize;
}

/** The used JS heap of a page in bytes (CDP `Runtime.getHeapUsage`). */
export async function pageHeap(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { usedSize } = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number };
    return usedSize;
  } finally {
    await cdp.detach();
  }
}

/** Closes every page of a context, ignoring pages that are already gone. */
export async function closeAll(pages: Page[]): Promise<void> {
  await Promise.all(pages.map((p) => p.close().catch(() => undefined)));
}

/**
 * Rejects when `promise` does not settle within `ms` (the promise itself keeps running; closing
 * the browser context ends a stuck `page.evaluate`).
 * @throws Error `<what> did not finish within <ms> ms`
 */
export function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
