/**
 * The chaos convergence run in Node: real `App` tabs (src/app.ts) over MessageChannels to a real
 * session host on fake-indexeddb (tokens sealed), against the real local server with its fault
 * injection. A seeded PRNG picks each operation; a few run concurrently. After the run settles,
 * every tab's mirror must equal the runtime's snapshot, which must equal what IndexedDB holds; no
 * operation may outlive its deadline; nothing may reject unhandled; no user may be logged out by a
 * transient fault. Used by chaos.test.ts (short form) and `npm run chaos` (long form).
 * @packageDocumentation
 */
import "fake-indexeddb/auto";
import { exposeSession } from "../../src/protocol/expose.js";
import { App } from "../../src/app.js";
import { Credentials } from "../../src/credentials.js";
import { appKeyFor } from "../../src/protocol/names.js";
import { MongoDBRealmError, RealmTabsError } from "../../src/protocol/errors.js";
import type { AppSnapshot } from "../../src/protocol/snapshots.js";
import type { TabSession } from "../../src/session.js";
import type { RunningServer } from "../../server/src/index.js";
import type { SessionHost } from "../../worker/host/host.js";
import { generateSealingKey, fixedKeySource, sealedStore } from "../../worker/io/sealedStore.js";
import { idbStore } from "../../worker/io/store.js";
import { admin, openTab, register, startTestServer, testHost } from "../worker-kit.js";
import { mulberry32, type Rng } from "./prng.js";

/** Options of {@link runChaos}. */
export interface ChaosOptions {
  seed: number;
  ops: number;
  /** Tabs opened at the start (and after each worker restart). @default 5 */
  tabs?: number;
  /** Operations in flight at once. @default 3 */
  concurrency?: number;
  /** Progress lines (e.g. console.log). */
  log?: (line: string) => void;
}

/** What {@link runChaos} found. */
export interface ChaosReport {
  seed: number;
  ops: number;
  durationMs: number;
  /** Operations run, per kind. */
  byKind: Record<string, number>;
  /** Operations that rejected, per error code (expected under faults). */
  errors: Record<string, number>;
  restarts: number;
  maxTabs: number;
  finalTabs: number;
  finalUsers: number;
  finalEpoch: number;
  /** Broken guarantees; empty when the run converged. */
  violations: string[];
}

const APP_ID = "chaos";
const OP_DEADLINE_MS = 30_000;
const EMAILS = ["chaos-a@example.com", "chaos-b@example.com"];

interface World {
  server: RunningServer;
  host: SessionHost;
  dbName: string;
  key: CryptoKey;
  tabs: App[];
  ports: MessagePort[];
  explicitlyLoggedOut: Set<string>;
  /** Fires `applied` whenever a tab's mirror applies a snapshot (see {@link openApp}). */
  applied: EventTarget;
}

function newHost(w: Pick<World, "dbName" | "key">): SessionHost {
  return testHost(w.dbName, {
    openStore: () => sealedStore(idbStore({ name: w.dbName }), fixedKeySource(w.key)),
    requestTimeoutMs: 1_500,
    backoff: { baseMs: 50, maxMs: 1_000 },
  });
}

function openApp(w: World): App {
  const host = w.host;
  const app = new App({
    id: APP_ID,
    baseUrl: w.server.url,
    timeoutMs: 10_000,
    migrateFromRealmWeb: false,
    buildId: "test-build",
    worker: () => {
      const { port1, port2 } = new MessageChannel();
      exposeSession(host.connection(), port1);
      w.ports.push(port1, port2);
      return port2;
    },
  });
  // harness hook: report every snapshot the tab applies, so convergence is awaited, not polled
  const mirror = (app as unknown as { session: TabSession }).session.mirror;
  const apply = mirror.apply.bind(mirror);
  mirror.apply = (snapshot, changes) => {
    const applied = apply(snapshot, changes);
    if (applied) w.applied.dispatchEvent(new Event("applied"));
    return applied;
  };
  w.tabs.push(app);
  return app;
}

function mirrorOf(app: App): AppSnapshot | null {
  return (app as unknown as { session: TabSession }).session.mirror.snapshot;
}

type Op = { kind: string; weight: number; run: (w: World, r: Rng) => Promise<unknown> };

const pickUser = (app: App, r: Rng, loggedIn = false) => {
  const users = Object.values(app.allUsers).filter((u) => !loggedIn || u.isLoggedIn);
  return users.length === 0 ? null : r.pick(users);
};

const FAULTS = [
  () => ({ kind: "status", route: "refresh", count: 2, status: 503 }),
  () => ({ kind: "status", route: "functionCall", count: 2, status: 500 }),
  () => ({ kind: "status", route: "login", count: 1, status: 502 }),
  () => ({ kind: "status", route: "profile", count: 1, status: 500 }),
  () => ({ kind: "delay", route: "refresh", count: 1, delayMs: 2_000 }), // past the worker's 1.5 s deadline
  () => ({ kind: "delay", route: "functionCall", count: 1, delayMs: 300 }),
  () => ({ kind: "reset", route: "refresh", count: 1 }),
  () => ({ kind: "reset", route: "functionCall", count: 2 }),
  () => ({ kind: "reset", route: "login", count: 1 }),
];

const OPS: Op[] = [
  {
    kind: "open-tab",
    weight: 4,
    run: async (w) => {
      if (w.tabs.length < 8) await openApp(w).ready;
    },
  },
  {
    kind: "close-tab",
    weight: 3,
    run: async (w, r) => {
      if (w.tabs.length > 5) closeApp(w, r.pick(w.tabs));
    },
  }, // 5 to 8 tabs at all times
  {
    kind: "reload",
    weight: 3,
    run: async (w, r) => {
      closeApp(w, r.pick(w.tabs));
      await openApp(w).ready;
    },
  },
  { kind: "login-anon", weight: 8, run: (w, r) => r.pick(w.tabs).logIn(Credentials.anonymous(r.next() < 0.5)) },
  { kind: "login-email", weight: 3, run: (w, r) => r.pick(w.tabs).logIn(Credentials.emailPassword(r.pick(EMAILS), "password123")) },
  {
    kind: "switch",
    weight: 8,
    run: async (w, r) => {
      const t = r.pick(w.tabs);
      const u = pickUser(t, r, true);
      if (u) await t.switchUser(u);
    },
  },
  {
    kind: "logout",
    weight: 5,
    run: async (w, r) => {
      const u = pickUser(r.pick(w.tabs), r);
      if (u) {
        w.explicitlyLoggedOut.add(u.id);
        await u.logOut();
      }
    },
  },
  {
    kind: "remove",
    weight: 3,
    run: async (w, r) => {
      const t = r.pick(w.tabs);
      const u = pickUser(t, r);
      if (u) {
        w.explicitlyLoggedOut.add(u.id);
        await t.removeUser(u);
      }
    },
  },
  {
    kind: "call",
    weight: 12,
    run: async (w, r) => {
      const u = r.pick(w.tabs).currentUser;
      if (u) await u.callFunction("sum", r.int(100), 1);
    },
  },
  {
    kind: "refresh",
    weight: 6,
    run: async (w, r) => {
      const u = pickUser(r.pick(w.tabs), r, true);
      if (u) await u.refreshAccessToken();
    },
  },
  { kind: "fault", weight: 6, run: (w, r) => admin(w.server, "POST", "/faults", r.pick(FAULTS)()) },
  { kind: "clear-faults", weight: 3, run: (w) => admin(w.server, "DELETE", "/faults") },
];
const RESTART_WEIGHT = 1;

function closeApp(w: World, app: App): void {
  app.close();
  w.tabs.splice(w.tabs.indexOf(app), 1);
}

function classify(error: unknown): string {
  if (error instanceof RealmTabsError) return `tabs:${error.code}`;
  if (error instanceof MongoDBRealmError) return `server:${error.statusCode}:${error.errorCode}`;
  if (error instanceof Error && error.message.startsWith("admin ")) return "admin";
  return `UNCLASSIFIED:${String(error)}`;
}

/** Runs one seeded chaos run; never throws for a broken guarantee (see `violations`). */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const r = mulberry32(options.seed);
  const log = options.log ?? (() => undefined);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  process.on("unhandledRejection", onUnhandled);
  const server = await startTestServer(APP_ID, 60);
  for (const email of EMAILS) await register(server, APP_ID, email);
  const base = { dbName: `chaos-${options.seed}-${Date.now()}`, key: await generateSealingKey() };
  const w: World = {
    ...base,
    server,
    host: newHost(base),
    tabs: [],
    ports: [],
    explicitlyLoggedOut: new Set(),
    applied: new EventTarget(),
  };
  const report: ChaosReport = {
    seed: options.seed,
    ops: options.ops,
    durationMs: 0,
    byKind: {},
    errors: {},
    restarts: 0,
    maxTabs: 0,
    finalTabs: 0,
    finalUsers: 0,
    finalEpoch: 0,
    violations: [],
  };
  const overdue = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  try {
    for (let i = 0; i < (options.tabs ?? 5); i++) openApp(w);
    await Promise.all(w.tabs.map((t) => t.ready));
    const total = OPS.reduce((s, o) => s + o.weight, 0) + RESTART_WEIGHT;
    for (let i = 0; i < options.ops; i++) {
      let roll = r.next() * total;
      const op = OPS.find((o) => (roll -= o.weight) < 0);
      if (!op) {
        await Promise.allSettled(inFlight);
        await restartWorker(w, options.tabs ?? 5);
        report.restarts++;
        report.byKind["restart-worker"] = (report.byKind["restart-worker"] ?? 0) + 1;
        continue;
      }
      report.byKind[op.kind] = (report.byKind[op.kind] ?? 0) + 1;
      const label = `#${i} ${op.kind}`;
      const timer = setTimeout(() => overdue.add(label), OP_DEADLINE_MS);
      const p = op
        .run(w, r)
        .then(
          () => undefined,
          (e: unknown) => {
            const c = classify(e);
            report.errors[c] = (report.errors[c] ?? 0) + 1;
          },
        )
        .finally(() => {
          clearTimeout(timer);
          inFlight.delete(p);
        });
      inFlight.add(p);
      report.maxTabs = Math.max(report.maxTabs, w.tabs.length);
      if (inFlight.size >= (options.concurrency ?? 3)) await Promise.race(inFlight);
      if (i % 200 === 199) log(`[chaos] ${i + 1}/${options.ops} ops, ${w.tabs.length} tabs, ${report.restarts} restarts`);
    }
    await Promise.allSettled(inFlight);
    await admin(server, "DELETE", "/faults");
    await settleAndCheck(w, report);
    if (overdue.size > 0)
      report.violations.push(`operations past their ${OP_DEADLINE_MS} ms deadline: ${[...overdue].slice(0, 5).join(", ")}`);
    for (const [code, n] of Object.entries(report.errors))
      if (code.startsWith("UNCLASSIFIED")) report.violations.push(`${n} rejections without a typed error: ${code}`);
  } finally {
    for (const t of w.tabs.splice(0)) t.close();
    for (const p of w.ports.splice(0)) p.close();
    w.host.close();
    await server.close();
    // not a wait for a condition: a grace period in which rejections left over from the closed
    // tabs and server can still surface as unhandled (there is nothing to await for their absence)
    await new Promise((res) => setTimeout(res, 50));
    process.off("unhandledRejection", onUnhandled);
  }
  if (unhandled.length > 0) report.violations.push(`${unhandled.length} unhandled rejections, first: ${String(unhandled[0])}`);
  report.durationMs = Date.now() - started;
  return report;
}

async function restartWorker(w: World, tabs: number): Promise<void> {
  for (const t of w.tabs.splice(0)) t.close();
  for (const p of w.ports.splice(0)) p.close();
  w.host.close();
  w.host = newHost(w);
  for (let i = 0; i < tabs; i++) openApp(w);
  await Promise.all(w.tabs.map((t) => t.ready.catch(() => undefined)));
}

/** The first tab whose mirror differs from `truth`, described; "" if every tab equals it. */
function mismatchOf(w: World, truth: AppSnapshot): string {
  for (const [i, t] of w.tabs.entries()) {
    if (JSON.stringify(mirrorOf(t)) !== JSON.stringify(truth))
      return `tab ${i} holds epoch ${mirrorOf(t)?.epoch}, the runtime ${truth.epoch}`;
  }
  return "";
}

/**
 * Resolves once every tab's mirror equals the runtime's snapshot, re-checking whenever a tab applies
 * a snapshot (the only way a tab can catch up), or after `timeoutMs` with the last mismatch.
 */
async function converged(
  w: World,
  snapshot: () => Promise<AppSnapshot>,
  timeoutMs: number,
): Promise<{ truth: AppSnapshot; mismatch: string }> {
  let truth = await snapshot();
  let mismatch = mismatchOf(w, truth);
  if (!mismatch) return { truth, mismatch };
  return new Promise((resolve) => {
    let running = false;
    let again = false;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      w.applied.removeEventListener("applied", onApplied);
      resolve({ truth, mismatch });
    };
    const check = async (): Promise<void> => {
      if (running) {
        again = true;
        return;
      } // coalesce: one more check after the running one
      running = true;
      try {
        do {
          again = false;
          truth = await snapshot();
          mismatch = mismatchOf(w, truth);
        } while (again && mismatch);
      } catch (e) {
        mismatch = `the runtime's snapshot failed: ${String(e)}`;
      } finally {
        running = false;
      }
      if (!mismatch) finish();
    };
    const onApplied = (): void => void check();
    const timer = setTimeout(finish, timeoutMs);
    w.applied.addEventListener("applied", onApplied);
    void check(); // a tab may have applied a snapshot since the first check
  });
}

/** Waits (up to 20 s) until every tab equals the runtime, then compares the runtime with IndexedDB. */
async function settleAndCheck(w: World, report: ChaosReport): Promise<void> {
  const appKey = appKeyFor(APP_ID, w.server.url);
  const probe = openTab(w.host, w.server, APP_ID);
  try {
    await probe.connect();
    const { truth, mismatch } = await converged(w, () => probe.api.snapshot(appKey), 20_000);
    if (mismatch) report.violations.push(`tabs did not converge: ${mismatch}`);
    const stored = await sealedStore(idbStore({ name: w.dbName }), fixedKeySource(w.key)).load(appKey);
    if (stored.app?.epoch !== truth.epoch) report.violations.push(`IndexedDB epoch ${stored.app?.epoch} != runtime ${truth.epoch}`);
    if (JSON.stringify(stored.app?.order) !== JSON.stringify(truth.users.map((u) => u.id)))
      report.violations.push("IndexedDB user order differs from the runtime's");
    if (stored.app?.currentUserId !== truth.currentUserId) report.violations.push("IndexedDB current user differs from the runtime's");
    for (const u of truth.users) {
      const s = stored.users.find((x) => x.id === u.id);
      if (!s || s.state !== u.state || s.accessToken !== u.accessToken)
        report.violations.push(`IndexedDB user ${u.id} differs from the runtime's`);
      if (u.state === "LoggedOut" && !w.explicitlyLoggedOut.has(u.id))
        report.violations.push(`user ${u.id} was logged out without a logOut (a transient fault logged it out)`);
    }
    report.finalTabs = w.tabs.length;
    report.finalUsers = truth.users.length;
    report.finalEpoch = truth.epoch;
  } finally {
    probe.close();
  }
}
