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
import { defaultRootStorage, type Storage } from "./compat/storage.js";

const KEY = "last-state";
/** Version of the stored shape; another version is ignored (and overwritten by the next write). */
const VERSION = 1;

interface Stored {
  v: number;
  snapshot: AppSnapshot;
}

/** The storage of one app's last state: `realm-tabs:app(<appKey>):` in localStorage, or under the given storage. */
export function lastStateStorage(appKey: string, storage?: Storage): Storage {
  return (storage ?? defaultRootStorage()).prefix("realm-tabs").prefix(`app(${appKey})`);
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
export function readLastState(storage: Storage, appKey: string): AppSnapshot | null {
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

/** Stores `snapshot` without its refresh tokens. Failures (quota, privacy mode) are ignored: the cache is an optimisation. */
export function writeLastState(storage: Storage, snapshot: AppSnapshot): void {
  const stored: Stored = { v: VERSION, snapshot: { ...snapshot, users: snapshot.users.map((u) => ({ ...u, refreshToken: null })) } };
  try {
    storage.set(KEY, JSON.stringify(stored));
  } catch {
    // the next write tries again
  }
}
