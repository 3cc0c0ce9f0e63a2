/**
 * In a real browser: a rogue tab of the same origin posts forged `state` events, garbage and floods
 * on the app's BroadcastChannel, and raw garbage and ill-typed Comlink calls on its own SharedWorker
 * port. No other tab's view changes, no forged state is accepted and the worker keeps serving.
 * Tokens at rest: IndexedDB holds no token in clear and the key cannot be exported; the channel
 * carries no token at all (its events are hints: epoch and kinds of change).
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures.js";
import { expectTabsAgree, openTab, openTabs, tabView } from "../src/testing/tabs.js";
import { PROTOCOL_VERSION } from "../src/protocol/events.js";
import { BUILT_WORKER_PATH } from "./testPages.js";

const logIn = (page: Page) =>
  page.evaluate(async () => (await window.realmTabs!.app.logIn(window.realmTabs!.Credentials.anonymous(false))).id);

/** The channel name of the test app (see src/protocol/names.ts). */
function channelOf(stack: { server: { url: string; appId: string } }): string {
  return `realm-tabs:${stack.server.appId}@${stack.server.url.replace(/\/+$/, "")}`;
}

test("forged, garbage and flooded channel messages change no tab's view; the tabs keep working", async ({ context, stack }) => {
  const [a, b] = await openTabs(context, stack.url, 2);
  const id = await logIn(a!);
  const before = await expectTabsAgree([a!, b!], (v) => v.currentUserId === id);
  const rogue = await openTab(context, stack.url);
  const appKey = `${stack.server.appId}@${stack.server.url}`;
  await rogue.evaluate(
    ({ name, appKey, v }) => {
      const ch = new BroadcastChannel(name);
      const forgedUser = {
        id: "forged",
        state: "LoggedIn",
        providerType: "anon-user",
        accessToken: "forged",
        refreshToken: "forged",
        deviceId: null,
        profile: { type: "normal", identities: [], data: {} },
        customDataEJSON: "{}",
        accessTokenExpiresAt: null,
      };
      // well-formed hints of the current protocol, each smuggling a snapshot the tabs must never apply
      const forged = (epoch: number) => ({
        v,
        kind: "state",
        appKey,
        epoch,
        changes: [{ type: "login", userId: "forged" }],
        snapshot: { appKey, epoch, users: [forgedUser], currentUserId: "forged", deviceId: null },
      });
      for (const junk of [
        null,
        1,
        "x",
        [],
        {},
        { v, kind: "state" },
        { v, kind: "state", appKey },
        { v, kind: "state", appKey, epoch: "9", changes: [] },
        { v: v - 1, kind: "state", appKey, epoch: 3, changes: [] },
        new Uint8Array(1 << 20),
      ])
        ch.postMessage(junk);
      ch.postMessage(forged(1_000_000));
      for (let i = 0; i < 5_000; i++) ch.postMessage(forged(1_000_001 + i));
      ch.postMessage({
        v,
        kind: "state",
        appKey,
        epoch: 2_000_000,
        changes: [{ type: "logout", userId: null }],
        snapshot: { appKey, epoch: 2_000_000, users: [], currentUserId: null, deviceId: null },
      });
    },
    { name: channelOf(stack), appKey, v: PROTOCOL_VERSION },
  );
  // the forged events were received (the rogue's own listener proves delivery), yet nothing changed
  await expect.poll(async () => JSON.stringify(await tabView(a!))).toBe(JSON.stringify(before));
  expect(JSON.stringify(await tabView(b!))).toBe(JSON.stringify(before));
  for (const tab of [a!, b!]) {
    expect(await tab.evaluate(() => Object.keys(window.realmTabs!.app.allUsers))).toEqual([id]);
  }
  // and they keep working: a new login in B reaches A
  const second = await logIn(b!);
  await expectTabsAgree([a!, b!, rogue], (v) => v.currentUserId === second && v.users.length === 2);
});

test("raw garbage and ill-typed calls on a SharedWorker port never crash the worker or touch other tabs", async ({ context, stack }) => {
  const [a, b] = await openTabs(context, stack.url, 2);
  const id = await logIn(a!);
  const before = await expectTabsAgree([a!, b!], (v) => v.currentUserId === id);
  const rogue = await openTab(context, stack.url);
  const result = await rogue.evaluate(async (workerPath) => {
    // the same script URL and name as the tabs' worker (its path in the built test pages)
    const worker = new SharedWorker(workerPath, { type: "module", name: "realm-tabs" });
    const port = worker.port;
    port.start();
    const replies = new Map<string, unknown>();
    let gotLast: () => void = () => {};
    const lastReply = new Promise<void>((resolve) => {
      gotLast = resolve;
    });
    port.onmessage = (e: MessageEvent) => {
      const d = e.data as { id?: string };
      if (d && typeof d.id === "string") replies.set(d.id, d);
      if (["last", "c1", "c2", "c4", "c5"].every((k) => replies.has(k))) gotLast();
    };
    const call = (id: string, path: string[], argumentList: unknown[]) =>
      port.postMessage({ id, type: "APPLY", path, argumentList: argumentList.map((value) => ({ type: "RAW", value })) });
    for (const junk of [
      null,
      42,
      "x",
      [],
      {},
      { type: "APPLY" },
      { id: "j1", type: "APPLY", path: "logIn" },
      { id: "j2", type: "GET", path: [null] },
      { id: "j3", type: "SET", path: ["logIn"], value: { type: "RAW", value: 1 } },
      new ArrayBuffer(4 << 20),
    ])
      port.postMessage(junk);
    call("c1", ["logIn"], [{ evil: true }, 5]);
    call("c2", ["logOut"], ["no-such-app", null]);
    call("c3", ["callFunction"], [location.href, "u", "sum", "[1,2]"]);
    call("c4", ["connect"], [{ protocol: "1", tabId: 5 }]);
    call("c5", ["switchUser"], ["x".repeat(1 << 20), "y"]);
    call("c6", ["constructor"], []);
    call("c7", ["__proto__", "toString"], []);
    for (let i = 0; i < 2_000; i++) call(`f${i}`, ["stats"], []);
    call("last", ["stats"], []);
    // wait for the answers the assertions read (the last call's and the ill-typed calls')
    await Promise.race([
      lastReply,
      new Promise((_, reject) => setTimeout(() => reject(new Error("no reply to the last call in 20 s")), 20_000)),
    ]);
    // a session method answers with an outcome ({ok: true, value} or {ok: false, error}), never a throw
    type Reply = { type?: string; value?: { ok?: boolean; value?: { tabs?: number }; error?: unknown } };
    const last = replies.get("last") as Reply | undefined;
    const outcome = (k: string): string => {
      const r = replies.get(k) as Reply | undefined;
      if (r === undefined) return "none";
      if (r.type !== "RAW") return `thrown (${r.type})`;
      return r.value?.ok === false && typeof r.value.error === "object" ? "rejected" : "resolved";
    };
    return {
      replied: replies.size,
      errors: ["c1", "c2", "c4", "c5"].map(outcome),
      tabs: last?.value?.ok === true ? (last.value.value?.tabs ?? -1) : -1,
    };
  }, BUILT_WORKER_PATH);
  expect(result.tabs).toBeGreaterThanOrEqual(2); // the rogue reached the tabs' worker
  expect(result.errors).toEqual(["rejected", "rejected", "rejected", "rejected"]); // each bad call rejected alone
  expect(JSON.stringify(await tabView(a!))).toBe(JSON.stringify(before));
  expect(JSON.stringify(await tabView(b!))).toBe(JSON.stringify(before));
  // the worker still serves the others
  expect(await b!.evaluate(() => window.realmTabs!.app.currentUser!.callFunction("sum", 2, 3))).toBe(5);
  const second = await logIn(b!);
  await expectTabsAgree([a!, b!], (v) => v.currentUserId === second);
});
