/**
 * The tab's link to the session runtime: starts the SharedWorker (or takes a custom endpoint),
 * wraps its port with Comlink, holds the tab's liveness Web Lock, and puts a deadline on every call.
 * @packageDocumentation
 */
import * as Comlink from "comlink";
import { installErrorTransfer } from "./protocol/comlink.js";
import { RealmTabsError } from "./protocol/errors.js";
import { PROTOCOL_VERSION } from "./protocol/events.js";
import type { AppConfigWire, ConnectReply, SessionApi } from "./protocol/rpc.js";
import { withDeadline } from "./deadline.js";

/** Anything Comlink can talk over: a `MessagePort`, or an object with the same methods. */
export type PortLike = Comlink.Endpoint;

/** How a tab starts (or reaches) the session runtime: a SharedWorker, or a port to one. */
export type WorkerFactory = () => SharedWorker | PortLike;

/** Build id of this bundle, sent in the handshake (the runtime reports tabs of older builds). */
export const BUILD_ID = "realm-tabs@0.1.0";

/** Default deadline of a call to the runtime, in ms. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Name of the SharedWorker; tabs of one origin share one instance per script URL and name. */
export const WORKER_NAME = "realm-tabs";

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
    endpoint.addEventListener("error", (event) => {
      const detail = event instanceof ErrorEvent && event.message ? `: ${event.message}` : "";
      reject(new RealmTabsError("worker-unavailable", `the SharedWorker failed to start${detail}`));
    }, { once: true });
  });
  failed.catch(() => {});
  return failed;
}

/** A live connection of one tab to the runtime. */
export interface Connection {
  /** The random id of this tab. */
  readonly tabId: string;
  /**
   * Runs one RPC with the deadline.
   * @throws {RealmTabsError} `timeout` (retryable) when the runtime does not answer in time
   */
  call<T>(what: string, fn: (api: Comlink.Remote<SessionApi>) => Promise<T>): Promise<T>;
  /** Releases the liveness lock and the Comlink proxy. */
  close(): void;
}

/** Options of {@link openConnection}. */
export interface ConnectionOptions {
  /** How to start the runtime. @default {@link defaultWorkerFactory} */
  worker?: WorkerFactory;
  /** Deadline of every call, in ms. @default 30000 */
  timeoutMs?: number;
}

/**
 * Holds the Web Lock `realm-tabs:tab:<tabId>` until `release` is called: the runtime requests the
 * same name, and getting it tells it the tab is gone (a MessagePort never reports closing).
 * Resolves once the lock is held; without Web Locks (old browsers, Node) it resolves at once.
 */
async function holdLivenessLock(tabId: string, timeoutMs: number): Promise<() => void> {
  const locks = typeof navigator === "undefined" ? undefined : (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return () => {};
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    void locks.request(`realm-tabs:tab:${tabId}`, () => {
      resolve();
      return new Promise<void>((done) => {
        release = done;
      });
    });
  });
  await withDeadline(held, timeoutMs, "the tab liveness lock");
  return () => release();
}

/**
 * Connects this tab: installs the error transfer, takes the liveness lock, starts the worker and
 * performs the protocol handshake.
 * @throws {RealmTabsError} `worker-unavailable` if the worker cannot be started,
 *   `protocol-mismatch` if the runtime speaks another protocol version, `timeout` if it does not answer
 */
export async function openConnection(
  config: AppConfigWire,
  options: ConnectionOptions = {},
): Promise<{ connection: Connection; reply: ConnectReply }> {
  installErrorTransfer();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const tabId = crypto.randomUUID();
  const releaseLock = await holdLivenessLock(tabId, timeoutMs);
  let api: Comlink.Remote<SessionApi>;
  let failed: Promise<never>;
  try {
    const endpoint = (options.worker ?? defaultWorkerFactory)();
    failed = startupFailure(endpoint);
    api = Comlink.wrap<SessionApi>(isSharedWorker(endpoint) ? endpoint.port : endpoint);
  } catch (cause) {
    releaseLock();
    if (cause instanceof RealmTabsError) throw cause;
    throw new RealmTabsError("worker-unavailable", `the session runtime could not be started: ${String(cause)}`, { cause });
  }
  const connection: Connection = {
    tabId,
    call: (what, fn) => withDeadline(fn(api), timeoutMs, `the session runtime (${what})`),
    close: () => {
      releaseLock();
      api[Comlink.releaseProxy]();
    },
  };
  try {
    const reply = await Promise.race([
      connection.call("connect", (a) => a.connect({ protocol: PROTOCOL_VERSION, buildId: BUILD_ID, tabId, config })),
      failed,
    ]);
    if (reply.protocol !== PROTOCOL_VERSION) {
      throw new RealmTabsError("protocol-mismatch", `the runtime speaks protocol ${reply.protocol}, this tab ${PROTOCOL_VERSION}; reload the page`, { retryable: false });
    }
    return { connection, reply };
  } catch (error) {
    connection.close();
    throw error;
  }
}
