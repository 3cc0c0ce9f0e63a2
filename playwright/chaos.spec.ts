/**
 * Issue 8, item 2 in a real browser: a seeded random run across 5+ real tabs (log in/out, switch,
 * remove, call, refresh, open/close/reload tabs, server faults, worker restart by closing every
 * tab). After it settles every tab's view equals the worker's snapshot, which equals IndexedDB, and
 * no page reported an error or an unhandled rejection. Seed and count: CHAOS_SEED, CHAOS_BROWSER_OPS
 * (`npm run chaos -- --seed S --ops N` runs this with more operations).
 */
import type { BrowserContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures.js";
import { mulberry32, type Rng } from "../test/chaos/prng.js";
import { expectTabsAgree, openTab } from "../src/testing/tabs.js";

const SEED = Number(process.env.CHAOS_SEED ?? 8080);
const OPS = Number(process.env.CHAOS_BROWSER_OPS ?? 100);

type Stack = { url: string; server: { url: string; adminToken: string } };

async function admin(stack: Stack, method: string, body?: unknown): Promise<void> {
  await fetch(`${stack.server.url}/admin/v1/faults`, {
    method,
    headers: { authorization: `Bearer ${stack.server.adminToken}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(5_000),
  });
}

/** One operation run inside a tab; returns "ok", "skip" or the typed error's name and code. */
function inTab(page: Page, op: string, n: number): Promise<string> {
  return page.evaluate(
    async ({ op, n }) => {
      const { app, Credentials } = window.realmTabs!;
      const users = Object.values(app.allUsers);
      const someone = users[n % Math.max(users.length, 1)];
      const loggedIn = users.filter((u) => u.isLoggedIn);
      const pick = loggedIn[n % Math.max(loggedIn.length, 1)];
      try {
        switch (op) {
          case "login":
            await app.logIn(Credentials.anonymous(n % 3 === 0));
            break;
          case "switch":
            if (!pick) return "skip";
            await app.switchUser(pick);
            break;
          case "logout":
            if (!someone) return "skip";
            await someone.logOut();
            break;
          case "remove":
            if (!someone) return "skip";
            await app.removeUser(someone);
            break;
          case "call":
            if (!app.currentUser) return "skip";
            await app.currentUser.callFunction("sum", n, 1);
            break;
          case "refresh":
            if (!pick) return "skip";
            await pick.refreshAccessToken();
            break;
        }
        return "ok";
      } catch (e) {
        const x = e as { name?: string; code?: string; errorCode?: string };
        return `${x.name}:${x.code ?? x.errorCode}`;
      }
    },
    { op, n },
  );
}

/** The worker's snapshot (over the tab's private connection), the tab's mirror and IndexedDB. */
function states(page: Page): Promise<{
  worker: unknown;
  mirror: unknown;
  idb: { epoch: number; order: string[]; current: string | null; users: [string, string][] };
}> {
  return page.evaluate(async () => {
    type Call = (
      op: { method: "snapshot" },
      run: (snapshot: (k: string) => Promise<unknown>, k: string) => Promise<unknown>,
    ) => Promise<unknown>;
    const session = (window.realmTabs!.app as unknown as { session: { mirror: { snapshot: unknown }; call: Call } }).session;
    const worker = await session.call({ method: "snapshot" }, (snapshot, k) => snapshot(k));
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open("realm-tabs");
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const all = (s: string) =>
      new Promise<unknown[]>((res, rej) => {
        const r = db.transaction(s).objectStore(s).getAll();
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
    const apps = (await all("apps")) as { epoch: number; order: string[]; currentUserId: string | null }[];
    const users = (await all("users")) as { id: string; state: string }[];
    db.close();
    const app = apps[0]!;
    return {
      worker,
      mirror: session.mirror.snapshot,
      idb: { epoch: app.epoch, order: app.order, current: app.currentUserId, users: users.map((u) => [u.id, u.state] as [string, string]) },
    };
  });
}

const OPS_TABLE: [string, number][] = [
  ["login", 6],
  ["switch", 5],
  ["logout", 3],
  ["remove", 2],
  ["call", 8],
  ["refresh", 4],
  ["open", 2],
  ["close", 2],
  ["reload", 2],
  ["fault", 3],
  ["clear", 2],
  ["restart", 1],
];
const FAULTS = [
  { kind: "status", route: "refresh", count: 1, status: 503 },
  { kind: "status", route: "functionCall", count: 2, status: 500 },
  { kind: "reset", route: "refresh", count: 1 },
  { kind: "reset", route: "functionCall", count: 1 },
  { kind: "status", route: "login", count: 1, status: 502 },
  { kind: "delay", route: "functionCall", count: 1, delayMs: 800 },
];

function pickOp(r: Rng): string {
  let roll = r.next() * OPS_TABLE.reduce((s, [, w]) => s + w, 0);
  for (const [op, w] of OPS_TABLE) if ((roll -= w) < 0) return op;
  return "call";
}

test(`chaos: ${OPS} seeded operations across 5+ real tabs converge (seed ${SEED})`, async ({ context, stack }) => {
  test.setTimeout(120_000 + OPS * 1_500);
  const r = mulberry32(SEED);
  const problems: string[] = [];
  const watch = (page: Page): Page => {
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    return page;
  };
  const open = async (ctx: BrowserContext) => watch(await openTab(ctx, stack.url, { timeout: 30_000 }));
  let tabs: Page[] = [];
  for (let i = 0; i < 5; i++) tabs.push(await open(context));
  const counts: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  const started = Date.now();
  for (let n = 0; n < OPS; n++) {
    const op = pickOp(r);
    counts[op] = (counts[op] ?? 0) + 1;
    const tab = r.pick(tabs);
    if (op === "open" && tabs.length < 7) tabs.push(await open(context));
    else if (op === "close" && tabs.length > 5) {
      tabs.splice(tabs.indexOf(tab), 1);
      await tab.close();
    } else if (op === "reload") {
      await tab.reload();
      await expect
        .poll(() => tab.evaluate(() => window.realmTabs?.app.ready.then(() => "ready")).catch(() => "starting"), { timeout: 30_000 })
        .toBe("ready");
    } else if (op === "fault") await admin(stack, "POST", r.pick(FAULTS));
    else if (op === "clear") await admin(stack, "DELETE");
    else if (op === "restart") {
      // the SharedWorker stops once no tab holds it; new tabs start a fresh one on the same IndexedDB
      for (const t of tabs) await t.close();
      await expect.poll(() => context.pages().length).toBe(0);
      tabs = [];
      for (let i = 0; i < 5; i++) tabs.push(await open(context));
    } else if (!["open", "close"].includes(op)) {
      const outcome = await inTab(tab, op, r.int(1000));
      outcomes[`${op}:${outcome}`] = (outcomes[`${op}:${outcome}`] ?? 0) + 1;
      if (!/^(ok|skip|MongoDBRealmError:\w+|RealmTabsError:[\w-]+)$/.test(outcome)) problems.push(`${op} rejected untyped: ${outcome}`);
    }
  }
  await admin(stack, "DELETE");
  const view = await expectTabsAgree(tabs, () => true, 30_000);
  const all = await Promise.all(tabs.map(states));
  for (const [i, s] of all.entries()) {
    expect(JSON.stringify(s.mirror), `tab ${i} mirror equals the worker`).toBe(JSON.stringify(s.worker));
  }
  const worker = all[0]!.worker as { epoch: number; currentUserId: string | null; users: { id: string; state: string }[] };
  expect(all[0]!.idb.epoch).toBe(worker.epoch);
  expect(all[0]!.idb.order).toEqual(worker.users.map((u) => u.id));
  expect(all[0]!.idb.current).toBe(worker.currentUserId);
  expect(new Map(all[0]!.idb.users)).toEqual(new Map(worker.users.map((u) => [u.id, u.state])));
  expect(problems).toEqual([]);
  console.log(
    `[chaos:browser] seed ${SEED}, ${OPS} ops in ${Date.now() - started} ms across ${tabs.length} tabs at the end, epoch ${worker.epoch}, ${view.users.length} users; ops ${JSON.stringify(counts)}; outcomes ${JSON.stringify(outcomes)}`,
  );
});
