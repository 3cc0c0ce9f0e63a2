/**
 * Where realm-web 2.0.1 keeps its sessions: what a tab checks on start, before it loads the import
 * itself (migration.ts) only when there is something to import.
 * @packageDocumentation
 */

/** The subset of `Storage` used. */
export interface StorageLike {
  getItem(key: string): string | null;
  removeItem(key: string): void;
}

/** realm-web's key prefix of an app. */
export function realmWebPrefix(appId: string): string {
  return `realm-web:app(${appId}):`;
}

/** `localStorage` when this realm has a usable one, else null. */
export function defaultStorage(): globalThis.Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // access denied (e.g. storage blocked)
  }
}

/** Whether realm-web left a session of `appId` in this realm's `localStorage` (its `userIds` key). */
export function realmWebLeftSession(appId: string): boolean {
  try {
    return localStorage.getItem(`${realmWebPrefix(appId)}userIds`) !== null;
  } catch {
    return false; // no localStorage here, or access denied
  }
}
