/**
 * The session host: one {@link AppRuntime} per app key (app id + base URL), shared by every tab,
 * and a per-connection object that `satisfies SessionApi`. It works over any Comlink endpoint: a
 * SharedWorker port, a leader tab's BroadcastChannel endpoint, or a `MessageChannel` port in tests.
 * @packageDocumentation
 */
import { PROTOCOL_VERSION } from "../../src/protocol/events.js";
import { BUILD_ID, appKeyFor, channelName } from "../../src/protocol/names.js";
import { RealmTabsError } from "../../src/protocol/errors.js";
import type { AppConfigWire, ConnectReply, RuntimeStats, SessionApi, StatePush } from "../../src/protocol/rpc.js";
import { realTimers, systemClock, type ChannelFactory, type Clock, type FetchLike, type Timers } from "../io/deps.js";
import type { Liveness } from "./liveness.js";
import type { SharedLock } from "../io/locks.js";
import type { BackoffOptions } from "../session/refresh.js";
import type { DeviceInfo } from "../io/requests.js";
import { createAppRuntime, type AppRuntime } from "../session/runtime.js";
import { createTabRegistry } from "./tabs.js";
import { emptyState, newStoreId, revealRefreshTokens, type SessionState } from "../session/state.js";
import { openWithFallback, type SessionStore, type StoreHooks } from "../io/store.js";
import { createTransport } from "../io/transport.js";
import { sessionApi } from "./api.js";
import { parseConnect, parseString } from "./validate.js";
import { watchesOnDemand } from "../features/watchOnDemand.js";
import { endStreamsOnLogout } from "../features/watch.js";
import { storeFallback } from "../features/lazy.js";

/** What the host is built from. Only `buildId`, `openStore`, `fetch`, `channel` and `liveness` are required. */
export interface HostDeps {
  /** Build id of this runtime (reported in `stats()` and `ConnectReply`). */
  buildId: string;
  /**
   * Opens the persistent store; if it fails, the host falls back to memory and warns. The hooks
   * report IndexedDB schema conflicts with another build as `warning` events.
   */
  openStore: (hooks: StoreHooks) => SessionStore;
  /** Sends HTTP requests (`globalThis.fetch` in browsers and Node 20). */
  fetch: FetchLike;
  /** Opens the per-app BroadcastChannel. */
  channel: ChannelFactory;
  /** Tells the host when a tab is gone (Web Locks in browsers). */
  liveness: Liveness;
  /** Local clock. @default Date.now */
  clock?: Clock;
  /** Timers of the refresh loop. @default setTimeout */
  timers?: Timers;
  /** Jitter source. @default Math.random */
  random?: () => number;
  /** `sdkVersion`, `platform`, `platformVersion` sent on login. */
  device?: Omit<DeviceInfo, "appId" | "appVersion" | "deviceId">;
  /** Deadline of each HTTP request. @default 15000 */
  requestTimeoutMs?: number;
  /** Bounds of the refresh backoff. @default 500 ms doubling up to 30 s */
  backoff?: BackoffOptions;
  /**
   * A lock shared with runtimes of other builds on the same IndexedDB (Web Locks in browsers):
   * refreshes of one user then never overlap, and a runtime adopts tokens another one stored.
   */
  lock?: SharedLock;
}

/** The host; `connection()` is what each endpoint exposes. */
export interface SessionHost {
  /**
   * A new per-connection API object (expose it on one port). `privatePort` says whether only the
   * connecting tab reads what is sent on that port (a SharedWorker or `MessageChannel` port, not a
   * BroadcastChannel): only then does a tab that opts in get refresh tokens.
   * @default privatePort true
   */
  connection(options?: { privatePort?: boolean }): SessionApi;
  /** Counters over every runtime. */
  stats(): RuntimeStats;
  /** Registers a callback run when a tab goes away (per-tab resources, e.g. watch streams). */
  onTabGone(listener: (tabId: string) => void): () => void;
  /** Stops every runtime. */
  close(): void;
}

/** The key of an app runtime: {@link appKeyFor} of its id and base URL. */
export function appKeyOf(config: Pick<AppConfigWire, "id" | "baseUrl">): string {
  return appKeyFor(config.id, config.baseUrl);
}

const REFRESH_TOKEN_WITHHELD =
  "exposeRefreshToken is ignored in leader mode: the runtime's replies travel on a BroadcastChannel any script of the origin can read, so user.refreshToken stays null";

/** Creates the host. Nothing is opened until the first tab connects. */
export function createSessionHost(deps: HostDeps): SessionHost {
  const clock = deps.clock ?? systemClock;
  const timers = deps.timers ?? realTimers;
  const random = deps.random ?? Math.random;
  const device = deps.device ?? { sdkVersion: BUILD_ID, platform: "web", platformVersion: "0.0.0" };
  const runtimes = new Map<string, Promise<AppRuntime>>();
  const ready = new Map<string, AppRuntime>();
  // the latest warning of each code, replayed to tabs that connect later
  const warnings = new Map<string, string>();
  let closed = false;
  const tabs = createTabRegistry(deps.liveness);
  let store: SessionStore | null = null;
  const watchHub = watchesOnDemand({ fetch: deps.fetch, timers, random, backoff: deps.backoff, connectTimeoutMs: deps.requestTimeoutMs });
  // aborted when their tab is gone: its function calls' requests end then, not at their deadline
  const goneSignals = new Map<string, AbortController>();
  const stopWatchingTabs = tabs.onGone((tabId) => {
    goneSignals.get(tabId)?.abort();
    goneSignals.delete(tabId);
    watchHub.dropTab(tabId);
    for (const rt of ready.values()) rt.fanout.drop(tabId);
  });

  function warnAll(code: string, message: string): void {
    warnings.set(code, message);
    for (const rt of ready.values()) rt.publish({ v: PROTOCOL_VERSION, kind: "warning", appKey: rt.appKey, code, message });
  }

  function theStore(): SessionStore {
    const hooks: StoreHooks = {
      onVersionChange: () => warnAll("storage-version", "A newer version of this app upgraded the session database: reload this page"),
      onBlocked: () =>
        warnAll("storage-blocked", "An older version of this app, open in another tab, holds the session database: close it"),
    };
    store ??= openWithFallback(
      () => deps.openStore(hooks),
      (e) =>
        warnAll(
          "storage",
          `IndexedDB failed (${(e as Error)?.message ?? String(e)}); the session is kept in memory only and is lost when the worker stops`,
        ),
      {
        onRecovered: () => {
          warnings.delete("storage"); // "memory only" is no longer true for tabs that connect now
          warnAll("storage-recovered", "IndexedDB works again; the session is stored again");
        },
        now: () => clock.now(),
        loadFallback: storeFallback,
      },
    );
    return store;
  }

  async function startRuntime(appKey: string, config: AppConfigWire): Promise<AppRuntime> {
    const s = theStore();
    const loaded = await s.load(appKey);
    if (closed) throw new RealmTabsError("runtime-closed", "The session host was closed while the runtime started");
    // a record stored before store ids existed gets one now (written with the next commit)
    const initial: SessionState = loaded.app
      ? { app: { ...loaded.app, storeId: loaded.app.storeId ?? newStoreId() }, users: new Map(loaded.users.map((u) => [u.id, u])) }
      : emptyState(appKey);
    const transport = createTransport({
      appId: config.id,
      baseUrl: config.baseUrl,
      skipLocationRequest: config.skipLocationRequest,
      fetch: deps.fetch,
      timeoutMs: deps.requestTimeoutMs,
      now: () => clock.now(),
    });
    const rt = createAppRuntime(
      {
        appKey,
        config,
        store: s,
        transport,
        channel: deps.channel(channelName(appKey)),
        clock,
        timers,
        random,
        device,
        backoff: deps.backoff,
        lock: deps.lock,
        onChanges: (changes) => endStreamsOnLogout(appKey, watchHub, changes),
      },
      initial,
    );
    ready.set(appKey, rt);
    return rt;
  }

  function runtimeFor(config: AppConfigWire): Promise<AppRuntime> {
    const appKey = appKeyOf(config);
    let p = runtimes.get(appKey);
    if (!p) {
      p = startRuntime(appKey, config);
      runtimes.set(appKey, p);
      p.catch(() => runtimes.delete(appKey));
    }
    return p;
  }

  function known(appKey: unknown): AppRuntime {
    const key = parseString(appKey, "appKey");
    const rt = ready.get(key);
    if (!rt) throw new RealmTabsError("invalid-argument", `Unknown appKey ${key}: call connect first`, { retryable: false });
    return rt;
  }

  async function connect(raw: unknown, privatePort: boolean): Promise<{ reply: ConnectReply; revealRefreshTokens: boolean }> {
    const req = parseConnect(raw);
    const rt = await runtimeFor(req.config);
    const withheld = req.config.exposeRefreshToken && !privatePort;
    // two builds share this runtime: assume the tab that connected last runs the newest deploy
    if (tabs.attach(req.tabId, req.buildId, rt.appKey)) {
      rt.publish({ v: PROTOCOL_VERSION, kind: "outdated", appKey: rt.appKey, buildId: req.buildId });
    }
    const replayed = [...warnings].map(([code, message]) => ({ code, message }));
    if (withheld) replayed.push({ code: "refresh-token-withheld", message: REFRESH_TOKEN_WITHHELD });
    const reveal = req.config.exposeRefreshToken && privatePort;
    const pushing = req.push !== undefined && privatePort;
    if (req.push && pushing) pushTo(rt, req.tabId, req.push, reveal);
    else {
      req.push?.close(); // a port that is not private (leader mode) gets no snapshots
      rt.fanout.pull(req.tabId);
    }
    return {
      reply: { appKey: rt.appKey, snapshot: rt.snapshot(), protocol: PROTOCOL_VERSION, buildId: deps.buildId, warnings: replayed, pushing },
      revealRefreshTokens: reveal,
    };
  }

  /** From now on, each commit of `rt` is posted to the tab's private port (replacing its older one). */
  function pushTo(rt: AppRuntime, tabId: string, port: MessagePort, reveal: boolean): void {
    rt.fanout.add(tabId, {
      push: (snapshot, changes) => {
        const message: StatePush = { kind: "state", snapshot: reveal ? revealRefreshTokens(snapshot, rt.state()) : snapshot, changes };
        port.postMessage(message);
      },
      close: () => port.close(),
    });
  }

  function tabGone(tabId: string): AbortSignal {
    let controller = goneSignals.get(tabId);
    if (!controller) goneSignals.set(tabId, (controller = new AbortController()));
    return controller.signal;
  }

  function stats(): RuntimeStats {
    let refreshes = 0;
    for (const rt of ready.values()) refreshes += rt.refreshCount;
    return { tabs: tabs.size, refreshes, openStreams: watchHub.openStreams(), buildId: deps.buildId };
  }

  return {
    connection: (options) => {
      const privatePort = options?.privatePort ?? true;
      return sessionApi({ connect: (raw) => connect(raw, privatePort), runtime: known, stats, watchHub, tabGone });
    },
    stats,
    onTabGone: (listener) => tabs.onGone(listener),
    close() {
      closed = true;
      watchHub.close();
      stopWatchingTabs();
      for (const rt of ready.values()) rt.close();
      tabs.close();
      ready.clear();
      runtimes.clear();
      store?.close();
    },
  };
}
