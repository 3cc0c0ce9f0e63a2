/**
 * Tab liveness. A MessagePort has no close event (whatwg/html#1766), so each tab holds the Web Lock
 * {@link tabLockName} for its whole life (taken BEFORE it calls `connect`), and the runtime
 * asks for the same lock: the grant means the tab is gone.
 * @packageDocumentation
 */
import { tabLockName } from "../../src/protocol/names.js";

/** Tells the runtime when a tab is gone. */
export interface Liveness {
  /**
   * Calls `onGone` once, when the tab with `tabId` has gone away.
   * @returns a function that stops watching (without calling `onGone`)
   */
  watch(tabId: string, onGone: () => void): () => void;
}

/** The subset of `navigator.locks` used here. */
export interface LockRequester {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void> | void): Promise<unknown>;
}

/** Liveness through Web Locks (`navigator.locks`). */
export function webLockLiveness(locks: LockRequester): Liveness {
  return {
    watch(tabId, onGone) {
      const stop = new AbortController();
      locks
        .request(tabLockName(tabId), { signal: stop.signal }, () => {
          // granted: the tab released its lock, i.e. it closed or crashed. Release ours at once.
          if (!stop.signal.aborted) onGone();
        })
        .catch(() => undefined); // aborted by `stop`
      return () => stop.abort();
    },
  };
}

/**
 * Liveness where no tab is ever reported gone: browsers without Web Locks, where nothing tells a
 * SharedWorker or a leader tab that a tab closed. Tabs count as live until the runtime stops.
 */
export const neverGone: Liveness = { watch: () => () => undefined };

/**
 * Liveness driven by the caller: `end(tabId)` marks a tab gone. Used by tests, which close tabs
 * that way.
 */
export function manualLiveness(): Liveness & { end(tabId: string): void; watching(): string[] } {
  const watchers = new Map<string, Set<() => void>>();
  return {
    watch(tabId, onGone) {
      const set = watchers.get(tabId) ?? new Set();
      set.add(onGone);
      watchers.set(tabId, set);
      return () => set.delete(onGone);
    },
    end(tabId) {
      const set = watchers.get(tabId);
      watchers.delete(tabId);
      for (const f of set ?? []) f();
    },
    watching: () => [...watchers].filter(([, s]) => s.size > 0).map(([id]) => id),
  };
}
