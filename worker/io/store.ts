/**
 * Persistence of the session state: one IndexedDB database (through `idb`) for every app, written
 * only by the runtime, plus a memory store with the same interface for fallback and tests.
 * Each commit writes the app record and its users in ONE transaction, so a crash never leaves a
 * user list that disagrees with the users.
 * @packageDocumentation
 */
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type { ProfileSnapshot, ProviderType } from "../../src/protocol/snapshots.js";
import { RealmTabsError } from "../../src/protocol/errors.js";
import { DATABASE_NAME } from "../../src/protocol/names.js";
import { withDeadline } from "../../src/protocol/deadline.js";

/** One user as stored (tokens included; never sent to tabs as is). */
export interface StoredUser {
  /** The app runtime the user belongs to. */
  appKey: string;
  /** The App Services user id. */
  id: string;
  /** Removed users are deleted, not stored. */
  state: "LoggedIn" | "LoggedOut";
  /** The provider of the last login. */
  providerType: ProviderType;
  /** Null when logged out. */
  accessToken: string | null;
  /** Null when logged out. Never leaves the runtime unless the app opted in. */
  refreshToken: string | null;
  /** The last fetched profile. */
  profile: ProfileSnapshot | null;
  /** Estimated `server - local` clock skew when the access token arrived (ms). */
  skewMs: number;
}

/** Per-app state: device id, user order, current user, epoch. */
export interface StoredApp {
  /** The app runtime key (`appKeyFor`). */
  appKey: string;
  /** The device id the server assigned, or null. */
  deviceId: string | null;
  /** User ids, most recently logged in or switched to first. */
  order: string[];
  /** The most recent logged-in user of `order`, or null. */
  currentUserId: string | null;
  /** The epoch of the last commit. */
  epoch: number;
  /**
   * A random id made with the record (absent from records written before it existed): epochs
   * count within one store id, and a wiped database starts a new one at epoch 0.
   */
  storeId?: string;
}

/** What {@link SessionStore.load} returns. */
export interface StoredState {
  /** Null for an app never stored. */
  app: StoredApp | null;
  /** Its users, in no particular order (the app's `order` has it). */
  users: StoredUser[];
}

/** The storage the runtime writes through. */
export interface SessionStore {
  /** `indexeddb` or `memory`. */
  readonly kind: "indexeddb" | "memory";
  /** Reads the state of one app. @throws {RealmTabsError} code `storage` or `timeout` */
  load(appKey: string): Promise<StoredState>;
  /** Writes the app record and users, deletes `removedIds`, atomically. @throws {RealmTabsError} code `storage` or `timeout` */
  commit(app: StoredApp, users: StoredUser[], removedIds: string[]): Promise<void>;
  /** Closes the database connection. */
  close(): void;
}

interface SessionDB extends DBSchema {
  apps: { key: string; value: StoredApp };
  users: { key: [string, string]; value: StoredUser; indexes: { byApp: string } };
}

/** Options of {@link idbStore}. */
export interface IdbStoreOptions {
  /** Database name. @default DATABASE_NAME ("realm-tabs") */
  name?: string;
  /** Deadline of each open, read or write in ms. @default 5000 */
  timeoutMs?: number;
  /** Called when another build needs a newer schema: the connection is closed (tabs should reload). */
  onVersionChange?: () => void;
  /** Called when opening waits for an older build's connection to close (the open deadline still applies). */
  onBlocked?: () => void;
}

/** Callbacks the host passes to its store factory, to tell tabs about schema conflicts. */
export type StoreHooks = Pick<IdbStoreOptions, "onVersionChange" | "onBlocked">;

/** Schema version of the database. */
export const DB_VERSION = 1;

/**
 * An IndexedDB store through `idb`. The connection is opened lazily and reopened after the browser
 * terminates it; it is closed when a newer schema version wants to open (`blocking`).
 */
export function idbStore(options: IdbStoreOptions = {}): SessionStore {
  const name = options.name ?? DATABASE_NAME;
  const timeoutMs = options.timeoutMs ?? 5_000;
  let connection: Promise<IDBPDatabase<SessionDB>> | null = null;

  function db(): Promise<IDBPDatabase<SessionDB>> {
    connection ??= withDeadline(
      openDB<SessionDB>(name, DB_VERSION, {
        upgrade(database) {
          database.createObjectStore("apps", { keyPath: "appKey" });
          database.createObjectStore("users", { keyPath: ["appKey", "id"] }).createIndex("byApp", "appKey");
        },
        blocked() {
          options.onBlocked?.();
        },
        blocking(_current, _blocked, event) {
          (event.target as IDBDatabase).close();
          connection = null;
          options.onVersionChange?.();
        },
        terminated() {
          connection = null;
        },
      }),
      timeoutMs,
      "opening IndexedDB",
    );
    connection.catch(() => {
      connection = null;
    });
    return connection;
  }

  async function guard<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await withDeadline(run(), timeoutMs, what);
    } catch (e) {
      if (e instanceof RealmTabsError) throw e;
      throw new RealmTabsError("storage", `${what} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
  }

  return {
    kind: "indexeddb",
    load: (appKey) =>
      guard("reading IndexedDB", async () => {
        const d = await db();
        const tx = d.transaction(["apps", "users"], "readonly");
        const [app, users] = await Promise.all([
          tx.objectStore("apps").get(appKey),
          tx.objectStore("users").index("byApp").getAll(appKey),
          tx.done,
        ]);
        return { app: app ?? null, users };
      }),
    commit: (app, users, removedIds) =>
      guard("writing IndexedDB", async () => {
        const d = await db();
        const tx = d.transaction(["apps", "users"], "readwrite");
        const userStore = tx.objectStore("users");
        await Promise.all([
          tx.objectStore("apps").put(app),
          ...users.map((u) => userStore.put(u)),
          ...removedIds.map((id) => userStore.delete([app.appKey, id])),
          tx.done,
        ]);
      }),
    close() {
      const c = connection;
      connection = null;
      c?.then(
        (d) => d.close(),
        () => undefined,
      );
    },
  };
}

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

/**
 * A store that uses `primary` until it fails, then switches to memory and calls `onDegraded` (the
 * runtime publishes a `warning` event with code `storage`). The failed commit is written to memory,
 * so the session keeps working. While degraded, a commit (at most every `retryMs`) first writes
 * everything memory holds back to the primary; if that works, the primary is used again and
 * `onRecovered` is called.
 */
export function fallbackStore(
  primary: SessionStore,
  onDegraded: (error: unknown) => void,
  options: FallbackOptions = {},
): SessionStore & { readonly degraded: boolean; recover(): Promise<boolean> } {
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
 * Opens the primary store through `open` inside a {@link fallbackStore}; if `open` itself throws
 * (no IndexedDB at all), the first use degrades to memory and reports it; later retries call `open` again.
 */
export function openWithFallback(
  open: () => SessionStore,
  onDegraded: (error: unknown) => void,
  options: FallbackOptions = {},
): SessionStore {
  let primary: SessionStore | null = null;
  const opened = (): SessionStore => (primary ??= open());
  const lazy: SessionStore = {
    kind: "indexeddb",
    load: async (appKey) => opened().load(appKey),
    commit: async (app, users, removedIds) => opened().commit(app, users, removedIds),
    close() {
      primary?.close();
    },
  };
  return fallbackStore(lazy, onDegraded, options);
}
