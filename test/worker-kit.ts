/**
 * Test support for the runtime in Node: the real local server, a host on fake-indexeddb, tabs as
 * Comlink-wrapped `MessageChannel` ports, an event log on the app's BroadcastChannel, and the
 * server's admin API. Imported by `*.test.ts` files only.
 * @packageDocumentation
 */
import "fake-indexeddb/auto";
import * as Comlink from "comlink";
import { EJSON } from "bson";
import { startServer, type RunningServer } from "../server/src/index.js";
import { wrapSession } from "../src/protocol/comlink.js";
import { exposeSession } from "../src/protocol/expose.js";
import { PROTOCOL_VERSION, isSessionEvent, type SessionEvent, type StateEvent } from "../src/protocol/events.js";
import { channelName } from "../src/protocol/names.js";
import type { ConnectReply, CredentialsWire, SessionApi } from "../src/protocol/rpc.js";
import { createSessionHost, type HostDeps, type SessionHost } from "../worker/host/host.js";
import { manualLiveness } from "../worker/host/liveness.js";
import { idbStore } from "../worker/io/store.js";

/** The admin token of test servers. */
export const ADMIN_TOKEN = "test-admin-token";

/**
 * Starts the real server in memory on a free port, with the demo's functions and every collection
 * open to every user (these suites test the runtime, not data access rules).
 */
export function startTestServer(appId: string, accessTokenTtlSeconds = 600): Promise<RunningServer> {
  return startServer({
    port: 0,
    appId,
    inMemory: true,
    functionsDir: "demo/app/functions",
    adminToken: ADMIN_TOKEN,
    accessTokenTtlSeconds,
    refreshTokenTtlSeconds: 3600,
    allowAllData: true,
    onWarning: () => undefined,
  });
}

/** Calls the server's admin API; returns the parsed (relaxed EJSON) body. */
export async function admin(server: RunningServer, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${server.url}/admin/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${text}`);
  return text ? EJSON.parse(text) : null;
}

/** Requests per route kind, from the admin API. */
export async function routeCounts(server: RunningServer): Promise<Record<string, number>> {
  return ((await admin(server, "GET", "/counters")) as { routes: Record<string, number> }).routes;
}

/** Anonymous credentials. */
export function anonymous(reuse = true): CredentialsWire {
  return { providerType: "anon-user", payloadEJSON: "{}", reuse };
}

/** Email/password credentials. */
export function emailPassword(email: string, password = "password123"): CredentialsWire {
  return { providerType: "local-userpass", payloadEJSON: JSON.stringify({ username: email, password }), reuse: false };
}

/** Registers an email/password user (auto-confirmed by the default server config). */
export async function register(server: RunningServer, appId: string, email: string, password = "password123"): Promise<void> {
  const res = await fetch(`${server.url}/api/client/v2.0/app/${appId}/auth/providers/local-userpass/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`register ${email}: ${res.status} ${await res.text()}`);
}

/** Events received on one app's channel, as a tab would receive them. */
export interface EventLog {
  readonly events: SessionEvent[];
  /** State events only. */
  states(): StateEvent[];
  /** Resolves with the first event (already received or future) matching `pred`. */
  waitFor<E extends SessionEvent = SessionEvent>(pred: (e: SessionEvent) => boolean, timeoutMs?: number): Promise<E>;
  close(): void;
}

/** Listens on the channel of `appKey`. */
export function listen(appKey: string): EventLog {
  const channel = new BroadcastChannel(channelName(appKey));
  const events: SessionEvent[] = [];
  const waiters = new Set<() => void>();
  channel.onmessage = (m: MessageEvent) => {
    if (!isSessionEvent(m.data)) return;
    events.push(m.data);
    for (const w of waiters) w();
  };
  return {
    events,
    states: () => events.filter((e): e is StateEvent => e.kind === "state"),
    waitFor<E extends SessionEvent>(pred: (e: SessionEvent) => boolean, timeoutMs = 10_000): Promise<E> {
      return new Promise<E>((resolve, reject) => {
        const check = (): void => {
          const found = events.find(pred);
          if (!found) return;
          cleanup();
          resolve(found as E);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching event within ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => channel.close(),
  };
}

/** One simulated tab: a Comlink proxy over a MessageChannel port exposed by the host. */
export interface TestTab {
  api: Comlink.Remote<SessionApi>;
  tabId: string;
  connect(exposeRefreshToken?: boolean): Promise<ConnectReply>;
  close(): void;
}

/** A host on a fake-indexeddb database of its own (pass the same `dbName` to simulate a restart). */
export function testHost(dbName: string, overrides: Partial<HostDeps> = {}): SessionHost & { liveness: ReturnType<typeof manualLiveness> } {
  const liveness = manualLiveness();
  const host = createSessionHost({
    buildId: "test-build",
    openStore: () => idbStore({ name: dbName }),
    fetch: (input, init) => fetch(input, init),
    channel: (name) => new BroadcastChannel(name),
    liveness,
    ...overrides,
  });
  return Object.assign(host, { liveness });
}

let tabCounter = 0;

/** Opens a tab on `host` for the app `appId` at `server`. */
export function openTab(host: SessionHost, server: RunningServer, appId: string): TestTab {
  const { port1, port2 } = new MessageChannel();
  exposeSession(host.connection(), port1);
  const api = wrapSession(port2);
  const tabId = `tab-${++tabCounter}`;
  return {
    api,
    tabId,
    connect: (exposeRefreshToken = false) =>
      api.connect({
        protocol: PROTOCOL_VERSION,
        buildId: "test-build",
        tabId,
        config: { id: appId, baseUrl: server.url, skipLocationRequest: false, exposeRefreshToken },
      }),
    close() {
      api[Comlink.releaseProxy]();
      port1.close();
      port2.close();
    },
  };
}
