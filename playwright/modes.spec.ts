/**
 * Issue 6: runtime modes. In the `no-shared-worker` project (SharedWorker disabled) `auto` falls
 * back to a leader tab; these tests force leader mode with `?mode=leader` so they run the same in
 * both projects.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures.js";
import { expectTabsAgree, openTab, openTabs, tabView } from "../src/testing/tabs.js";

function leaderUrl(url: string): string {
  return `${url}&mode=leader`;
}

function logIn(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const { app, Credentials } = window.realmTabs!;
    return (await app.logIn(Credentials.anonymous(false))).id;
  });
}

async function modeOf(page: Page): Promise<{ mode: string | null; degraded: boolean; hasSharedWorker: boolean }> {
  return page.evaluate(() => {
    const { app } = window.realmTabs!;
    return { mode: app.mode, degraded: app.degraded, hasSharedWorker: typeof SharedWorker !== "undefined" };
  });
}

/** This page's connection id (the suffix of its liveness lock). */
function tabIdOf(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      (window.realmTabs!.app as unknown as { session: { attached: { connection: { tabId: string } } } }).session.attached.connection.tabId,
  );
}

/** Which page hosts the runtime: the one whose liveness lock has the leader lock's client id. */
async function leaderIndex(pages: Page[]): Promise<number> {
  const held = await pages[0]!.evaluate(async () =>
    ((await navigator.locks.query()).held ?? []).map((l) => ({ name: l.name ?? "", clientId: l.clientId ?? "" })),
  );
  const leaderClient = held.find((l) => l.name.startsWith("realm-tabs:leader:"))?.clientId;
  expect(leaderClient).toBeDefined();
  for (const [i, page] of pages.entries()) {
    const tabId = await tabIdOf(page);
    if (held.some((l) => l.name === `realm-tabs:tab:${tabId}` && l.clientId === leaderClient)) return i;
  }
  throw new Error("no page holds the leader lock");
}

/** The `degraded` event's detail as a listener added now sees it (sticky: called at once, or never). */
function degradedEvent(page: Page): Promise<{ mode: string; reason: string } | null> {
  return page.evaluate(() => {
    let got: { mode: string; reason: string } | null = null;
    window.realmTabs!.app.addEventListener("degraded", (d) => {
      got = { mode: d.mode, reason: d.reason };
    });
    return got;
  });
}

test("auto mode reports where the runtime runs: a SharedWorker where the browser has one, else a leader tab", async ({
  context,
  stack,
}) => {
  const expectSharedWorker = test.info().project.name !== "no-shared-worker";
  const tab = await openTab(context, stack.url);
  expect(await modeOf(tab)).toEqual(
    expectSharedWorker
      ? { mode: "shared-worker", degraded: false, hasSharedWorker: true }
      : { mode: "leader", degraded: true, hasSharedWorker: false },
  );
  const event = await degradedEvent(tab);
  if (expectSharedWorker) expect(event).toBeNull();
  else expect(event).toEqual({ mode: "leader", reason: expect.stringMatching(/^no SharedWorker: the runtime runs in a leader tab/) });
});

test("auto mode without SharedWorker falls back to a leader tab and reports it as degraded, with the reason", async ({
  context,
  stack,
}) => {
  // remove SharedWorker before any page script runs, in every project
  await context.addInitScript(() => {
    delete (globalThis as { SharedWorker?: unknown }).SharedWorker;
  });
  const warnings: string[] = [];
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "warning") warnings.push(m.text());
  });
  await page.goto(stack.url);
  await expect.poll(() => page.evaluate(() => window.realmTabs?.app.mode ?? null)).toBe("leader");
  expect(await modeOf(page)).toEqual({ mode: "leader", degraded: true, hasSharedWorker: false });
  // the event fired when the App connected (its console warning says so), and stays for late listeners
  expect(await degradedEvent(page)).toEqual({
    mode: "leader",
    reason: expect.stringMatching(/^no SharedWorker: the runtime runs in a leader tab/),
  });
  await expect.poll(() => warnings.filter((w) => w.startsWith("[realm-tabs] runtime mode leader: no SharedWorker"))).toHaveLength(1);
  // and the fallback runtime works
  const id = await logIn(page);
  expect((await tabView(page)).currentUserId).toBe(id);
});

test("leader mode: one runtime for every tab, logins and logouts seen everywhere, live tabs counted", async ({ context, stack }) => {
  const tabs = await openTabs(context, leaderUrl(stack.url), 3);
  for (const tab of tabs) expect((await modeOf(tab)).mode).toBe("leader");
  const id = await logIn(tabs[1]!);
  await expectTabsAgree(tabs, (v) => v.currentUserId === id && v.users[0]?.isLoggedIn === true);
  await expect.poll(() => tabs[2]!.evaluate(() => window.realmTabs!.app.currentUser!.functions.sum!(1, 2))).toBe(3);
  const stats = () => tabs[0]!.evaluate(async () => (await window.realmTabs!.app.stats()).tabs);
  await expect.poll(stats).toBe(3);
  const leader = await leaderIndex(tabs);
  const other = [1, 2].find((i) => i !== leader)!;
  await tabs[other]!.close();
  await expect.poll(stats).toBe(2);
  await tabs[0]!.evaluate(() => window.realmTabs!.app.currentUser!.logOut());
  const open = tabs.filter((t) => !t.isClosed());
  await expectTabsAgree(open, (v) => v.currentUserId === null && v.users.every((u) => !u.isLoggedIn));
});

// Closing the leader tab mid-call: the scenario of playwright/scenarios/fallback.ts (cross-tab.spec.ts).

test("in-page mode: the runtime runs in the tab, works, and is reported as degraded", async ({ context, stack }) => {
  const [tab] = await openTabs(context, `${stack.url}&mode=in-page`, 1);
  expect(await modeOf(tab!)).toMatchObject({ mode: "in-page", degraded: true });
  const id = await logIn(tab!);
  expect((await tabView(tab!)).currentUserId).toBe(id);
  expect(await tab!.evaluate(() => window.realmTabs!.app.currentUser!.functions.sum!(5, 6))).toBe(11);
  // the session is stored: a second in-page tab starts from it
  const [second] = await openTabs(context, `${stack.url}&mode=in-page`, 1);
  await expect.poll(async () => (await tabView(second!)).currentUserId).toBe(id);
});

test("leader mode: watch streams of the other tabs end with a retryable leader-changed when the leader closes, and watch again on the new leader", async ({
  context,
  stack,
}) => {
  const tabs = await openTabs(context, leaderUrl(stack.url), 3);
  await logIn(tabs[0]!);
  await expectTabsAgree(tabs, (v) => v.currentUserId !== null);
  const leader = await leaderIndex(tabs);
  const [watcher, other] = tabs.filter((_, i) => i !== leader) as [Page, Page];
  const watch = (page: Page) =>
    page.evaluate(() => {
      const coll = window.realmTabs!.app.currentUser!.mongoClient("mongodb-atlas").db("modes").collection("handover");
      const state = { seen: [] as number[], error: null as null | { code?: string; retryable?: boolean } };
      (window as unknown as { __w: typeof state }).__w = state;
      void (async () => {
        try {
          for await (const change of coll.watch()) state.seen.push((change as { fullDocument?: { n: number } }).fullDocument!.n);
        } catch (e) {
          const x = e as { code?: string; retryable?: boolean };
          state.error = { code: x.code, retryable: x.retryable };
        }
      })();
    });
  const state = () => watcher.evaluate(() => (window as unknown as { __w: { seen: number[]; error: unknown } }).__w);
  const insert = (n: number) =>
    other.evaluate(
      (n) => window.realmTabs!.app.currentUser!.mongoClient("mongodb-atlas").db("modes").collection("handover").insertOne({ n }),
      n,
    );
  await watch(watcher);
  await expect
    .poll(
      async () => {
        await insert(0);
        return (await state()).seen.includes(0);
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  await tabs[leader]!.close();
  await expect.poll(async () => (await state()).error, { timeout: 5_000 }).toEqual({ code: "leader-changed", retryable: true });
  // watching again reaches the new leader, which opens its own stream
  await watch(watcher);
  await expect
    .poll(
      async () => {
        await insert(5);
        return (await state()).seen.includes(5);
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  expect((await state()).error).toBeNull();
});
