/**
 * The RPC contract between a tab and the session runtime (the SharedWorker, or the leader tab in
 * fallback modes). The worker exposes an object that `satisfies SessionApi` through Comlink; the
 * tab wraps its port as `Remote<SessionApi>`. Every argument and result is structured-clone data:
 * BSON values cross as canonical EJSON strings. Errors cross through the transfer handler in
 * `errors.ts`, keeping their class and fields.
 * @packageDocumentation
 */
import type { ApiKeyOp, EmailPasswordOp } from "./accountArgs.js";
import type { SerializedError } from "./errors.js";
import type { AppSnapshot, ProviderType, StateChange } from "./snapshots.js";

/** Configuration of one app as a tab hands it to the runtime. */
export interface AppConfigWire {
  /** The App Services app id. */
  id: string;
  /** Base URL of the server, e.g. `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** Skip `GET …/location` and send every request to `baseUrl`. */
  skipLocationRequest: boolean;
  /** The local app's name and version, sent as `appId`/`appVersion` in the login device info. */
  app?: { name: string; version?: string };
  /** Whether this tab asks for refresh tokens (only its own replies carry them, over a private port). */
  exposeRefreshToken: boolean;
  /**
   * This tab's deadline of each call to the runtime (the App's `timeoutMs`), set by the connection.
   * A function call's request to the server (collection methods included) gets as long, when that is
   * longer than the runtime's own request deadline.
   */
  callTimeoutMs?: number;
}

/** Credentials as they cross the boundary. */
export interface CredentialsWire {
  /** The provider, e.g. `anon-user`, `local-userpass`. */
  providerType: ProviderType;
  /** The login payload (`{username, password}`, `{key}`, …) as canonical EJSON of an object. */
  payloadEJSON: string;
  /** For anonymous credentials: reuse a logged-in anonymous user instead of creating one. */
  reuse: boolean;
}

/** Sent once by each tab right after it connects. */
export interface ConnectRequest {
  /** Must equal the runtime's `PROTOCOL_VERSION`, else the call fails with code `protocol-mismatch`. */
  protocol: number;
  /** The tab's build id (bundle version). */
  buildId: string;
  /** A random id of this tab (also the name suffix of its liveness Web Lock). */
  tabId: string;
  /** The app to attach to; the runtime is created on first use. */
  config: AppConfigWire;
  /**
   * A port only this tab reads (transferred with the call): the runtime posts a {@link StatePush}
   * to it after each commit. Sent only where the connection itself is private (not in leader mode).
   */
  push?: MessagePort;
}

/**
 * What the runtime posts to a tab's push port after each commit: the new snapshot (as that tab's
 * replies show it) and what changed. Ports are private, so unlike a channel event it carries user data.
 */
export interface StatePush {
  kind: "state";
  /** The committed snapshot. */
  snapshot: AppSnapshot;
  /** What the commit changed (the same list the channel's `state` hint carries). */
  changes: StateChange[];
}

/** The reply to {@link ConnectRequest}. */
export interface ConnectReply {
  /** The key of the app runtime; passed to every later call. */
  appKey: string;
  /** A consistent snapshot of the state; events with a higher epoch follow on the channel. */
  snapshot: AppSnapshot;
  /** The runtime's protocol version and build id. */
  protocol: number;
  buildId: string;
  /** Warnings already raised by the runtime (e.g. storage degraded to memory). */
  warnings: { code: string; message: string }[];
  /** True when the runtime took the request's push port: commits reach the tab there, not only as channel hints. */
  pushing?: boolean;
}

/** The reply to every call that changes state: the tab applies the snapshot before resolving. */
export interface MutationReply {
  /** The state right after the change was committed. */
  snapshot: AppSnapshot;
  /** What changed (the same list the matching `state` event carries); empty if nothing changed. */
  changes: StateChange[];
  /** The user the call was about (e.g. the one that logged in), if any. */
  userId: string | null;
}

/** Counters the runtime keeps about itself (for the demo's status line, tests and benchmarks). */
export interface RuntimeStats {
  /** Tabs currently connected and alive. */
  tabs: number;
  /** Access-token refreshes sent to the server by this runtime since it started. */
  refreshes: number;
  /** Server streams (watch) currently open. */
  openStreams: number;
  /** Build id of the runtime. */
  buildId: string;
}

/**
 * The API the session runtime exposes to tabs. Every method may reject with a `MongoDBRealmError`
 * (the server answered with an error) or a `RealmTabsError` (a local failure with a `code`).
 */
export interface SessionApi {
  /** Attach a tab to an app runtime (created on first use) and get its current snapshot. */
  connect(req: ConnectRequest): Promise<ConnectReply>;
  /** Log in (or link nothing): location, login, profile; the user becomes current. */
  logIn(appKey: string, credentials: CredentialsWire): Promise<MutationReply>;
  /** Make a logged-in user the current one. */
  switchUser(appKey: string, userId: string): Promise<MutationReply>;
  /** Log the user out (`DELETE /auth/session`) and keep it as `LoggedOut`. */
  logOut(appKey: string, userId: string): Promise<MutationReply>;
  /** Log the user out and forget it. */
  removeUser(appKey: string, userId: string): Promise<MutationReply>;
  /** Delete the user on the server (`DELETE /auth/delete`, with its own token) and forget it. */
  deleteUser(appKey: string, userId: string): Promise<MutationReply>;
  /** Refresh the access token now (single-flight with the refresh loop). */
  refreshAccessToken(appKey: string, userId: string): Promise<MutationReply>;
  /** Refresh the access token and return the new custom data (EJSON) in the snapshot. */
  refreshCustomData(appKey: string, userId: string): Promise<MutationReply>;
  /** Fetch the profile again. */
  refreshProfile(appKey: string, userId: string): Promise<MutationReply>;
  /** Link another identity to the user (`…/login?link=true`), then refresh the profile. */
  linkCredentials(appKey: string, userId: string, credentials: CredentialsWire): Promise<MutationReply>;
  /**
   * Call a function as the user. `args` is the arguments array as plain structured-clone data
   * (the runtime writes its canonical EJSON), or the canonical EJSON of the array (written by the
   * tab when an argument holds BSON values). The result is the server's EJSON of the returned
   * value as it arrived, not decoded by the runtime (`null` for an empty answer): a string, or for a
   * large answer its UTF-8 bytes, transferred to the tab rather than copied.
   */
  callFunction(appKey: string, userId: string, name: string, args: string | unknown[], service?: string): Promise<string | ArrayBuffer>;
  /** Counters of the runtime. */
  stats(): Promise<RuntimeStats>;
  /**
   * The runtime's current snapshot. Tabs without a push port (leader mode) fetch it when a `state`
   * event (a hint without user data) arrives on the channel.
   * @throws {RealmTabsError} `invalid-argument` for an unknown app key
   */
  snapshot(appKey: string): Promise<AppSnapshot>;
  /**
   * Starts watching a collection. Events arrive on `port` as {@link WatchMessage}s (sent with
   * `postMessage`, never awaited); tabs watching the same thing share one server stream.
   * @returns the watch id for {@link SessionApi.unwatch}
   */
  watch(appKey: string, userId: string, request: WatchRequest, port: MessagePort): Promise<string>;
  /** Stops a watch (no-op for an unknown id). */
  unwatch(watchId: string): Promise<void>;
  /** API-key calls (`/auth/api_keys…`, with the refresh token). Returns canonical EJSON. */
  apiKeys(appKey: string, userId: string, op: ApiKeyOp, arg?: string): Promise<string>;
  /** Email/password provider calls (no token, as core sends them). `bodyEJSON` is the request body. */
  emailPassword(appKey: string, op: EmailPasswordOp, bodyEJSON: string): Promise<void>;
  /** Imports users realm-web stored in localStorage, skipping users the runtime already has. */
  importRealmWeb(appKey: string, data: RealmWebImport): Promise<MutationReply>;
  /**
   * The URL a tab opens to start an OAuth 2.0 redirect login with `providerType` (an `oauth2-*`
   * provider): the server's login route with `redirect`, `state` and the device information.
   */
  redirectLoginUrl(appKey: string, providerType: ProviderType, redirectUrl: string, state: string): Promise<string>;
  /**
   * Completes a redirect login with the `_baas_ua` value the redirect page received (access token,
   * refresh token, user id and device id joined by `$`): the user becomes logged in and current.
   */
  completeRedirectLogin(appKey: string, providerType: ProviderType, userAuth: string): Promise<MutationReply>;
}

/** The name of a {@link SessionApi} method. */
export type SessionMethod = keyof SessionApi;

/**
 * Which methods only read: they change nothing in the runtime or on the server, so a tab may send
 * one again when it cannot know whether the first attempt ran (the leader tab went away while the
 * call was in flight). Every method is listed, so a new {@link SessionApi} method does not compile
 * until it is classified here.
 */
export const READ_ONLY_METHODS: { readonly [M in SessionMethod]: boolean } = {
  connect: false,
  logIn: false,
  switchUser: false,
  logOut: false,
  removeUser: false,
  deleteUser: false,
  refreshAccessToken: false,
  refreshCustomData: false,
  refreshProfile: false,
  linkCredentials: false,
  callFunction: false,
  stats: true,
  snapshot: true,
  watch: false,
  unwatch: false,
  apiKeys: false,
  emailPassword: false,
  importRealmWeb: false,
  redirectLoginUrl: true,
  completeRedirectLogin: false,
};

/**
 * One call of a tab to the runtime: the {@link SessionApi} method it runs (which decides, e.g.,
 * whether it may be retried) and what it is about.
 */
export interface Operation<M extends SessionMethod = SessionMethod> {
  /** The method the call runs. */
  readonly method: M;
  /** What the call is about (a function name, an API-key operation); used in error messages only. */
  readonly about?: string;
}

/** What to watch. `idsEJSON`/`filterEJSON` are canonical EJSON (an array / a document). */
export interface WatchRequest {
  service: string;
  database: string;
  collection: string;
  idsEJSON?: string;
  filterEJSON?: string;
}

/** A message of a watch port. */
export type WatchMessage = { type: "event"; ejson: string } | { type: "error"; error: SerializedError };

/** One user as realm-web stored it. */
export interface RealmWebUser {
  id: string;
  accessToken: string | null;
  refreshToken: string | null;
  providerType: string;
  /** realm-web's stored profile JSON, if any. */
  profileJSON: string | null;
}

/** Everything realm-web stored for one app. */
export interface RealmWebImport {
  /** Most recent first, as in `userIds`. */
  users: RealmWebUser[];
  deviceId: string | null;
}

/** Provider names that {@link CredentialsWire.providerType} may carry. */
export type { ProviderType };
