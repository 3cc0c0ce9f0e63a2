/**
 * Issue 8, item 1 across real tabs: server faults (reset connections, 5xx, slow responses) during
 * refresh and calls log no one out in any tab, calls fail with clear errors while the fault lasts
 * and succeed after; only a definitive 401 on refresh logs the user out, in every tab.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures.js";
import { expectTabsAgree, openTabs } from "../src/testing/tabs.js";

type Stack = { server: { url: string; adminToken: string } };

async function fault(stack: Stack, body: Record<string, unknown> | null): Promise<void> {
  const res = await fetch(`${stack.server.url}/admin/v1/faults`, {
    method: body ? "POST" : "DELETE",
    headers: { authorization: `Bearer ${stack.server.adminToken}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(5_000),
  });
  expect(res.ok).toBe(true);
}

async function faultsLeft(stack: Stack): Promise<number> {
  const res = await fetch(`${stack.server.url}/admin/v1/faults`, {
    headers: { authorization: `Bearer ${stack.server.adminToken}` },
    signal: AbortSignal.timeout(5_000),
  });
  return ((await res.json()) as unknown[]).length;
}

/** Runs `what` on the current user in the page; returns "ok" or the error's class, code and status. */
function attempt(page: Page, what: "refresh" | "call"): Promise<string> {
  return page.evaluate(async (what) => {
    const user = window.realmTabs!.app.currentUser!;
    try {
      if (what === "refresh") await user.refreshAccessToken();
      else if ((await user.callFunction("sum", 1, 2)) !== 3) return "wrong result";
      return "ok";
    } catch (e) {
      const x = e as { name?: string; code?: string; statusCode?: number; errorCode?: string };
      return `${x.name}:${x.code ?? x.errorCode}:${x.statusCode ?? ""}`;
    }
  }, what);
}

test.afterEach(async ({ stack }) => {
  await fault(stack, null);
});

test("reset connections, 5xx and slow responses log no one out; calls fail clearly, then succeed", async ({ context, stack }) => {
  const tabs = await openTabs(context, stack.url, 3);
  const [a, b, c] = tabs as [Page, Page, Page];
  const id = await a.evaluate(async () => (await window.realmTabs!.app.logIn(window.realmTabs!.Credentials.anonymous(false))).id);
  await expectTabsAgree(tabs, (v) => v.currentUserId === id);

  // each fault is consumed by the attempt (GET /faults lists what is left); the attempt either
  // fails with a typed error or succeeds because the transport retried the transient failure
  const cases: [Page, "refresh" | "call", { kind: string; route: string; [field: string]: unknown }, RegExp][] = [
    [a, "refresh", { kind: "reset", route: "refresh", count: 1 }, /^(ok|RealmTabsError:network:)$/],
    [b, "refresh", { kind: "status", route: "refresh", count: 1, status: 503 }, /^(ok|MongoDBRealmError:InjectedFault:503)$/],
    [c, "call", { kind: "reset", route: "functionCall", count: 1 }, /^(ok|RealmTabsError:network:)$/],
    [a, "call", { kind: "status", route: "functionCall", count: 1, status: 500 }, /^MongoDBRealmError:InjectedFault:500$/],
    [b, "call", { kind: "delay", route: "functionCall", count: 1, delayMs: 1_500 }, /^ok$/], // slow, within the deadline
  ];
  const outcomes: string[] = [];
  for (const [tab, what, rule, expected] of cases) {
    await fault(stack, rule);
    const outcome = await attempt(tab, what);
    outcomes.push(`${rule.kind} ${rule.route}: ${outcome}`);
    expect(outcome).toMatch(expected);
    expect(await faultsLeft(stack)).toBe(0);
  }
  test.info().annotations.push({ type: "outcomes", description: outcomes.join("; ") });
  console.log(`[reliability] ${outcomes.join("; ")}`);

  // nobody was logged out by any of it, in any tab
  const view = await expectTabsAgree(tabs, (v) => v.currentUserId === id);
  expect(view.users[0]).toMatchObject({ id, state: "LoggedIn" });
  // and everything works again once the faults are gone
  for (const tab of tabs) {
    expect(await attempt(tab, "call")).toBe("ok");
  }
  expect(await attempt(c, "refresh")).toBe("ok");
});

test("only a definitive 401 on refresh logs the user out, in every tab", async ({ context, stack }) => {
  const tabs = await openTabs(context, stack.url, 3);
  const id = await tabs[0]!.evaluate(async () => (await window.realmTabs!.app.logIn(window.realmTabs!.Credentials.anonymous(false))).id);
  await expectTabsAgree(tabs, (v) => v.currentUserId === id);
  await fault(stack, { kind: "status", route: "refresh", count: 1, status: 401, errorCode: "InvalidSession" });
  expect(await attempt(tabs[1]!, "refresh")).toMatch(/InvalidSession:401|not-logged-in/);
  const view = await expectTabsAgree(tabs, (v) => v.users.every((u) => !u.isLoggedIn));
  expect(view.currentUserId).toBeNull();
});

test("a response slower than the worker's 15 s request deadline fails with timeout in that tab only; a function call may wait as long as its tab's timeoutMs; no one is logged out", async ({
  context,
  stack,
}) => {
  test.setTimeout(90_000);
  // a and b wait 17 s for a call (timeoutMs), c waits 40 s
  const tabs = await openTabs(context, `${stack.url}&timeoutMs=17000`, 2);
  const [a, b] = tabs as [Page, Page];
  const [c] = (await openTabs(context, `${stack.url}&timeoutMs=40000`, 1)) as [Page];
  const id = await a.evaluate(async () => (await window.realmTabs!.app.logIn(window.realmTabs!.Credentials.anonymous(false))).id);
  await expectTabsAgree([...tabs, c], (v) => v.currentUserId === id);
  await fault(stack, { kind: "delay", route: "refresh", count: 1, delayMs: 20_000 });
  await fault(stack, { kind: "delay", route: "functionCall", count: 2, delayMs: 18_000 });
  const bCalls = b.evaluate(() =>
    window.realmTabs!.app.currentUser!.callFunction("sum", 1, 2).then(String, (e: Error & { code?: string }) => `${e.code}: ${e.message}`),
  );
  const [refresh, call, patientCall] = await Promise.all([attempt(a, "refresh"), bCalls, attempt(c, "call")]);
  expect(refresh).toMatch(/^RealmTabsError:timeout:/); // the runtime's own request: 15 s
  // b's own deadline, a second less than its 17 s (not c's, nor the runtime's 15 s)
  expect(call).toMatch(/^timeout: POST .*functions\/call got no answer within 16000 ms$/);
  expect(patientCall).toBe("ok"); // within c's 40 s
  const view = await expectTabsAgree(tabs, (v) => v.currentUserId === id);
  expect(view.users[0]).toMatchObject({ id, state: "LoggedIn" });
  expect(await attempt(b, "call")).toBe("ok");
  expect(await attempt(a, "refresh")).toBe("ok");
});

test("closing a tab ends its function call's request in the worker; another tab's call goes on", async ({ context, stack }) => {
  const tabs = await openTabs(context, stack.url, 2);
  const [a, b] = tabs as [Page, Page];
  const id = await a.evaluate(async () => (await window.realmTabs!.app.logIn(window.realmTabs!.Credentials.anonymous(false))).id);
  await expectTabsAgree(tabs, (v) => v.currentUserId === id);
  await stack.server.resetCounters();
  // both calls are held by the server for 8 s
  await fault(stack, { kind: "delay", route: "functionCall", count: 2, delayMs: 8_000 });
  const aCall = a.evaluate(() => window.realmTabs!.app.currentUser!.callFunction("sum", 1, 2)).catch(() => "page closed");
  const bCall = attempt(b, "call");
  await expect.poll(async () => (await stack.server.counters()).functionCalls).toBe(2);
  await a.close();
  expect(await aCall).toBe("page closed");
  // the worker ended a's request well before the server would have answered it
  await expect.poll(async () => (await stack.server.counters()).abandoned.functionCall, { timeout: 6_000 }).toBe(1);
  expect(await bCall).toBe("ok");
  expect((await stack.server.counters()).abandoned.functionCall).toBe(1);
});
