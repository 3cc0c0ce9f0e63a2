/**
 * The last known state of an app, kept in synchronous same-origin storage so that `new App(…)`
 * has `currentUser` and `allUsers` on its next line (as realm-web does), before the runtime
 * answered. Every tab writes the snapshot it applied; the constructor reads it.
 *
 * What it holds, readable by any script of the origin: per user the id, state, provider, access
 * token, device id, profile and custom data, and the current user's id. That is what realm-web
 * keeps in localStorage minus the refresh token: refresh tokens are never written here.
 * @packageDocumentation
 */
import type { AppSnapshot, UserSnapshot } from "./protocol/snapshots.js";
import type { Storage } from "./compat/storage.js";
import { defaultStorage } from "./migration-keys.js";

const KEY = "last-state";
/** Version of the stored shape; another version is ignored (and overwritten by the next write). */
const VERSION = 1;

interface Stored {
  v: number;
  snapshot: AppSnapshot;
}

/** Where one app's last state is kept: the two calls of a `Storage` it makes. */
export type LastStateStorage = Pick<Storage, "get" | "set">;

/**
 * The storage of one app's last state: the keys `realm-tabs:app(<appKey>):…` of the given storage
 * (the app's `storage` option), or of `localStorage` read directly. Without a usable
 * `localStorage` nothing is kept (reads find nothing, writes do nothing).
 */
export function lastStateStorage(appKey: string, storage?: Storage): LastStateStorage {
  if (storage) return storage.prefix("realm-tabs").prefix(`app(${appKey})`);
  const prefix = `realm-tabs:app(${appKey}):`;
  return {
    get: (key) => defaultStorage()?.getItem(prefix + key) ?? null,
    set: (key, value) => defaultStorage()?.setItem(prefix + key, value),
  };
}

function isUser(u: unknown): u is UserSnapshot {
  if (typeof u !== "object" || u === null) return false;
  const x = u as Partial<Record<keyof UserSnapshot, unknown>>;
  return (
    typeof x.id === "string" &&
    typeof x.state === "string" &&
    typeof x.providerType === "string" &&
    (x.accessToken === null || typeof x.accessToken === "string") &&
    typeof x.customDataEJSON === "string"
  );
}

/** The stored snapshot of `appKey`, or null if there is none or it is not one this version wrote. */
export function readLastState(storage: LastStateStorage, appKey: string): AppSnapshot | null {
  let text: string | null;
  try {
    text = storage.get(KEY);
  } catch {
    return null; // storage refused (sandboxed frame, privacy mode)
  }
  if (!text) return null;
  try {
    const stored = JSON.parse(text) as Partial<Stored> | null;
    const s = stored?.snapshot;
    if (stored?.v !== VERSION || !s || s.appKey !== appKey || !Array.isArray(s.users) || !s.users.every(isUser)) return null;
    if (s.currentUserId !== null && typeof s.currentUserId !== "string") return null;
    return { ...s, users: s.users.map((u) => ({ ...u, refreshToken: null })) };
  } catch {
    return null;
  }
}

/** Options of {@link LastStateWriter}. */
export interface LastStateWriterOptions {
  /** How long a write waits after a change, in ms (drawn anew for each write). @default 50–250, random */
  delayMs?: () => number;
  /** Where `pagehide` is listened to (the write is done at once then). @default globalThis, when it has `addEventListener` */
  page?: Pick<EventTarget, "addEventListener" | "removeEventListener"> | null;
}

/**
 * Writes the last state of one tab, off the path of its listeners. Every tab of the app applies
 * the same snapshot at the same moment, and every localStorage write is sent to every other tab
 * of the origin: written at once by each tab, one change would cost N writes and N × (N − 1)
 * notifications while the tabs are still firing listeners. So a change only schedules a write, at
 * a random delay; when it runs, the tab writes the snapshot it holds then unless the storage
 * already holds the same text (another tab wrote it first) or a later state of the same store (a
 * tab one push behind, as on `pagehide`), so one tab usually writes each change.
 * {@link LastStateWriter.flush} writes at once: the tab that made a change calls it when the
 * runtime confirmed it (a page reloaded right after a logout starts from the logout), and so does
 * `pagehide` and closing.
 */
export class LastStateWriter {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly delayMs: () => number;
  private readonly page: Pick<EventTarget, "addEventListener" | "removeEventListener"> | null;
  private readonly onPageHide = (): void => this.flush();

  /**
   * @param storage - the app's last-state storage ({@link lastStateStorage})
   * @param current - the snapshot the tab holds now (null before the first)
   * @param options - see {@link LastStateWriterOptions}
   */
  constructor(
    private readonly storage: LastStateStorage,
    private readonly current: () => AppSnapshot | null,
    options: LastStateWriterOptions = {},
  ) {
    this.delayMs = options.delayMs ?? (() => 50 + Math.random() * 200);
    const global = globalThis as Partial<Pick<EventTarget, "addEventListener" | "removeEventListener">>;
    this.page = options.page !== undefined ? options.page : typeof global.addEventListener === "function" ? globalThis : null;
    this.page?.addEventListener("pagehide", this.onPageHide);
  }

  /** Writes the current snapshot after the delay (one pending write at a time). */
  schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.write();
    }, this.delayMs());
  }

  /** Writes the current snapshot now (a pending write is then not needed). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.write();
  }

  /** Writes what is pending and stops listening to `pagehide`. */
  close(): void {
    if (this.timer !== null) this.flush();
    this.page?.removeEventListener("pagehide", this.onPageHide);
  }

  private write(): void {
    const snapshot = this.current();
    if (!snapshot || snapshot.epoch < 0) return; // nothing, or only the remembered state: nothing new to keep
    const text = lastStateText(snapshot);
    try {
      const held = this.storage.get(KEY);
      if (held === text || newerOfSameStore(held, snapshot)) return;
    } catch {
      // storage refused the read: try the write
    }
    writeText(this.storage, text);
  }
}

/**
 * Whether `held` (the stored text) is a later state of the same store than `snapshot`: another tab
 * wrote it after a commit this tab has not applied yet (it is one push behind, e.g. on `pagehide`).
 * Epochs of different stores (a wiped database starts again at 0) are not compared.
 */
function newerOfSameStore(held: string | null, snapshot: AppSnapshot): boolean {
  if (!held || snapshot.storeId === undefined) return false;
  try {
    const stored = (JSON.parse(held) as Partial<Stored> | null)?.snapshot;
    return stored?.storeId === snapshot.storeId && typeof stored.epoch === "number" && stored.epoch > snapshot.epoch;
  } catch {
    return false;
  }
}

function lastStateText(snapshot: AppSnapshot): string {
  const stored: Stored = { v: VERSION, snapshot: { ...snapshot, users: snapshot.users.map((u) => ({ ...u, refreshToken: null })) } };
  return JSON.stringify(stored);
}

function writeText(storage: LastStateStorage, text: string): void {
  try {
    storage.set(KEY, text);
  } catch {
    // the next write tries again
  }
}
