/**
 * The memory fallback of the session store, which the worker loads the first time IndexedDB fails
 * (`openWithFallback` in store.ts; the package ships it as a file of its own beside the worker,
 * features/storeFallback.ts): a memory store, and a store that keeps the session in memory while
 * the primary fails and writes it back once the primary works again.
 * @packageDocumentation
 */
import type { SessionStore, StoredApp, StoredUser } from "./store.js";

/** A store in memory (lost when the worker dies). Values are cloned in and out, like IndexedDB. */
export function memoryStore(): SessionStore {
  const apps = new Map<string, StoredApp>();
  const users = new Map<string, Map<string, StoredUser>>();
  return {
    kind: "memory",
    load: async (appKey) => {
      const app = apps.get(appKey);
      return { app: app ? structuredClone(app) : null, users: [...(users.get(appKey)?.values() ?? [])].map((u) => structuredClone(u)) };
    },
    commit: async (app, list, removedIds) => {
      apps.set(app.appKey, structuredClone(app));
      const byId = users.get(app.appKey) ?? new Map<string, StoredUser>();
      for (const u of list) byId.set(u.id, structuredClone(u));
      for (const id of removedIds) byId.delete(id);
      users.set(app.appKey, byId);
    },
    close() {},
  };
}

/** Options of {@link fallbackStore}. */
export interface FallbackOptions {
  /** Called when the primary works again and holds what memory held (warning `storage-recovered`). */
  onRecovered?: () => void;
  /** While degraded, a commit tries the primary again at most this often (ms). @default 10000 */
  retryMs?: number;
  /** Clock of the retry interval. @default Date.now */
  now?: () => number;
}

/** What {@link fallbackStore} returns. */
export interface DegradableStore extends SessionStore {
  /** Whether memory holds the session now. */
  readonly degraded: boolean;
  /** Writes what memory holds to the primary and uses it again; false if that failed. */
  recover(): Promise<boolean>;
  /** Switches to memory after `error` of the primary (once: later calls while degraded only restart the retry interval). */
  degrade(error: unknown): void;
}

/**
 * A store that uses `primary` until it fails, then switches to memory and calls `onDegraded` (the
 * runtime publishes a `warning` event with code `storage`). The failed commit is written to memory,
 * so the session keeps working. While degraded, a commit (at most every `retryMs`) first writes
 * everything memory holds back to the primary; if that works, the primary is used again and
 * `onRecovered` is called.
 */
export function fallbackStore(primary: SessionStore, onDegraded: (error: unknown) => void, options: FallbackOptions = {}): DegradableStore {
  const memory = memoryStore();
  const held = new Set<string>(); // app keys memory holds since degrading
  // users removed while degraded, per app key: commits carry only the users they changed, so the
  // recovery must not take "absent from memory" for "removed"
  const removedWhileDegraded = new Map<string, Set<string>>();
  const noteRemoved = (appKey: string, ids: readonly string[], kept: readonly StoredUser[]): void => {
    const set = removedWhileDegraded.get(appKey) ?? new Set<string>();
    for (const id of ids) set.add(id);
    for (const u of kept) set.delete(u.id);
    removedWhileDegraded.set(appKey, set);
  };
  const now = options.now ?? Date.now;
  const retryMs = options.retryMs ?? 10_000;
  let active: SessionStore = primary;
  let lastTry = 0;
  const degrade = (e: unknown): void => {
    lastTry = now();
    if (active === memory) return;
    active = memory;
    primary.close();
    onDegraded(e);
  };
  async function recover(): Promise<boolean> {
    if (active !== memory) return true;
    lastTry = now();
    try {
      for (const appKey of held) {
        const mine = await memory.load(appKey);
        if (!mine.app) continue;
        await primary.commit(mine.app, mine.users, [...(removedWhileDegraded.get(appKey) ?? [])]);
      }
    } catch {
      primary.close();
      return false;
    }
    active = primary;
    held.clear();
    removedWhileDegraded.clear();
    options.onRecovered?.();
    return true;
  }
  return {
    get kind() {
      return active.kind;
    },
    get degraded() {
      return active === memory;
    },
    recover,
    degrade,
    async load(appKey) {
      try {
        return await active.load(appKey);
      } catch (e) {
        degrade(e);
        return memory.load(appKey);
      }
    },
    async commit(app, list, removedIds) {
      if (active === memory && now() - lastTry >= retryMs) {
        // memory takes the commit first: the recovery then writes it (and all memory holds) through
        held.add(app.appKey);
        noteRemoved(app.appKey, removedIds, list);
        await memory.commit(app, list, removedIds);
        await recover();
        return;
      }
      try {
        if (active === memory) noteRemoved(app.appKey, removedIds, list);
        await active.commit(app, list, removedIds);
      } catch (e) {
        degrade(e);
        held.add(app.appKey);
        noteRemoved(app.appKey, removedIds, list);
        await memory.commit(app, list, removedIds);
      }
      if (active === memory) held.add(app.appKey);
    },
    close: () => active.close(),
  };
}

/**
 * Hands over from `primary`, whose read or write just failed with `error`, to memory: a
 * {@link fallbackStore} that starts degraded (it reports `error` through `onDegraded` at once).
 */
export function takeOver(
  primary: SessionStore,
  error: unknown,
  onDegraded: (error: unknown) => void,
  options: FallbackOptions = {},
): DegradableStore {
  const store = fallbackStore(primary, onDegraded, options);
  store.degrade(error);
  return store;
}
