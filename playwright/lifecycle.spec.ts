/**
 * Issue 6, tab liveness and page lifecycle: the runtime counts live tabs (each holds a Web Lock for
 * its life) and frees a closed tab's resources; a frozen tab catches up the moment it resumes.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures.js";
import { expectTabsAgree, openTabs, tabView } from "../src/testing/tabs.js";

/** `stats().tabs` of the runtime, asked through this page's connection. */
function liveTabs(page: Page): Promise<number> {
  return page.evaluate(async () => (await window.realmTabs!.app.stats()).tabs);
}

test("closing tabs lowers the runtime's live-tab count", async ({ context, stack }) => {
  const tabs = await openTabs(context, stack.url, 4);
  await expect.poll(() => liveTabs(tabs[0]!)).toBe(4);
  await tabs[3]!.close();
  await expect.poll(() => liveTabs(tabs[0]!)).toBe(3);
  await tabs[2]!.close();
  await tabs[1]!.close();
  await expect.poll(() => liveTabs(tabs[0]!)).toBe(1);
  // a tab that closes its App (but stays open) is counted gone too
  const [extra] = await openTabs(context, stack.url, 1);
  await expect.poll(() => liveTabs(tabs[0]!)).toBe(2);
  await extra!.evaluate(() => window.realmTabs!.app.close());
  await expect.poll(() => liveTabs(tabs[0]!)).toBe(1);
});

// A closed watching tab frees its stream and its place in the live-tab count: the scenario of
// playwright/scenarios/liveness.ts (cross-tab.spec.ts).

/** Dispatches in the page the event a real wake-up fires (see the note in the test below). */
function wake(page: Page, how: "resume" | "pageshow" | "visible"): Promise<void> {
  return page.evaluate((how) => {
    if (how === "resume") document.dispatchEvent(new Event("resume"));
    else if (how === "pageshow") window.dispatchEvent(new PageTransitionEvent("pageshow", { persisted: true }));
    else document.dispatchEvent(new Event("visibilitychange")); // the page is visible
  }, how);
}

for (const how of ["resume", "pageshow", "visible"] as const) {
  test(`a frozen tab that slept through a logout shows it at once on wake-up (${how})`, async ({ context, stack }) => {
    const [a, b] = await openTabs(context, stack.url, 2);
    const id = await a!.evaluate(async () => (await window.realmTabs!.app.logIn(window.realmTabs!.Credentials.anonymous())).id);
    await expectTabsAgree([a!, b!], (v) => v.currentUserId === id);
    const cdp = await context.newCDPSession(b!);
    try {
      await cdp.send("Page.setWebLifecycleState", { state: "frozen" });
      // A frozen page misses channel messages that are dropped while it sleeps (and a page in the
      // back/forward cache has none delivered). Headless Chromium does not really freeze a visible
      // page, so the test makes the tab miss the event itself: it detaches the channel listener and
      // drops the runtime's pushes.
      await b!.evaluate(() => {
        type Attachment = { channel: BroadcastChannel | null; pushes: { handle(data: unknown): void } };
        const session = (window.realmTabs!.app as unknown as { session: { attached: Attachment } }).session.attached;
        session.channel!.onmessage = null;
        session.pushes.handle = () => undefined; // and what the runtime pushes to its private port
      });
      await a!.evaluate(() => window.realmTabs!.app.currentUser!.logOut());
      await expect.poll(async () => (await tabView(a!)).currentUserId).toBeNull();
      expect((await tabView(b!)).currentUserId).toBe(id); // it really missed the logout
      await cdp.send("Page.setWebLifecycleState", { state: "active" });
      // ...and, for the same reason, fire the event the browser fires when the page wakes up
      await wake(b!, how);
      await expect.poll(async () => (await tabView(b!)).currentUserId, { timeout: 2_000 }).toBeNull();
      expect((await tabView(b!)).users.every((u) => !u.isLoggedIn)).toBe(true);
    } finally {
      await cdp.detach();
    }
  });
}

test("a tab frozen through CDP across a logout in another tab shows it logged out once active", async ({ context, stack }) => {
  const [a, b] = await openTabs(context, stack.url, 2);
  const id = await a!.evaluate(async () => (await window.realmTabs!.app.logIn(window.realmTabs!.Credentials.anonymous())).id);
  await expectTabsAgree([a!, b!], (v) => v.currentUserId === id);
  const cdp = await context.newCDPSession(b!);
  try {
    await cdp.send("Page.setWebLifecycleState", { state: "frozen" });
    await a!.evaluate(() => window.realmTabs!.app.currentUser!.logOut());
    await cdp.send("Page.setWebLifecycleState", { state: "active" });
    await expect.poll(async () => (await tabView(b!)).currentUserId, { timeout: 2_000 }).toBeNull();
  } finally {
    await cdp.detach();
  }
});
