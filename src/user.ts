/**
 * A user as one tab sees it: getters read the tab's mirror synchronously; methods cross to the
 * session runtime. One `User` object exists per id and app in each tab.
 * @packageDocumentation
 */
import type { Remote } from "comlink";
import { nonEmptyString } from "./protocol/args.js";
import type { MutationReply, Operation, SessionApi, SessionMethod } from "./protocol/rpc.js";
import { UserState, type ProviderType, type UserIdentity, type UserSnapshot, type UserType } from "./protocol/snapshots.js";
import { toCredentialsWire, type Credentials } from "./credentials.js";
import { decodeFromRuntime, encodeArgsForRuntime, textOfResult } from "./codec/lazy.js";
import { createFunctionsProxy, type BaseFunctionsFactory, type DefaultFunctionsFactory } from "./functions.js";
import type { App } from "./app.js";
import { RealmTabsError } from "./protocol/errors.js";
import { ListenerSet, type Listener } from "./listeners.js";
import { createMongoClient, type MongoDBClient } from "./mongo.js";
import { ApiKeyAuth } from "./apiKeys.js";

/** Profile data as the server returns it (camelCased): `name`, `email`, `pictureUrl`, … */
export interface DefaultUserProfileData {
  name?: string;
  email?: string;
  pictureUrl?: string;
  firstName?: string;
  lastName?: string;
  gender?: string;
  birthday?: string;
  minAge?: string;
  maxAge?: string;
  [key: string]: unknown;
}

/** Custom user data: any document. */
export type DefaultCustomData = Record<string, unknown>;

/**
 * What a `User` needs from its `App` (internal): the mirror, and the runtime calls.
 * @internal
 */
export interface UserHost {
  /** The App the user belongs to. */
  readonly app: object;
  /** The user's snapshot in the mirror, if the runtime lists it. */
  snapshotOf(id: string): UserSnapshot | undefined;
  /** The user's custom data, decoded when its snapshot arrived (`{}` if the runtime does not list the user). */
  customDataOf(id: string): unknown;
  /** Whether the app opted in to exposing refresh tokens. */
  readonly exposeRefreshToken: boolean;
  /** Runs a state-changing call and applies its reply to the mirror before resolving. */
  mutate<M extends SessionMethod>(
    op: Operation<M>,
    run: (method: Remote<SessionApi>[M], appKey: string) => Promise<MutationReply>,
  ): Promise<MutationReply>;
  /** Runs a call whose reply is not a snapshot (functions, API keys, watches). */
  call<M extends SessionMethod, T>(op: Operation<M>, run: (method: Remote<SessionApi>[M], appKey: string) => Promise<T>): Promise<T>;
}

/** The profile in a user's JSON form: the whole profile, as realm-web's `UserProfile`. */
export interface UserProfileJSON<ProfileData> {
  /** `normal` or `server`. */
  type: UserType;
  /** Every identity of the user. */
  identities: UserIdentity[];
  /** The profile data, as `user.profile` gives it. */
  data: ProfileData;
}

/** The JSON form of a user, as realm-web's `toJSON` gives it. */
export interface UserJSON<CustomData, ProfileData> {
  id: string;
  accessToken: string | null;
  refreshToken: string | null;
  /** The whole profile (`type`, `identities`, `data`); `undefined` while it was never fetched. */
  profile: UserProfileJSON<ProfileData> | undefined;
  state: UserState;
  customData: CustomData;
}

/**
 * A user of an app, with the API of realm-js v12's `User`. Getters are synchronous and read the
 * tab's mirror of the runtime's state, so they are the same in every tab.
 * @typeParam FunctionsFactory - the type of {@link User.functions}
 * @typeParam CustomData - the type of {@link User.customData}
 * @typeParam ProfileData - the type of {@link User.profile}
 */
export class User<
  FunctionsFactory extends object = DefaultFunctionsFactory,
  CustomData extends object = DefaultCustomData,
  ProfileData extends object = DefaultUserProfileData,
> {
  /** The user's id (the server's `user_id`). */
  readonly id: string;
  /**
   * The app's functions as methods: `await user.functions.sum(1, 2)`. The methods are bound, so
   * `const f = user.functions.f; await f(1)` works too.
   */
  readonly functions: FunctionsFactory & BaseFunctionsFactory;
  private readonly host: UserHost;
  private readonly listeners = new ListenerSet();
  private apiKeyAuth: ApiKeyAuth | null = null;

  /** @internal Built by `App` only; use `app.currentUser`, `app.allUsers` or `app.logIn`. */
  constructor(host: UserHost, id: string) {
    this.host = host;
    this.id = id;
    this.functions = createFunctionsProxy<FunctionsFactory & BaseFunctionsFactory>((name, ...args) => this.callFunction(name, ...args));
  }

  /** The app this user belongs to. */
  get app(): App<FunctionsFactory, CustomData> {
    return this.host.app as App<FunctionsFactory, CustomData>;
  }

  /**
   * realm-web's push notification service client. Not supported (as in realm-web, whose push service throws too).
   * @throws {RealmTabsError} `not-supported`, always
   */
  push(): never {
    throw new RealmTabsError("not-supported", "push notifications are not supported by realm-tabs (nor by realm-web)", {
      retryable: false,
    });
  }

  private get snapshot(): UserSnapshot | undefined {
    return this.host.snapshotOf(this.id);
  }

  /** The current access token (a JWT), or null when logged out or removed. */
  get accessToken(): string | null {
    return this.snapshot?.accessToken ?? null;
  }

  /**
   * The refresh token: null unless this App was created with `exposeRefreshToken: true` (and the
   * runtime has a private port to it; see `AppConfiguration.exposeRefreshToken`). The refresh
   * token is a long-lived credential; keeping it in the worker means script injected into one page
   * cannot read it from the page (it can still act as the user while the page is open).
   */
  get refreshToken(): string | null {
    return this.host.exposeRefreshToken ? (this.snapshot?.refreshToken ?? null) : null;
  }

  /** The custom user data from the access token's `user_data` claim (`{}` if not configured). */
  get customData(): CustomData {
    return this.host.customDataOf(this.id) as CustomData;
  }

  /** The device id the server assigned (`baas_device_id`), or null. */
  get deviceId(): string | null {
    return this.snapshot?.deviceId ?? null;
  }

  /** The identities of the user at the app's auth providers (empty before a profile was fetched). */
  get identities(): UserIdentity[] {
    return this.snapshot?.profile?.identities.map((i) => ({ ...i })) ?? [];
  }

  /** The profile data (`name`, `email`, … camelCased); `{}` before a profile was fetched. */
  get profile(): ProfileData {
    return { ...(this.snapshot?.profile?.data ?? {}) } as ProfileData;
  }

  /**
   * The provider the user logged in with.
   * @deprecated as in realm-js v12: use {@link User.identities}
   */
  get providerType(): ProviderType {
    return this.snapshot?.providerType ?? this.identities[0]?.providerType ?? "anon-user";
  }

  /** `LoggedIn`, `LoggedOut`, or `Removed` once the app no longer lists the user. */
  get state(): UserState {
    return this.snapshot?.state ?? UserState.Removed;
  }

  /** True while the user is logged in. */
  get isLoggedIn(): boolean {
    return this.state === UserState.LoggedIn;
  }

  /**
   * Calls an App Services function as this user. Arguments travel as canonical EJSON (undefined
   * values in plain objects are dropped); the result comes back with numbers as numbers and BSON
   * types as their classes.
   * @throws {RealmTabsError} `invalid-argument` for a bad name or arguments, `timeout`
   * @throws {MongoDBRealmError} e.g. `FunctionNotFound`, `InvalidSession`
   */
  async callFunction<ReturnType = unknown>(name: string, ...args: unknown[]): Promise<ReturnType> {
    nonEmptyString(name, "the function name");
    const encoded = await encodeArgsForRuntime(args);
    const result = await this.host.call({ method: "callFunction", about: name }, (callFunction, appKey): Promise<string | ArrayBuffer> =>
      callFunction(appKey, this.id, name, encoded),
    );
    return (await decodeFromRuntime(result)) as ReturnType;
  }

  /**
   * The client of a MongoDB service (e.g. `mongodb-atlas`): `user.mongoClient("mongodb-atlas").db("d").collection("c")`.
   * @throws {RealmTabsError} `invalid-argument` for an empty service name
   */
  mongoClient(serviceName: string): MongoDBClient {
    const call = async (fn: string, argsEJSON: string, service: string): Promise<string> =>
      textOfResult(
        await this.host.call({ method: "callFunction", about: `${service}.${fn}` }, (callFunction, appKey): Promise<string | ArrayBuffer> =>
          callFunction(appKey, this.id, fn, argsEJSON, service),
        ),
      );
    return createMongoClient(call, (op, run) => this.host.call(op, run), this.id, serviceName);
  }

  /** The user's API keys (create, fetch, fetchAll, delete, enable, disable). */
  get apiKeys(): ApiKeyAuth {
    this.apiKeyAuth ??= new ApiKeyAuth((op, run) => this.host.call(op, run), this.id);
    return this.apiKeyAuth;
  }

  /**
   * Logs the user out in every tab (the user stays listed as `LoggedOut`; an anonymous user is
   * removed). Resolves without a request for a user already logged out or no longer listed, as
   * realm-web's does.
   * @throws {RealmTabsError} `timeout`
   */
  async logOut(): Promise<void> {
    await this.host.mutate({ method: "logOut" }, (logOut, appKey) => logOut(appKey, this.id));
  }

  /**
   * Refreshes the access token and returns the custom data it carries.
   * @throws {MongoDBRealmError} `InvalidSession` if the session ended
   * @throws {RealmTabsError} `timeout`, `not-logged-in`
   */
  async refreshCustomData(): Promise<CustomData> {
    await this.host.mutate({ method: "refreshCustomData" }, (refreshCustomData, appKey) => refreshCustomData(appKey, this.id));
    return this.customData;
  }

  /**
   * Refreshes the access token now (shared with the runtime's own refresh: one request for all tabs).
   * @throws {MongoDBRealmError} `InvalidSession` if the session ended
   * @throws {RealmTabsError} `timeout`, `not-logged-in`
   */
  async refreshAccessToken(): Promise<void> {
    await this.host.mutate({ method: "refreshAccessToken" }, (refreshAccessToken, appKey) => refreshAccessToken(appKey, this.id));
  }

  /**
   * Fetches the profile again.
   * @throws {RealmTabsError} `timeout`, `not-logged-in`
   */
  async refreshProfile(): Promise<void> {
    await this.host.mutate({ method: "refreshProfile" }, (refreshProfile, appKey) => refreshProfile(appKey, this.id));
  }

  /**
   * Links another identity to this user.
   * @throws {RealmTabsError} `invalid-argument` for bad credentials, `timeout`
   * @throws {MongoDBRealmError} if the server refuses the link
   */
  async linkCredentials(credentials: Credentials): Promise<void> {
    const wire = await toCredentialsWire(credentials);
    await this.host.mutate({ method: "linkCredentials" }, (linkCredentials, appKey) => linkCredentials(appKey, this.id, wire));
  }

  /**
   * Adds a listener, called with no arguments in every tab that registered one, on access-token
   * refresh, custom data refresh, profile change, logout and removal.
   * @throws {TypeError} if `callback` is not a function
   */
  addListener(callback: Listener): void {
    this.listeners.add(callback);
  }

  /** Removes a listener added with {@link User.addListener}. */
  removeListener(callback: Listener): void {
    this.listeners.remove(callback);
  }

  /** Removes every listener of this user in this tab. */
  removeAllListeners(): void {
    this.listeners.clear();
  }

  /** @internal Fires this user's listeners (called by the app when the mirror changed the user). */
  notify(): void {
    this.listeners.fire();
  }

  /** The user as plain data. */
  toJSON(): UserJSON<CustomData, ProfileData> {
    return {
      id: this.id,
      accessToken: this.accessToken,
      refreshToken: this.refreshToken,
      profile: this.snapshot?.profile ? { type: this.snapshot.profile.type, identities: this.identities, data: this.profile } : undefined,
      state: this.state,
      customData: this.customData,
    };
  }
}
