/**
 * Watching SharedWorkers from a Playwright test. Playwright does not report SharedWorkers, so this
 * asks Chromium over CDP for its targets. It only lists them: attaching a DevTools session to a
 * SharedWorker would keep it alive after its last tab closed (see toolchain notes).
 * @packageDocumentation
 */
import { expect, type Browser } from "@playwright/test";

/** The URLs of the SharedWorkers running in this browser now (Chromium only). */
export async function sharedWorkerUrls(browser: Browser): Promise<string[]> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = (await cdp.send("Target.getTargets")) as { targetInfos: { type: string; url: string }[] };
    return targetInfos.filter((t) => t.type === "shared_worker").map((t) => t.url);
  } finally {
    await cdp.detach();
  }
}

/** Waits (retrying) until no SharedWorker runs in the browser, e.g. after closing every tab. */
export async function expectNoSharedWorker(browser: Browser, timeout = 10_000): Promise<void> {
  await expect.poll(() => sharedWorkerUrls(browser), { message: "the SharedWorker has stopped", timeout }).toEqual([]);
}
