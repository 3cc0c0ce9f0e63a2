/**
 * Shared watch streams: tabs watching the same (app, user, service, database, collection,
 * filter/ids) share ONE server stream, opened by the runtime. Events go to each watcher's
 * `MessagePort` with `postMessage` (never awaited, so a dead tab cannot block the stream). The
 * stream closes when its last watcher stops or its tab dies, and ends every watcher with an error
 * when the user logs out or the server refuses it. Network drops, silent streams and streams the
 * server ended (expired token, full buffer) reconnect with backoff and resume after the last event
 * received (`Last-Event-ID`), so no event is lost while the stream was down.
 * @packageDocumentation
 */
import { RealmTabsError } from "../../src/protocol/errors.js";
import { isMongoDBRealmError, isRealmTabsError, isWatchError, serializeError } from "../../src/protocol/encodeError.js";
import type { WatchMessage } from "../../src/protocol/rpc.js";
import type { FetchLike, Timers } from "../io/deps.js";
import { backoffDelayMs, type BackoffOptions } from "../session/refresh.js";
import type { AppRuntime } from "../session/runtime.js";
import { runStream, watchUrl, type WatchSpec } from "../io/sse.js";

/**
 * Where a watcher's events go: a `MessagePort` (SharedWorker and in-page mode), or in leader mode a
 * stand-in that posts addressed messages on the leader RPC channel (src/modes/tunnel.ts).
 */
export interface WatchSink {
  postMessage(message: WatchMessage): void;
  close(): void;
}

/** What the hub is built from. */
export interface WatchHubDeps {
  fetch: FetchLike;
  timers: Timers;
  random: () => number;
  backoff?: BackoffOptions;
  /** Deadline for a stream's response headers. @default 15000 */
  connectTimeoutMs?: number;
  /** A stream silent (no event, no heartbeat) this long is reconnected. @default 45000 (3 server heartbeats) */
  idleTimeoutMs?: number;
}

/** The hub of one session host. */
export interface WatchHub {
  /** Adds a watcher; opens the server stream if it is the first. @returns the watch id */
  subscribe(rt: AppRuntime, userId: string, spec: WatchSpec, tabId: string, sink: WatchSink): string;
  /** Removes a watcher (no-op for an unknown id); closes the stream with its last watcher. */
  unsubscribe(watchId: string): void;
  /** Removes every watcher of a tab that went away. */
  dropTab(tabId: string): void;
  /** Ends every stream of a user (logout, removal) with a `watch-closed` error. */
  endUser(appKey: string, userId: string, reason: string): void;
  /** Server streams connected right now. */
  openStreams(): number;
  /** Logical streams (connected or reconnecting). */
  streams(): number;
  close(): void;
}

interface Watcher {
  key: string;
  tabId: string;
  sink: WatchSink;
}
interface Stream {
  key: string;
  appKey: string;
  userId: string;
  watchers: Set<string>;
  abort: AbortController;
  connected: boolean;
  /** The resume point: the SSE id of the last event received. */
  lastEventId?: string;
}

function streamKey(appKey: string, userId: string, s: WatchSpec): string {
  return JSON.stringify([appKey, userId, s.service, s.database, s.collection, s.idsEJSON ?? null, s.filterEJSON ?? null]);
}

function transient(e: unknown): boolean {
  if (isRealmTabsError(e)) return e.code === "network" || e.code === "timeout";
  // the server cut a client that fell behind: reconnect and resume
  if (isWatchError(e)) return e.code === "BufferFull";
  return isMongoDBRealmError(e) && e.statusCode >= 500;
}

/** The server ended the stream because its access token expired (or its session may have ended). */
function sessionEnded(e: unknown): boolean {
  return isWatchError(e) && e.code === "InvalidSession";
}

/** Creates the hub. */
export function createWatchHub(deps: WatchHubDeps): WatchHub {
  const streams = new Map<string, Stream>();
  const watchers = new Map<string, Watcher>();

  function send(id: string, message: WatchMessage): void {
    try {
      watchers.get(id)?.sink.postMessage(message);
    } catch {
      // a closed port: its tab will be dropped by liveness
    }
  }

  function finish(stream: Stream, error: unknown): void {
    const message: WatchMessage = { type: "error", error: serializeError(error) };
    for (const id of stream.watchers) {
      send(id, message);
      removeWatcher(id);
    }
  }

  function removeWatcher(id: string): void {
    const w = watchers.get(id);
    if (!w) return;
    watchers.delete(id);
    try {
      w.sink.close();
    } catch {
      /* already closed */
    }
    const stream = streams.get(w.key);
    if (!stream) return;
    stream.watchers.delete(id);
    if (stream.watchers.size === 0) {
      streams.delete(w.key);
      stream.abort.abort();
    }
  }

  function sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const t = deps.timers.set(() => {
        signal.removeEventListener("abort", stop);
        resolve();
      }, ms);
      const stop = (): void => {
        t.cancel();
        resolve();
      };
      signal.addEventListener("abort", stop, { once: true });
    });
  }

  async function connectOnce(stream: Stream, rt: AppRuntime, spec: WatchSpec, onOpen: () => void): Promise<void> {
    await rt.withAccessToken(stream.userId, async (token) => {
      const host = await rt.deps.transport.hostname();
      await runStream({
        url: watchUrl(host, rt.deps.config.id, spec),
        token,
        fetch: deps.fetch,
        signal: stream.abort.signal,
        connectTimeoutMs: deps.connectTimeoutMs ?? 15_000,
        idleTimeoutMs: deps.idleTimeoutMs ?? 45_000,
        ...(stream.lastEventId === undefined ? {} : { lastEventId: stream.lastEventId }),
        onOpen: () => {
          stream.connected = true;
          onOpen();
        },
        onEvent: (ejson, eventId) => {
          if (eventId !== undefined && eventId !== "") stream.lastEventId = eventId;
          for (const id of stream.watchers) send(id, { type: "event", ejson });
        },
      });
    });
  }

  async function run(stream: Stream, rt: AppRuntime, spec: WatchSpec): Promise<void> {
    let attempt = 0;
    while (!stream.abort.signal.aborted) {
      try {
        await connectOnce(stream, rt, spec, () => {
          attempt = 0;
        });
      } catch (e) {
        if (stream.abort.signal.aborted) return;
        if (sessionEnded(e)) {
          // a new access token, then resume; a refresh refused with 401 logs the user out, which ends the stream
          await rt.refresh(stream.userId).catch(() => undefined);
        } else if (!transient(e)) {
          stream.connected = false;
          finish(stream, e);
          return;
        }
      } finally {
        stream.connected = false;
      }
      await sleep(backoffDelayMs(attempt++, deps.random(), deps.backoff), stream.abort.signal);
    }
  }

  return {
    subscribe(rt, userId, spec, tabId, sink) {
      rt.loggedInUser(userId);
      const key = streamKey(rt.appKey, userId, spec);
      const id = crypto.randomUUID();
      watchers.set(id, { key, tabId, sink });
      let stream = streams.get(key);
      if (!stream) {
        stream = { key, appKey: rt.appKey, userId, watchers: new Set(), abort: new AbortController(), connected: false };
        streams.set(key, stream);
        stream.watchers.add(id);
        void run(stream, rt, spec);
      } else {
        stream.watchers.add(id);
      }
      return id;
    },
    unsubscribe: removeWatcher,
    dropTab(tabId) {
      for (const [id, w] of [...watchers]) if (w.tabId === tabId) removeWatcher(id);
    },
    endUser(appKey, userId, reason) {
      for (const s of [...streams.values()]) {
        if (s.appKey === appKey && s.userId === userId) finish(s, new RealmTabsError("watch-closed", reason, { retryable: false }));
      }
    },
    openStreams: () => [...streams.values()].filter((s) => s.connected).length,
    streams: () => streams.size,
    close() {
      // e.g. a leader tab that resigned: another runtime will serve a new watch, so it is retryable
      for (const s of [...streams.values()])
        finish(s, new RealmTabsError("watch-closed", "The session runtime closed: watch again", { retryable: true }));
    },
  };
}
