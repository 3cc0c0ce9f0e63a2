/**
 * The tab's connection to the session runtime: picks the runtime mode (SharedWorker, leader tab or
 * in-page; see src/modes/), holds the tab's liveness Web Lock, runs the protocol handshake (again
 * after a leader change or when the page wakes up) and puts a deadline on every call.
 * @packageDocumentation
 */
import * as Comlink from "comlink";
import { wrapSession } from "./protocol/comlink.js";
import { RealmTabsError } from "./protocol/errors.js";
import { PROTOCOL_VERSION } from "./protocol/events.js";
import { BUILD_ID, WORKER_NAME, tabLockName } from "./protocol/names.js";
import type { AppConfigWire, ConnectReply, Operation, SessionApi, SessionMethod } from "./protocol/rpc.js";
import { loadOnDemand, withDeadline } from "./protocol/deadline.js";
import type { Link } from "./modes/link.js";
import type { PageChannel } from "./protocol/pageChannel.js";
import { retryIdempotent } from "./modes/retry.js";
import { detectCapabilities, modeCandidates, type ModeOption, type RuntimeMode } from "./modes/select.js";

/** Anything Comlink can talk over: a `MessagePort`, or an object with the same methods. */
export type PortLike = Comlink.Endpoint;

/** How a tab starts (or reaches) the session runtime: a SharedWorker, or a port to one. */
export type WorkerFactory = () => SharedWorker | PortLike;

/** Default deadline of a call to the runtime, in ms. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Starts the bundled SharedWorker. The `new URL(…, import.meta.url)` form is what Vite (and other
 * bundlers) recognise to bundle the worker; keep it literal.
 * @throws {RealmTabsError} `worker-unavailable` if this browser has no SharedWorker
 */
export function defaultWorkerFactory(): SharedWorker {
  if (typeof SharedWorker === "undefined") {
    throw new RealmTabsError("worker-unavailable", "this browser has no SharedWorker; pass `worker` to start the runtime another way");
  }
  return new SharedWorker(new URL("../worker/entry.ts", import.meta.url), { type: "module", name: WORKER_NAME });
}

function isSharedWorker(endpoint: SharedWorker | PortLike): endpoint is SharedWorker {
  return typeof SharedWorker !== "undefined" && endpoint instanceof SharedWorker;
}

/**
 * Rejects with `worker-unavailable` if the SharedWorker reports an error (its script failed to
 * load or threw), so a broken worker fails the handshake at once instead of at the deadline.
 */
function startupFailure(endpoint: SharedWorker | PortLike): Promise<never> {
  const failed = new Promise<never>((_resolve, reject) => {
    if (!isSharedWorker(endpoint)) return;
    endpoint.addEventListener(
      "error",
      (event) => {
        const detail = event instanceof ErrorEvent && event.message ? `: ${event.message}` : "";
        reject(new RealmTabsError("worker-unavailable", `the SharedWorker failed to start${detail}`));
      },
      { once: true },
    );
  });
  failed.catch(() => {});
  return failed;
}

/** A live connection of one tab to the runtime. */
export interface Connection {
  /** The random id of this tab. */
  readonly tabId: string;
  /** Where the runtime runs. */
  readonly mode: RuntimeMode;
  /** Why the mode is weaker than a SharedWorker, or null. */
  readonly degraded: string | null;
  /**
   * Runs one RPC with the deadline (after the current handshake): `run` gets the remote method
   * `op` names, so the operation a call is handled as is the method it runs.
   * @throws {RealmTabsError} `timeout` (retryable) when the runtime does not answer in time,
   *   `leader-changed` (retryable) when the leader tab went away while a call that changes state was in flight
   */
  call<M extends SessionMethod, T>(op: Operation<M>, run: (method: Comlink.Remote<SessionApi>[M]) => Promise<T>): Promise<T>;
  /**
   * Runs the handshake again and returns the runtime's current snapshot (page resumed).
   * @throws {RealmTabsError} `timeout`, `protocol-mismatch`, `leader-changed`
   */
  resync(): Promise<ConnectReply>;
  /** Releases the liveness lock and the link. */
  close(): void;
  /** The link's stand-in channel where the realm has no BroadcastChannel (in-page mode; see `Link.pageChannel`). */
  pageChannel?(name: string): PageChannel | undefined;
}

/** Options of {@link openConnection}. */
export interface ConnectionOptions {
  /** How to start the runtime (pins the SharedWorker mode). @default {@link defaultWorkerFactory} */
  worker?: WorkerFactory;
  /** Deadline of every call, in ms. @default 30000 */
  timeoutMs?: number;
  /** Which runtime mode to use. @default "auto" */
  mode?: ModeOption;
  /** This tab's build id, sent in the handshake. @default {@link BUILD_ID} */
  buildId?: string;
  /** Called with the new handshake's reply after the runtime changed (a new leader took over). */
  onReconnect?: (reply: ConnectReply) => void;
  /**
   * Called with each message the runtime posts to this tab's push port (a `StatePush` after each
   * commit). Given, the handshake hands the runtime a private port for them, except in leader mode,
   * where every reply travels on a BroadcastChannel.
   */
  onPush?: (data: unknown) => void;
}

/**
 * Holds the Web Lock {@link tabLockName} until `release` is called: the runtime requests the
 * same name, and getting it tells it the tab is gone (a MessagePort never reports closing).
 * Resolves once the lock is held; without Web Locks (old browsers, Node) it resolves at once.
 * @throws {RealmTabsError} `timeout` if the lock is not granted in time (the request is then aborted)
 */
export async function holdLivenessLock(tabId: string, timeoutMs: number): Promise<() => void> {
  const locks = typeof navigator === "undefined" ? undefined : (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return () => {};
  let release: () => void = () => {};
  // aborted on timeout: a request granted after the deadline would otherwise be held forever and
  // make the runtime count this tab as alive until the page dies
  const abort = new AbortController();
  const held = new Promise<void>((resolve, reject) => {
    locks
      .request(tabLockName(tabId), { signal: abort.signal }, () => {
        if (abort.signal.aborted) return undefined; // granted too late: let it go at once
        resolve();
        return new Promise<void>((done) => {
          release = done;
        });
      })
      .catch(reject);
  });
  held.catch(() => {});
  try {
    await withDeadline(held, timeoutMs, "the tab liveness lock");
  } catch (error) {
    abort.abort();
    throw error;
  }
  return () => release();
}

function sharedWorkerLink(factory: WorkerFactory): Link {
  const endpoint = factory();
  const api = wrapSession(isSharedWorker(endpoint) ? endpoint.port : endpoint);
  const failed = startupFailure(endpoint);
  return {
    mode: "shared-worker",
    degraded: null, // a SharedWorker is the mode the others are degraded from
    api,
    ready: Promise.resolve(),
    lost: () => failed,
    onChange: () => {},
    close: () => api[Comlink.releaseProxy](),
  };
}

/** Opens a link in `mode`; the fallback modes' code is loaded only when one is chosen. */
async function openLink(mode: RuntimeMode, options: ConnectionOptions, tabId: string, buildId: string, timeoutMs: number): Promise<Link> {
  switch (mode) {
    case "shared-worker":
      return sharedWorkerLink(options.worker ?? defaultWorkerFactory);
    case "leader": {
      const { openLeaderLink } = await loadOnDemand(() => import("./modes/leader-link.js"), "leader mode", timeoutMs);
      return openLeaderLink(WORKER_NAME, tabId, buildId, timeoutMs);
    }
    case "in-page": {
      const { openInPageLink } = await loadOnDemand(() => import("./modes/in-page-link.js"), "in-page mode", timeoutMs);
      return openInPageLink(buildId);
    }
  }
}

/** `callFunction sum`, `stats`: an operation as error messages name it. */
function describe(op: Operation): string {
  return op.about === undefined ? op.method : `${op.method} ${op.about}`;
}

function wrapStartError(cause: unknown): RealmTabsError {
  if (cause instanceof RealmTabsError) return cause;
  return new RealmTabsError("worker-unavailable", `the session runtime could not be started: ${String(cause)}`, { cause });
}

/** Builds the connection over a link: handshakes (again on every runtime change) and deadlines. */
function connectOver(
  link: Link,
  config: AppConfigWire,
  tabId: string,
  buildId: string,
  timeoutMs: number,
  options: ConnectionOptions,
  release: () => void,
): { connection: Connection; first: Promise<ConnectReply> } {
  let generation = 0;
  const raw = <M extends SessionMethod, T>(op: Operation<M>, run: (method: Comlink.Remote<SessionApi>[M]) => Promise<T>): Promise<T> =>
    withDeadline(Promise.race([run(link.api[op.method]), link.lost()]), timeoutMs, `the session runtime (${describe(op)})`);
  let latest: Promise<ConnectReply> | null = null;
  let pushPort: MessagePort | null = null;
  /** A fresh push port for one handshake; it replaces the older one once that handshake succeeded. */
  function openPush(): MessageChannel | null {
    const onPush = options.onPush;
    if (!onPush || link.mode === "leader" || typeof MessageChannel === "undefined") return null;
    const channel = new MessageChannel();
    channel.port1.onmessage = (event: MessageEvent) => onPush(event.data);
    return channel;
  }
  function handshake(): Promise<ConnectReply> {
    const mine = ++generation;
    const attempt = (async () => {
      const push = openPush();
      try {
        const request = { protocol: PROTOCOL_VERSION, buildId, tabId, config };
        const reply = await raw({ method: "connect" }, (connect) =>
          connect(push ? Comlink.transfer({ ...request, push: push.port2 }, [push.port2]) : request),
        );
        if (push && mine === generation) {
          pushPort?.close();
          pushPort = push.port1;
        } else push?.port1.close(); // a newer handshake's port is the one the runtime keeps
        if (reply.protocol !== PROTOCOL_VERSION) {
          throw new RealmTabsError(
            "protocol-mismatch",
            `the runtime speaks protocol ${reply.protocol}, this tab ${PROTOCOL_VERSION}; reload the page`,
            { retryable: false },
          );
        }
        return reply;
      } catch (error) {
        push?.port1.close();
        // the runtime changed meanwhile: the newer handshake (never this one) answers
        if (mine !== generation && latest) return latest;
        throw error;
      }
    })();
    latest = attempt;
    return attempt;
  }
  let connected: Promise<ConnectReply> = withDeadline(link.ready, timeoutMs, "the session runtime").then(handshake);
  connected.catch(() => {});
  const first = connected;
  link.onChange(() => {
    connected = handshake();
    connected.then(
      (reply) => options.onReconnect?.(reply),
      (e: unknown) => console.warn("[realm-tabs] reconnecting to the new leader failed", e),
    );
  });
  const connection: Connection = {
    tabId,
    mode: link.mode,
    degraded: link.degraded,
    pageChannel: (name) => link.pageChannel?.(name),
    call: async (op, run) => {
      await connected.catch((error: unknown) => {
        // a reconnect that failed transiently (e.g. timed out) is tried again, not kept failing
        if (!(error instanceof RealmTabsError && error.retryable)) throw error;
        connected = handshake();
        return connected;
      });
      // reads are retried once on a new leader; mutations keep failing with leader-changed (modes/retry.ts)
      return retryIdempotent(
        op.method,
        () => raw(op, run),
        () => connected,
      );
    },
    resync: () => {
      const next = handshake();
      next.then(
        () => {
          connected = next;
        },
        () => {},
      ); // a failed resync keeps the working connection
      return next;
    },
    close: () => {
      release();
      pushPort?.close();
      pushPort = null;
      link.close();
    },
  };
  return { connection, first };
}

/**
 * Connects this tab: takes the liveness lock, starts the runtime in
 * the first mode that works (see {@link modeCandidates}) and performs the protocol handshake.
 * @throws {RealmTabsError} `worker-unavailable` if no mode can start the runtime,
 *   `protocol-mismatch` if the runtime speaks another protocol version, `timeout` if it does not answer
 */
export async function openConnection(
  config: AppConfigWire,
  options: ConnectionOptions = {},
): Promise<{ connection: Connection; reply: ConnectReply }> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const buildId = options.buildId ?? BUILD_ID;
  const tabId = crypto.randomUUID();
  const releaseLock = await holdLivenessLock(tabId, timeoutMs);
  const modes = modeCandidates(options.mode ?? "auto", detectCapabilities(), options.worker !== undefined);
  for (const [i, mode] of modes.entries()) {
    const last = i === modes.length - 1;
    let link: Link;
    try {
      link = await openLink(mode, options, tabId, buildId, timeoutMs);
    } catch (cause) {
      if (last) {
        releaseLock();
        throw wrapStartError(cause);
      }
      continue;
    }
    // the runtime gives this tab's function calls as long to get the server's answer, less a second,
    // so that its error (which names the request) arrives before this tab's own deadline
    const wire = { ...config, callTimeoutMs: timeoutMs - 1_000 };
    const { connection, first } = connectOver(link, wire, tabId, buildId, timeoutMs, options, releaseLock);
    try {
      return { connection, reply: await first };
    } catch (error) {
      link.close();
      const startFailed = error instanceof RealmTabsError && error.code === "worker-unavailable";
      if (last || !startFailed) {
        releaseLock();
        throw error;
      }
    }
  }
  releaseLock();
  throw new RealmTabsError("worker-unavailable", "no runtime mode is available in this browser");
}
