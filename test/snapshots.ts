/**
 * Snapshot builders for the tab's unit tests (the mirror, the event gate, the push receiver): one
 * signed-in user with plain defaults, and an app snapshot whose current user is its first user.
 * @packageDocumentation
 */
import type { AppSnapshot, UserSnapshot } from "../src/protocol/snapshots.js";

/** The app key the builders use unless told otherwise. */
export const TEST_APP_KEY = "app@http://h";

/**
 * A user snapshot: an anonymous user whose access token is `at-<id>` while logged in (null
 * otherwise), with no refresh token, device id or expiry, and empty custom data; `over` replaces fields.
 */
export function userSnapshot(id: string, state: UserSnapshot["state"] = "LoggedIn", over: Partial<UserSnapshot> = {}): UserSnapshot {
  return {
    id,
    state,
    providerType: "anon-user",
    accessToken: state === "LoggedIn" ? `at-${id}` : null,
    refreshToken: null,
    deviceId: null,
    profile: { type: "normal", identities: [], data: {} },
    customDataEJSON: "{}",
    accessTokenExpiresAt: null,
    ...over,
  };
}

/** An app snapshot at `epoch` holding `users`, the first of them current. */
export function appSnapshot(epoch: number, users: UserSnapshot[], appKey = TEST_APP_KEY): AppSnapshot {
  return { appKey, epoch, users, currentUserId: users[0]?.id ?? null, deviceId: null };
}
