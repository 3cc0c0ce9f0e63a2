/**
 * `App`: the realm-web / realm-js v12 App API, backed by the shared session runtime.
 * @packageDocumentation
 */
import { RealmTabsError } from "./protocol/errors.js";
import { loadOnDemand } from "./protocol/deadline.js";
import { UserState } from "./protocol/snapshots.js";
import { Credentials, isRedirectCredentials, toCredentialsWire, type RedirectPayload } from "./credentials.js";
import { normalizeConfig, toConfigWire, type AppConfiguration } from "./config.js";
import type { DefaultFunctionsFactory } from "./functions.js";
import { ListenerSet, type Listener } from "./listeners.js";
import type { MirrorUpdate } from "./mirror.js";
import type { CredentialsWire, MutationReply, RuntimeStats } from "./protocol/rpc.js";
import { TabSession } from "./session.js";
import type { StatusEventType, StatusListener } from "./modes/events.js";
import type { RuntimeMode } from "./modes/select.js";
import { User, type DefaultCustomData, type DefaultUserProfileData, type UserHost } from "./user.js";
import { EmailPasswordAuth } from "./emailPassword.js";
import { defaultStorage, realmWebLeftSession, realmWebPrefix } from "./migration-keys.js";
import { LastStateWriter, lastStateStorage, readLastState, type LastStateStorage } from "./lastState.js";
import { appKeyFor } from "./protocol/names.js";

/** Options of `new App(…)` beyond {@link AppConfiguration}: taking over the sessions realm-web stored. */
export interface MigrationOptions {
  /**
   * Import the users realm-web 2.0.1 stored in this origin's localStorage for the same app id on
   * start (they stay signed in, with no new login), then remove realm-web's keys. @default true
   */
  migrateFromRealmWeb?: boolean;
}

const cache = new Map<string, App>();

/**
 * Whether the App is being created outside a browser page (server-side rendering in Node, Deno,
 * Bun…) with no runtime of its own given: then it stays inert, so rendering neither fails nor
 * keeps the process alive.
 */
function isServerSide(worker: unknown): boolean {
  return worker === undefined && typeof (globalThis as { document?: unknown }).document === "undefined";
}

/**
 * An App Services app, shared by every tab of the origin: a login, logout or switch in one tab is
 * seen in all of them. Getters are synchronous once {@link App.ready} resolved; methods wait for it.
 * @typeParam FunctionsFactory - the type of `user.functions`
 * @typeParam CustomData - the type of `user.customData`
 * @example
 * const app = new App({ id: "my-app", baseUrl: "http://127.0.0.1:8787" });
 * await app.ready;
 * const user = app.currentUser ?? (await app.logIn(Credentials.anonymous()));
 */
export class App<FunctionsFactory extends object = DefaultFunctionsFactory, CustomData extends object = DefaultCustomData> {
  /**
   * The app with this id created first in this tab, or a new one with default options.
   * @throws {RealmTabsError} `invalid-argument` for an empty id
   */
  static getApp(id: string): App {
    return cache.get(id) ?? new App(id);
  }

  /** The credentials factory (realm-web's `App.Credentials`): `App.Credentials.anonymous()`. */
  static readonly Credentials = Credentials;

  /** The App Services app id. */
  readonly id: string;
  /**
   * Resolves once this tab is connected and holds the runtime's state; rejects if it cannot connect.
   * @throws {RealmTabsError} (as the rejection) `worker-unavailable` (no runtime could be started:
   * the worker script failed, or an explicit `mode` / custom `worker` the browser cannot run),
   * `protocol-mismatch` (the runtime speaks another protocol version: an old build's worker),
   * `timeout` (the runtime did not answer the handshake in `timeoutMs`, or its connection's code did
   * not load in time), `network` (the runtime connection's code could not be loaded), `not-supported` (created
   * outside a browser page, e.g. during server-side rendering: the App stays inert), `leader-changed` (leader
   * mode: the leader tab closed during the handshake; retryable), `invalid-argument` (the runtime
   * refused this app's config)
   */
  readonly ready: Promise<void>;
  private readonly session: TabSession;
  private readonly users = new Map<string, User<FunctionsFactory, CustomData, DefaultUserProfileData>>();
  private readonly listeners = new ListenerSet();
  private readonly host: UserHost;
  private emailPassword: EmailPasswordAuth | null = null;
  private readonly lastState: LastStateStorage;
  private readonly lastStateWriter: LastStateWriter;
  private migrationFailure: unknown = null;

  /**
   * Creates the app and starts connecting to the session runtime (starting the SharedWorker).
   * @param idOrConfig - the app id, or the {@link AppConfiguration}
   * @throws {RealmTabsError} `invalid-argument` for a missing id or a malformed base URL
   */
  constructor(idOrConfig: string | (AppConfiguration & MigrationOptions)) {
    const config = normalizeConfig(idOrConfig);
    this.id = config.id;
    if (config.fetch !== undefined)
      console.warn("[realm-tabs] the fetch option is ignored: requests are made by the shared session runtime");
    this.lastState = lastStateStorage(appKeyFor(config.id, config.baseUrl), config.storage);
    this.session = new TabSession(
      toConfigWire(config),
      {
        ...(config.worker ? { worker: config.worker } : {}),
        ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
        ...(config.mode ? { mode: config.mode } : {}),
        ...(config.buildId ? { buildId: config.buildId } : {}),
      },
      {
        onUpdate: (update) => this.onUpdate(update),
        onMutated: () => this.lastStateWriter.flush(),
        onWarning: (code, message) => console.warn(`[realm-tabs] ${code}: ${message}`),
        onOutdated: (buildId) => console.warn(`[realm-tabs] a newer build (${buildId}) runs in another tab; reload this page`),
      },
      isServerSide(config.worker),
    );
    this.lastStateWriter = new LastStateWriter(this.lastState, () => this.session.mirror.snapshot);
    // realm-web left a session for this app: it is imported once connected (its code loaded then)
    const importing = (typeof idOrConfig === "string" || idOrConfig.migrateFromRealmWeb !== false) && realmWebLeftSession(this.id);
    const last = readLastState(this.lastState, appKeyFor(config.id, config.baseUrl));
    if (last) this.session.mirror.seed(last);
    // a failed realm-web import (storage, timeout) must not make a connected app look broken
    this.ready = this.session.ready.then(() =>
      this.migrate(importing).catch((error: unknown) => {
        this.migrationFailure = error;
        console.warn(
          "[realm-tabs] importing the realm-web session failed; its keys were kept and the import runs again on the next load",
          error,
        );
      }),
    );
    this.ready.catch(() => {}); // awaiting `ready` still rejects; an app nobody awaits must not crash the page
    if (importing) this.session.holdCallsUntil(this.ready);
    const session = this.session;
    this.host = {
      app: this,
      snapshotOf: (id) => session.mirror.user(id),
      customDataOf: (id) => session.mirror.customData(id),
      exposeRefreshToken: config.exposeRefreshToken,
      mutate: (op, run) => session.mutate(op, run),
      call: (op, run) => session.call(op, run),
    };
    if (!cache.has(this.id)) cache.set(this.id, this as unknown as App);
  }

  private async migrate(importing: boolean): Promise<void> {
    const storage = defaultStorage();
    if (!importing || !storage) return;
    const { migrateFromRealmWeb } = await loadOnDemand(() => import("./migration.js"), "the realm-web session import");
    await migrateFromRealmWeb(storage, realmWebPrefix(this.id), (data) =>
      this.session.mutate({ method: "importRealmWeb" }, (importRealmWeb, appKey) => importRealmWeb(appKey, data)),
    );
  }

  /**
   * Why importing the realm-web session (its localStorage keys) failed, or null. A failed import
   * does not reject {@link App.ready}: the keys stay, and the next `new App` tries again.
   */
  get migrationError(): unknown {
    return this.migrationFailure;
  }

  /** The email/password provider's account calls (register, confirm, reset, …). */
  get emailPasswordAuth(): EmailPasswordAuth {
    this.emailPassword ??= new EmailPasswordAuth((op, run) => this.session.call(op, run));
    return this.emailPassword;
  }

  private userFor(id: string): User<FunctionsFactory, CustomData, DefaultUserProfileData> {
    let user = this.users.get(id);
    if (!user) {
      user = new User<FunctionsFactory, CustomData, DefaultUserProfileData>(this.host, id);
      this.users.set(id, user);
    }
    return user;
  }

  private onUpdate(update: MirrorUpdate): void {
    this.lastStateWriter.schedule();
    for (const id of update.userIds) this.users.get(id)?.notify();
    if (update.app) this.listeners.fire();
  }

  /** The current user (the last logged in or switched to, if still logged in), or null. */
  get currentUser(): User<FunctionsFactory, CustomData, DefaultUserProfileData> | null {
    const id = this.session.mirror.snapshot?.currentUserId;
    return id ? this.userFor(id) : null;
  }

  /** Every user the app knows (logged in or out), keyed by id, most recently used first. */
  get allUsers(): Readonly<Record<string, User<FunctionsFactory, CustomData, DefaultUserProfileData>>> {
    const users = this.session.mirror.snapshot?.users ?? [];
    return Object.fromEntries(users.map((u) => [u.id, this.userFor(u.id)]));
  }

  /**
   * Logs in (in every tab) and makes the user current.
   * @param credentials - how to log in
   * @param fetchProfile - accepted for realm-web compatibility: the runtime always fetches the profile on login
   * Redirect credentials (`google({redirectUrl})`, `facebook(url)`, `apple(url)`) open the
   * provider's login in a window; the page at the redirect URL must call `handleAuthRedirect()`.
   * @throws {RealmTabsError} `invalid-argument` for bad credentials, `timeout`; for redirect
   *   credentials also `window-blocked`, `window-closed`, `redirect-failed` (see `runRedirectLogin`)
   * @throws {MongoDBRealmError} e.g. `InvalidPassword` (401)
   */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- realm-web's signature
  async logIn(credentials: Credentials, fetchProfile = true): Promise<User<FunctionsFactory, CustomData, DefaultUserProfileData>> {
    const reply = isRedirectCredentials(credentials)
      ? await this.redirectLogIn(credentials)
      : await this.tokenLogIn(await toCredentialsWire(credentials));
    if (reply.userId === null) throw new RealmTabsError("internal", "the runtime logged in no user", { retryable: false });
    return this.userFor(reply.userId);
  }

  private tokenLogIn(wire: CredentialsWire): Promise<MutationReply> {
    return this.session.mutate({ method: "logIn" }, (logIn, appKey) => logIn(appKey, wire));
  }

  /** The OAuth 2.0 redirect login: a window for the provider, the runtime completes it. */
  private async redirectLogIn(credentials: Credentials<RedirectPayload>): Promise<MutationReply> {
    const provider = credentials.providerType;
    // loaded on first use: a page that never logs in through a redirect never loads it
    const { runRedirectLogin } = await loadOnDemand(() => import("./redirectLogin.js"), "the redirect login");
    return runRedirectLogin({
      url: (state) =>
        this.session.call({ method: "redirectLoginUrl" }, (url, appKey) => url(appKey, provider, credentials.payload.redirectUrl, state)),
      complete: (userAuth) =>
        this.session.mutate({ method: "completeRedirectLogin" }, (complete, appKey) => complete(appKey, provider, userAuth)),
    });
  }

  private known(user: User<object, object, object>): string {
    if (!(user instanceof User) || this.users.get(user.id) !== user) {
      throw new RealmTabsError("user-not-found", "The user was never logged into this app", { retryable: false });
    }
    return user.id;
  }

  /**
   * Makes a logged-in user the current one: in this tab at once (`app.currentUser` is `user` on the
   * next line, and app listeners fire), then in every tab. Awaiting the result is optional: it
   * resolves once the runtime committed the switch; if that fails, this tab returns to the
   * runtime's current user and the promise rejects (a warning is logged if nobody awaits it).
   * @throws {RealmTabsError} (synchronously) `user-not-found` for a user of another app,
   * `not-logged-in` for a logged-out user; (as the rejection) `timeout`, `runtime-closed`
   */
  switchUser(user: User<FunctionsFactory, CustomData, DefaultUserProfileData>): Promise<void> {
    const id = this.known(user);
    if (user.state !== UserState.LoggedIn) {
      throw new RealmTabsError("not-logged-in", "only a logged-in user can become the current user", { retryable: false });
    }
    const mirror = this.session.mirror;
    const previous = mirror.assumeCurrent(id);
    const epoch = mirror.epoch;
    let awaited = false;
    const done = this.session
      .mutate({ method: "switchUser" }, (switchUser, appKey) => switchUser(appKey, id))
      .then(
        () => undefined,
        (error: unknown) => {
          // no newer snapshot arrived: undo the assumption so this tab agrees with the runtime again
          if (previous !== undefined && mirror.epoch === epoch && mirror.snapshot?.currentUserId === id) mirror.assumeCurrent(previous);
          if (!awaited) console.warn("[realm-tabs] switchUser failed", error);
          throw error;
        },
      );
    done.catch(() => {});
    const then = done.then.bind(done);
    return Object.assign(done, {
      then: ((onFulfilled, onRejected) => {
        awaited = true;
        return then(onFulfilled, onRejected);
      }) as typeof done.then,
    });
  }

  /**
   * Logs the user out and forgets it, in every tab.
   * @throws {RealmTabsError} `user-not-found`, `timeout`
   */
  async removeUser(user: User<FunctionsFactory, CustomData, DefaultUserProfileData>): Promise<void> {
    const id = this.known(user);
    await this.session.mutate({ method: "removeUser" }, (removeUser, appKey) => removeUser(appKey, id));
  }

  /**
   * Deletes the user on the server and forgets it, in every tab.
   * @throws {RealmTabsError} `user-not-found`, `not-logged-in`, `timeout`
   * @throws {MongoDBRealmError} if the server refuses
   */
  async deleteUser(user: User<FunctionsFactory, CustomData, DefaultUserProfileData>): Promise<void> {
    const id = this.known(user);
    await this.session.mutate({ method: "deleteUser" }, (deleteUser, appKey) => deleteUser(appKey, id));
  }

  /**
   * Counters of the shared session runtime: connected tabs, refreshes it sent, open streams, build id.
   * @throws {RealmTabsError} `runtime-closed`, `timeout`
   */
  async stats(): Promise<RuntimeStats> {
    return this.session.call({ method: "stats" }, (stats) => stats());
  }

  /**
   * Adds a listener, called with no arguments on login, logout, switch, link, custom data refresh and removal.
   * @throws {TypeError} if `callback` is not a function
   */
  addListener(callback: Listener): void {
    this.listeners.add(callback);
  }

  /** Removes a listener added with {@link App.addListener}. */
  removeListener(callback: Listener): void {
    this.listeners.remove(callback);
  }

  /** Removes every app listener of this tab. */
  removeAllListeners(): void {
    this.listeners.clear();
  }

  /** Where the session runtime runs (`shared-worker`, `leader` or `in-page`); null until {@link App.ready}. */
  get mode(): RuntimeMode | null {
    return this.session.mode;
  }

  /**
   * Whether the runtime mode is weaker than a SharedWorker (see the `degraded` event for why).
   * False until {@link App.ready}.
   */
  get degraded(): boolean {
    return this.session.degraded !== null;
  }

  /**
   * Listens to a status event: `outdated` (another build of the app was opened, or upgraded the
   * session database: reload this tab), `degraded` (the runtime mode is weaker than a SharedWorker,
   * with the reason) or `leader-changed` (leader mode: another tab took over the runtime).
   * `outdated` and `degraded` are sticky: a listener added after they fired is called at once.
   * @example app.addEventListener("outdated", () => location.reload());
   */
  addEventListener<K extends StatusEventType>(type: K, listener: StatusListener<K>): void {
    this.session.status.add(type, listener);
  }

  /** Removes a listener added with {@link App.addEventListener}. */
  removeEventListener<K extends StatusEventType>(type: K, listener: StatusListener<K>): void {
    this.session.status.remove(type, listener);
  }

  /** Disconnects this tab from the runtime (the session stays for other tabs). Later calls fail with `runtime-closed`. */
  close(): void {
    this.session.close();
    this.lastStateWriter.close();
    if (cache.get(this.id) === (this as unknown as App)) cache.delete(this.id);
  }
}

/**
 * The app with this id created first in this tab, or a new one with default options (realm-web's `getApp`).
 * @throws {RealmTabsError} `invalid-argument` for an empty id
 */
export function getApp(id: string): App {
  return App.getApp(id);
}
