/**
 * Persistence of the session state: one IndexedDB database (through idb.ts) for every app, written
 * only by the runtime; and the host's store, which hands over to the memory fallback
 * (`fallbackStore.ts`, loaded on the first failure) when IndexedDB fails.
 * Each commit writes the app record and its users in ONE transaction, so a crash never leaves a
 * user list that disagrees with the users.
 * @packageDocumentation
 */
import type { ProfileSnapshot, ProviderType } from "../../src/protocol/snapshots.js";
import { RealmTabsError } from "../../src/protocol/errors.js";
import { DATABASE_NAME } from "../../src/protocol/names.js";
import { withDeadline } from "../../src/protocol/deadline.js";
import type { FallbackOptions } from "./fallbackStore.js";
import { done, openDatabase, request } from "./idb.js";

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
 * An IndexedDB store: `apps` (keyed by `appKey`) and `users` (keyed by `[appKey, id]`, indexed
 * `byApp`). The connection is opened lazily and reopened after the browser terminates it; it is
 * closed when a newer schema version wants to open (`blocking`).
 */
export function idbStore(options: IdbStoreOptions = {}): SessionStore {
  const name = options.name ?? DATABASE_NAME;
  const timeoutMs = options.timeoutMs ?? 5_000;
  let connection: Promise<IDBDatabase> | null = null;

  function db(): Promise<IDBDatabase> {
    connection ??= withDeadline(
      openDatabase(name, DB_VERSION, {
        upgrade(database) {
          database.createObjectStore("apps", { keyPath: "appKey" });
          database.createObjectStore("users", { keyPath: ["appKey", "id"] }).createIndex("byApp", "appKey");
        },
        blocked() {
          options.onBlocked?.();
        },
        blocking(database) {
          database.close();
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
          request<StoredApp | undefined>(tx.objectStore("apps").get(appKey)),
          request<StoredUser[]>(tx.objectStore("users").index("byApp").getAll(appKey)),
          done(tx),
        ]);
        return { app: app ?? null, users };
      }),
    commit: (app, users, removedIds) =>
      guard("writing IndexedDB", async () => {
        const d = await db();
        const tx = d.transaction(["apps", "users"], "readwrite");
        const userStore = tx.objectStore("users");
        const pending: Promise<unknown>[] = [done(tx)];
        try {
          pending.push(request(tx.objectStore("apps").put(app)));
          for (const u of users) pending.push(request(userStore.put(u)));
          for (const id of removedIds) pending.push(request(userStore.delete([app.appKey, id])));
        } catch (e) {
          // a value IndexedDB cannot store throws at once (DataCloneError): the writes already
          // made must not commit without it, and their rejections are this failure's
          tx.abort();
          for (const p of pending) p.catch(() => undefined);
          throw e;
        }
        await Promise.all(pending);
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

/** The memory fallback's module (`fallbackStore.ts`), which {@link openWithFallback} loads on the first failure. */
export type FallbackModule = Pick<typeof import("./fallbackStore.js"), "takeOver">;

/** Options of {@link openWithFallback}. */
export interface OpenWithFallbackOptions extends FallbackOptions {
  /**
   * Loads the memory fallback (`fallbackStore.ts`) on the first failure: the host passes
   * `storeFallback()` of features/lazy.ts, so the worker's script does not carry it.
   * @throws {RealmTabsError} `network` or `timeout` if it could not be loaded (the failed read or
   * write then rejects with that error, and the next one tries again)
   */
  loadFallback: () => Promise<FallbackModule>;
}

/**
 * The store the host uses: the primary (opened through `open` on first use) until a read or write
 * of it fails, then the memory fallback of `fallbackStore.ts` (loaded then, see
 * {@link OpenWithFallbackOptions.loadFallback}) for good, which keeps the session in memory, reports
 * it through `onDegraded`, and writes memory back to the primary once it works again. If `open`
 * itself throws (no IndexedDB at all), the first use degrades; later retries call `open` again.
 */
export function openWithFallback(
  open: () => SessionStore,
  onDegraded: (error: unknown) => void,
  options: OpenWithFallbackOptions,
): SessionStore {
  const { loadFallback, ...fallbackOptions } = options;
  let primary: SessionStore | null = null;
  const lazy: SessionStore = {
    kind: "indexeddb",
    load: async (appKey) => (primary ??= open()).load(appKey),
    commit: async (app, users, removedIds) => (primary ??= open()).commit(app, users, removedIds),
    close: () => primary?.close(),
  };
  let active = lazy;
  let loading: Promise<SessionStore> | null = null;
  // the first failure (and those while the fallback loads) hand over to memory, through one load at a time
  async function run<T>(op: (store: SessionStore) => Promise<T>): Promise<T> {
    if (active !== lazy) return op(active);
    try {
      return await op(lazy);
    } catch (e) {
      loading ??= loadFallback().then(
        (m) => (active = m.takeOver(lazy, e, onDegraded, fallbackOptions)),
        (loadError: unknown) => {
          loading = null;
          throw loadError;
        },
      );
      return op(await loading);
    }
  }
  return {
    get kind() {
      return active.kind;
    },
    load: (appKey) => run((store) => store.load(appKey)),
    commit: (app, users, removedIds) => run((store) => store.commit(app, users, removedIds)),
    close: () => active.close(),
  };
}
