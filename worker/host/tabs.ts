/**
 * The live tabs of a host: which app runtimes each tab attached to, with which build, and when it
 * goes away (through {@link Liveness}).
 * @packageDocumentation
 */
import type { Liveness } from "./liveness.js";

/** The registry of live tabs. */
export interface TabRegistry {
  /**
   * Records that `tabId` (running `buildId`) attached to `appKey`; starts watching it on first sight.
   * @returns true if another live tab of the same app runs a different build
   */
  attach(tabId: string, buildId: string, appKey: string): boolean;
  /** Live tabs. */
  readonly size: number;
  /** Registers a callback for tabs that go away; returns its removal. */
  onGone(listener: (tabId: string) => void): () => void;
  /** Stops watching every tab. */
  close(): void;
}

/** Creates the registry. */
export function createTabRegistry(liveness: Liveness): TabRegistry {
  const tabs = new Map<string, { stop: () => void; buildId: string; appKeys: Set<string> }>();
  const listeners = new Set<(tabId: string) => void>();
  return {
    attach(tabId, buildId, appKey) {
      const otherBuild = [...tabs.entries()].some(([id, t]) => id !== tabId && t.appKeys.has(appKey) && t.buildId !== buildId);
      const known = tabs.get(tabId);
      if (known) {
        known.appKeys.add(appKey);
        return otherBuild;
      }
      const stop = liveness.watch(tabId, () => {
        tabs.delete(tabId);
        for (const l of listeners) l(tabId);
      });
      tabs.set(tabId, { stop, buildId, appKeys: new Set([appKey]) });
      return otherBuild;
    },
    get size() {
      return tabs.size;
    },
    onGone(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      for (const t of tabs.values()) t.stop();
      tabs.clear();
    },
  };
}
