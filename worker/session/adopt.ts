/**
 * Catching up with another runtime (another build of the app) that shares this IndexedDB: before a
 * refresh, under the refresh lock, the runtime reads the user back from the store and adopts what
 * another runtime wrote instead of refreshing again. Epochs are counted per runtime, so they cannot
 * tell whose write is newer; the user's token identity can: a stored access token that differs from
 * the one this runtime holds (the one it last wrote or read) and expires no earlier was written by
 * someone else after us.
 * @packageDocumentation
 */
import type { StateChange } from "../../src/protocol/snapshots.js";
import { applyLogout, applyRemove, applyTokens, type SessionState } from "./state.js";
import type { SessionStore, StoredUser } from "../io/store.js";
import { readAccessToken } from "./tokens.js";

/** What another runtime committed: the store's epoch and the user (null if it was removed). */
export interface StoredNews {
  epoch: number;
  user: StoredUser | null;
}

/** Expiry of a stored user's access token in server time (ms), or null if unreadable. */
function expiryOf(u: Pick<StoredUser, "accessToken">): number | null {
  return u.accessToken ? readAccessToken(u.accessToken, 0).expiresAt : null;
}

/**
 * Whether the stored user carries tokens another runtime wrote after this one's: logged in, with an
 * access token other than `mine` that expires no earlier (a stale write of an older token is not news).
 */
export function otherRuntimeTokens(stored: StoredUser | null, mine: StoredUser | undefined): boolean {
  if (!stored || stored.state !== "LoggedIn" || !stored.accessToken || !mine) return false;
  if (stored.accessToken === mine.accessToken) return false;
  if (!mine.accessToken) return true;
  const [theirs, ours] = [expiryOf(stored), expiryOf(mine)];
  return theirs !== null && (ours === null || theirs >= ours);
}

/**
 * Reads the app from the store; returns the user as stored if another runtime changed it: the
 * store's epoch is newer than `myEpoch` (e.g. a logout or removal stored there), or it holds tokens this
 * runtime did not write (see {@link otherRuntimeTokens}). Else null.
 * @param mine - the user as this runtime holds it
 * @throws {RealmTabsError} `storage` or `timeout` if the store cannot be read
 */
export async function newerStoredUser(
  store: SessionStore,
  appKey: string,
  userId: string,
  myEpoch: number,
  mine?: StoredUser,
): Promise<StoredNews | null> {
  const stored = await store.load(appKey);
  if (!stored.app) return null;
  const user = stored.users.find((u) => u.id === userId) ?? null;
  if (stored.app.epoch > myEpoch || otherRuntimeTokens(user, mine)) return { epoch: stored.app.epoch, user };
  return null;
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
