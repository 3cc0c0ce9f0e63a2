/**
 * The session state of one app as plain data, and the pure transitions the runtime commits.
 * Every transition mutates a draft (the runtime clones the state first) and returns what changed.
 * @packageDocumentation
 */
import type { AppSnapshot, ProfileSnapshot, ProviderType, StateChange, UserSnapshot } from "../../src/protocol/snapshots.js";
import type { StoredApp, StoredUser } from "../io/store.js";
import { readAccessToken } from "./tokens.js";

/** The state of one app: its record and its users by id. */
export interface SessionState {
  app: StoredApp;
  users: Map<string, StoredUser>;
}

/** Tokens from a login or refresh response, with the skew estimated on receipt. */
export interface ReceivedTokens {
  accessToken: string;
  /** Null when the response carried none (refresh, link): the held one is kept. */
  refreshToken: string | null;
  skewMs: number;
}

/** A new store id (see `StoredApp.storeId`). */
export function newStoreId(): string {
  return crypto.randomUUID();
}

/** A fresh state for an app never seen before. */
export function emptyState(appKey: string): SessionState {
  return { app: { appKey, deviceId: null, order: [], currentUserId: null, epoch: 0, storeId: newStoreId() }, users: new Map() };
}

/** A deep copy to mutate. */
export function cloneState(s: SessionState): SessionState {
  return { app: structuredClone(s.app), users: new Map([...s.users].map(([id, u]) => [id, structuredClone(u)])) };
}

/** The most recent LoggedIn user in the order, or null (realm-web's rule; see docs/worker.md). */
export function deriveCurrentUserId(s: SessionState): string | null {
  return s.app.order.find((id) => s.users.get(id)?.state === "LoggedIn") ?? null;
}

function toFront(s: SessionState, id: string): void {
  s.app.order = [id, ...s.app.order.filter((x) => x !== id)];
}

function settle(s: SessionState): void {
  s.app.currentUserId = deriveCurrentUserId(s);
}

/** Login: creates or updates the user with `id`, moves it to the front, makes it current. */
export function applyLogin(
  s: SessionState,
  id: string,
  providerType: ProviderType,
  tokens: ReceivedTokens,
  deviceId: string | null,
): StateChange[] {
  const prev = s.users.get(id);
  const refreshToken = tokens.refreshToken ?? prev?.refreshToken ?? null;
  s.users.set(id, {
    appKey: s.app.appKey,
    id,
    state: refreshToken ? "LoggedIn" : "LoggedOut",
    providerType,
    accessToken: tokens.accessToken,
    refreshToken,
    profile: prev?.profile ?? null,
    skewMs: tokens.skewMs,
  });
  if (deviceId) s.app.deviceId = deviceId;
  toFront(s, id);
  settle(s);
  return [{ type: "login", userId: id }];
}

/** Makes `id` the most recent (and so current) user. */
export function applySwitch(s: SessionState, id: string): StateChange[] {
  const before = s.app.currentUserId;
  toFront(s, id);
  settle(s);
  return before === s.app.currentUserId && s.app.order[0] === id ? [] : [{ type: "switch", userId: id }];
}

/** Replaces the profile. */
export function applyProfile(s: SessionState, id: string, profile: ProfileSnapshot): StateChange[] {
  const u = s.users.get(id);
  if (!u) return [];
  u.profile = profile;
  return [{ type: "profile", userId: id }];
}

/** A new access token (and a rotated refresh token, if the server sent one). */
export function applyTokens(s: SessionState, id: string, tokens: ReceivedTokens, link = false): StateChange[] {
  const u = s.users.get(id);
  if (!u || u.state !== "LoggedIn") return [];
  // a server may mint the identical token twice within one second: nothing changed then
  if (u.accessToken === tokens.accessToken && (!tokens.refreshToken || tokens.refreshToken === u.refreshToken)) return [];
  const oldData = u.accessToken ? readAccessToken(u.accessToken, u.skewMs).customDataEJSON : "{}";
  u.accessToken = tokens.accessToken;
  if (tokens.refreshToken) u.refreshToken = tokens.refreshToken;
  u.skewMs = tokens.skewMs;
  const changes: StateChange[] = [{ type: link ? "link" : "token", userId: id }];
  if (readAccessToken(tokens.accessToken, tokens.skewMs).customDataEJSON !== oldData) changes.push({ type: "custom-data", userId: id });
  return changes;
}

/**
 * Logs out: tokens dropped. On an explicit logout anonymous users are removed (as core does: they
 * can never log in again); a session that died on the server leaves them `LoggedOut`.
 */
export function applyLogout(s: SessionState, id: string, removeAnonymous: boolean): StateChange[] {
  const u = s.users.get(id);
  if (!u) return [];
  if (removeAnonymous && u.providerType === "anon-user") return applyRemove(s, id);
  if (u.state === "LoggedOut") return [];
  u.state = "LoggedOut";
  u.accessToken = null;
  u.refreshToken = null;
  settle(s);
  return [{ type: "logout", userId: id }];
}

/** Forgets the user. */
export function applyRemove(s: SessionState, id: string, type: "remove" | "delete" = "remove"): StateChange[] {
  if (!s.users.delete(id)) return [];
  s.app.order = s.app.order.filter((x) => x !== id);
  settle(s);
  return [{ type, userId: id }];
}

/**
 * The snapshot tabs receive. It never holds a refresh token: {@link revealRefreshTokens} adds
 * them to a copy sent to one tab that opted in, over its private port.
 */
export function toSnapshot(s: SessionState): AppSnapshot {
  const users: UserSnapshot[] = [];
  for (const id of s.app.order) {
    const u = s.users.get(id);
    if (u) users.push(toUserSnapshot(u));
  }
  return {
    appKey: s.app.appKey,
    epoch: s.app.epoch,
    users,
    currentUserId: s.app.currentUserId,
    deviceId: s.app.deviceId,
    ...(s.app.storeId === undefined ? {} : { storeId: s.app.storeId }),
  };
}

/**
 * A copy of `snapshot` with each logged-in user's refresh token from `s` (the state now). A user
 * the snapshot shows logged in but the state no longer holds gets none; a newer snapshot follows.
 */
export function revealRefreshTokens(snapshot: AppSnapshot, s: SessionState): AppSnapshot {
  return {
    ...snapshot,
    users: snapshot.users.map((u) => {
      const held = s.users.get(u.id);
      return { ...u, refreshToken: u.state === "LoggedIn" && held?.state === "LoggedIn" ? held.refreshToken : null };
    }),
  };
}

function toUserSnapshot(u: StoredUser): UserSnapshot {
  const info = u.accessToken ? readAccessToken(u.accessToken, u.skewMs) : null;
  return {
    id: u.id,
    state: u.state,
    providerType: u.providerType,
    accessToken: u.accessToken,
    refreshToken: null,
    deviceId: info?.deviceId ?? null,
    profile: u.profile ? structuredClone(u.profile) : null,
    customDataEJSON: info?.customDataEJSON ?? "{}",
    accessTokenExpiresAt: info?.expiresAt ?? null,
  };
}
