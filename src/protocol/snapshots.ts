/**
 * Plain-data shapes of the session state that the worker owns and every tab mirrors.
 * Everything here is structured-clone safe: no classes, no functions, BSON values as EJSON strings.
 * This module imports nothing at run time.
 * @packageDocumentation
 */

/** Auth provider names as the App Services protocol spells them (realm-web and realm-js v12 agree). */
export const ProviderType = {
  AnonUser: "anon-user",
  ApiKey: "api-key",
  LocalUserPass: "local-userpass",
  CustomFunction: "custom-function",
  CustomToken: "custom-token",
  OAuth2Google: "oauth2-google",
  OAuth2Facebook: "oauth2-facebook",
  OAuth2Apple: "oauth2-apple",
} as const;
/** One of the provider names of {@link ProviderType}. */
export type ProviderType = (typeof ProviderType)[keyof typeof ProviderType];

/** Every provider name of {@link ProviderType} (the list both sides validate against). */
export const PROVIDER_TYPES = Object.values(ProviderType) as [ProviderType, ...ProviderType[]];

/**
 * User states. The values are realm-js v12's (`"LoggedIn"`, `"LoggedOut"`, `"Removed"`); the
 * members answer to both SDKs' names: `UserState.Active` (realm-web) is `UserState.LoggedIn`, so
 * `user.state === UserState.Active` holds for a logged-in user. Code comparing `user.state` with
 * realm-web's literal strings (`"active"`, `"logged-out"`, `"removed"`) must use the members instead.
 */
export const UserState = {
  LoggedIn: "LoggedIn",
  /** realm-web's name of {@link UserState.LoggedIn} (the same value). */
  Active: "LoggedIn",
  LoggedOut: "LoggedOut",
  Removed: "Removed",
} as const;
/** One of the states of {@link UserState}. */
export type UserState = (typeof UserState)[keyof typeof UserState];

/** The kind of a user, as realm-web's `UserType` (the profile's `type`). */
export const UserType = {
  /** Created by the user itself. */
  Normal: "normal",
  /** Created by an administrator of the app. */
  Server: "server",
} as const;
/** One of the kinds of {@link UserType}. */
export type UserType = (typeof UserType)[keyof typeof UserType];

/** An identity of a user at one auth provider, camelCased as the SDKs expose it. */
export interface UserIdentity {
  /** The id of the identity at its provider. */
  id: string;
  /** The provider that holds this identity. */
  providerType: ProviderType;
}

/** The profile of a user as `GET /auth/profile` returned it, with `data` keys camelCased as in realm-web. */
export interface ProfileSnapshot {
  /** `normal` or `server`. */
  type: "normal" | "server";
  /** Every identity of the user. */
  identities: UserIdentity[];
  /** Profile data: `name`, `email`, `pictureUrl`, `firstName`, `lastName`, ... (plain JSON values). */
  data: Record<string, unknown>;
}

/** One user as the worker knows it, as sent to tabs. */
export interface UserSnapshot {
  /** The App Services user id. */
  id: string;
  /** `LoggedIn` while a refresh token is held, `LoggedOut` after logout, `Removed` once forgotten. */
  state: UserState;
  /** The provider the user last logged in with. */
  providerType: ProviderType;
  /** The current access token (JWT), or null when logged out. */
  accessToken: string | null;
  /** The refresh token, or null: only present when the app opted in to exposing it to tabs. */
  refreshToken: string | null;
  /** The device id from the access token's `baas_device_id`, or null. */
  deviceId: string | null;
  /** The last fetched profile, or null if it was never fetched. */
  profile: ProfileSnapshot | null;
  /** The access token's `user_data` claim as canonical EJSON (`"{}"` when absent). */
  customDataEJSON: string;
  /** Access token expiry, in ms since the epoch on the worker's server-corrected clock, or null. */
  accessTokenExpiresAt: number | null;
}

/** The whole session state of one app runtime (one app id + base URL) at one epoch. */
export interface AppSnapshot {
  /** The runtime key: identifies the app id + base URL pair. */
  appKey: string;
  /** Monotonic version of this state; tabs drop anything older than what they have. */
  epoch: number;
  /** Users in order, most recently logged in or switched to first. Removed users are not listed. */
  users: UserSnapshot[];
  /** The id of the current user, or null when no user is logged in. */
  currentUserId: string | null;
  /** The app's device id as the server assigned it, or null. */
  deviceId: string | null;
  /**
   * Which store's epochs these are: a random id made with the session database's record of the
   * app, new when that database was wiped (absent from an older runtime's snapshots).
   */
  storeId?: string;
}

/** The kinds of {@link StateChange}. */
export const STATE_CHANGE_TYPES = ["login", "logout", "remove", "delete", "switch", "token", "custom-data", "profile", "link"] as const;

/** What changed in one committed state transition; tabs use it to decide which listeners fire. */
export interface StateChange {
  /** What happened. */
  type: (typeof STATE_CHANGE_TYPES)[number];
  /** The user it happened to, or null for app-wide changes. */
  userId: string | null;
}
