/**
 * The host's handle on the shared watch streams: their module (features/watches.ts: the hub with
 * the SSE reader and eventsource-parser, and the watch request's check) is loaded by the first
 * `watch()` of any tab (features/lazy.ts), so a page that never watches never fetches it. Until
 * then there is no stream to end, drop or count, and those calls do nothing.
 * @packageDocumentation
 */
import { RealmTabsError } from "../../src/protocol/errors.js";
import { loadOnDemand } from "../../src/protocol/deadline.js";
import type { AppRuntime } from "../session/runtime.js";
import { loadWatches } from "./lazy.js";
import type { WatchSpec } from "../io/sse.js";
import type { WatchHub, WatchHubDeps, WatchSink } from "./watchHub.js";

/** {@link WatchHub} with a `subscribe` that waits for the hub's module the first time. */
export interface SharedWatches {
  /**
   * Adds a watcher; loads the hub on the first call, checks the request (the check is part of the
   * module) and opens the server stream if it is the first.
   * @param request - the tab's watch request, unchecked
   * @returns the watch id
   * @throws {RealmTabsError} `invalid-argument` for a bad request; `network` or `timeout` (retryable)
   * if the hub's module could not be loaded; `runtime-closed` if the host closed meanwhile;
   * `watch-closed` if the tab went away
   */
  subscribe(rt: AppRuntime, userId: string, request: unknown, tabId: string, sink: WatchSink): Promise<string>;
  /** Removes a watcher (no-op for an unknown id). */
  unsubscribe(watchId: string): void;
  /** Removes every watcher of a tab that went away. */
  dropTab(tabId: string): void;
  /** Ends every stream of a user (logout, removal) with a `watch-closed` error. */
  endUser(appKey: string, userId: string, reason: string): void;
  /** Server streams connected right now (0 before the hub is loaded). */
  openStreams(): number;
  /** Closes the streams; a load under way is dropped when it arrives. */
  close(): void;
}

/**
 * Creates the handle.
 * @param deps - what the hub is built from once loaded
 * @param load - the hub's module loader (tests inject a failing or slow one)
 */
export function watchesOnDemand(deps: WatchHubDeps, load: typeof loadWatches = loadWatches): SharedWatches {
  /** The loaded module's hub and request check (set together, once). */
  type Loaded = { hub: WatchHub; parse: (request: unknown) => WatchSpec };
  let loaded: Loaded | null = null;
  let loading: Promise<Loaded & { gone: ReadonlySet<string> }> | null = null;
  let closed = false;
  // tabs that went away while the hub was loading: their pending watch() must not open a stream
  const goneWhileLoading = new Set<string>();

  function ready(): Promise<Loaded & { gone: ReadonlySet<string> }> {
    if (loaded) return Promise.resolve({ ...loaded, gone: new Set() });
    loading ??= loadOnDemand(load, "the watch streams module").then(
      (module) => {
        if (closed) throw new RealmTabsError("runtime-closed", "The session host was closed while watch() loaded", { retryable: false });
        loaded = { hub: module.createWatchHub(deps), parse: module.parseWatchRequest };
        const gone = new Set(goneWhileLoading);
        goneWhileLoading.clear();
        return { ...loaded, gone };
      },
      (error: unknown) => {
        loading = null; // the next watch() tries again
        throw error;
      },
    );
    return loading;
  }

  return {
    async subscribe(rt, userId, request, tabId, sink) {
      const { hub, parse, gone } = await ready();
      const spec = parse(request);
      if (gone.has(tabId))
        throw new RealmTabsError("watch-closed", `The tab ${tabId} went away before its watch started`, { retryable: false });
      return hub.subscribe(rt, userId, spec, tabId, sink);
    },
    unsubscribe: (watchId) => loaded?.hub.unsubscribe(watchId),
    dropTab(tabId) {
      if (loaded) loaded.hub.dropTab(tabId);
      else if (loading) goneWhileLoading.add(tabId);
    },
    endUser: (appKey, userId, reason) => loaded?.hub.endUser(appKey, userId, reason),
    openStreams: () => loaded?.hub.openStreams() ?? 0,
    close() {
      closed = true;
      loaded?.hub.close();
      goneWhileLoading.clear();
    },
  };
}
