/**
 * Catching up with another runtime (another build of the app) that shares this IndexedDB: before a
 * refresh, under the refresh lock, the runtime reads the user back from the store; if a newer epoch
 * was written by someone else, it adopts that user's tokens (or logout) instead of refreshing again.
 * @packageDocumentation
 */
import type { StateChange } from "../src/protocol/snapshots.js";
import { applyLogout, applyRemove, applyTokens, type SessionState } from "./state.js";
import type { SessionStore, StoredUser } from "./store.js";

/** What another runtime committed: the store's epoch and the user (null if it was removed). */
export interface StoredNews {
  epoch: number;
  user: StoredUser | null;
}

/**
 * Reads the app from the store; returns the user as stored if the store's epoch is newer than
 * `myEpoch` (someone else committed), else null.
 * @throws {RealmTabsError} `storage` or `timeout` if the store cannot be read
 */
export async function newerStoredUser(store: SessionStore, appKey: string, userId: string, myEpoch: number): Promise<StoredNews | null> {
  const stored = await store.load(appKey);
  if (!stored.app || stored.app.epoch <= myEpoch) return null;
  return { epoch: stored.app.epoch, user: stored.users.find((u) => u.id === userId) ?? null };
}

/**
 * The transition that applies another runtime's news about one user. The epoch moves past the
 * store's, so tabs listening to both runtimes keep seeing increasing epochs.
 */
export function applyNews(d: SessionState, userId: string, news: StoredNews): StateChange[] {
  d.app.epoch = Math.max(d.app.epoch, news.epoch);
  const u = news.user;
  if (!u) return applyRemove(d, userId);
  if (u.state !== "LoggedIn" || !u.accessToken) return applyLogout(d, userId, false);
  return applyTokens(d, userId, { accessToken: u.accessToken, refreshToken: u.refreshToken, skewMs: u.skewMs });
}
