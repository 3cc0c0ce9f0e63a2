/**
 * The auth service: login, link, token refresh, logout, profile and user deletion on top of the
 * stores, the providers and the token signer.
 * @packageDocumentation
 */
import { ObjectId } from "bson";
import { DOMAIN_ID, pickDeviceId, providerId } from "./ids.js";
import type { ServerConfig } from "../config.js";
import { ServerError, type ContextUser, type MongoService } from "../contracts.js";
import type { AuthEvent } from "../triggers/types.js";
import { AuthEvents } from "./events.js";
import { proveIdentity, type LoginClient, type ProviderDeps } from "./providers.js";
import { invalidSession, type TokenService } from "./tokens.js";
import { UserCreator, type UserCreationHook } from "./userCreation.js";
import type { Identity, SessionRecord, UserRecord, UserStore } from "./users.js";

/** The least lifetime of an anonymous user's session: App Services deleted anonymous accounts 90 days after their creation. */
export const ANONYMOUS_SESSION_SECONDS = 90 * 24 * 3600;

/** The login and link response body. */
export interface LoginResponse {
  access_token: string;
  refresh_token?: string;
  user_id: string;
  device_id: string;
}

/** The profile response body. */
export interface ProfileResponse {
  user_id: string;
  domain_id: string;
  type: "normal" | "server";
  identities: { id: string; provider_type: string; provider_id: string }[];
  data: Record<string, unknown>;
}

/** An authenticated request's user and session. */
export interface Principal {
  user: UserRecord;
  session: SessionRecord;
}

/** Orchestrates the auth flows. */
export class AuthService {
  readonly #users: UserStore;
  readonly #tokens: TokenService;
  readonly #deps: ProviderDeps;
  readonly #mongo: MongoService;
  readonly #config: ServerConfig;
  readonly #events: AuthEvents;
  readonly #creator: UserCreator;

  /**
   * Wires the service; `onEvent` receives each login, user creation and deletion (authentication
   * triggers); `onUserCreation` runs the app's user creation function before a user is created.
   */
  constructor(parts: {
    users: UserStore;
    tokens: TokenService;
    providerDeps: ProviderDeps;
    mongo: MongoService;
    onEvent?: ((event: AuthEvent) => void) | undefined;
    onUserCreation?: UserCreationHook | undefined;
  }) {
    this.#creator = new UserCreator(parts.users, parts.onUserCreation);
    this.#users = parts.users;
    this.#tokens = parts.tokens;
    this.#deps = parts.providerDeps;
    this.#mongo = parts.mongo;
    this.#config = parts.providerDeps.config;
    this.#events = new AuthEvents(parts.onEvent, (user) => this.contextUser(user));
  }

  /**
   * Logs in with a provider, creating the user on first login, and opens a session.
   * @throws ServerError from the provider (see `proveIdentity`); 401 `UserDisabled` for a disabled user;
   * 401 `AuthError` when the user creation function fails (see `UserCreator`).
   */
  async logIn(provider: string, body: Record<string, unknown>, client: LoginClient): Promise<LoginResponse> {
    const proof = await proveIdentity(provider, body, this.#deps, client);
    if (proof.kind === "apiKey") return this.#openSession(proof.userId, pickDeviceId(body), proof.apiKeyId, provider, false);
    return this.logInIdentity(proof.identity, pickDeviceId(body));
  }

  /**
   * Logs in with an identity another party proved (the OAuth 2.0 redirect flow), creating the user
   * on first login, and opens a session.
   * @param deviceId - the device id to record (see {@link pickDeviceId})
   * @throws ServerError 401 `AuthError` when the user creation function fails; 401 `UserDisabled`
   */
  async logInIdentity(identity: Identity, deviceId: string): Promise<LoginResponse> {
    const { userId, created } = await this.#creator.userFor(identity);
    return this.#openSession(userId, deviceId, null, identity.providerType, created);
  }

  async #openSession(
    userId: string,
    deviceId: string,
    apiKeyId: string | null,
    provider: string,
    created: boolean,
  ): Promise<LoginResponse> {
    if (created) this.#events.emit("CREATE", [provider], this.#users.getUser(userId));
    if (this.#users.isDisabled(userId)) throw new ServerError(401, "UserDisabled", "user disabled");
    // App Services: anonymous refresh tokens "effectively do not expire"; the account goes 90 days after its creation
    const ttl =
      provider === "anon-user" ? Math.max(this.#tokens.refreshTtlSeconds, ANONYMOUS_SESSION_SECONDS) : this.#tokens.refreshTtlSeconds;
    const session = this.#users.createSession(userId, deviceId, apiKeyId, ttl);
    this.#events.emit("LOGIN", [provider], this.#users.getUser(userId));
    return {
      access_token: await this.accessToken(session),
      refresh_token: await this.#tokens.signRefresh(userId, session.id, session.expiresAt),
      user_id: userId,
      device_id: deviceId,
    };
  }

  /**
   * Links the identity proven by a login body to the principal's user.
   * @throws ServerError 401 `InvalidSession` if it belongs to another user (see `UserStore.linkIdentity`);
   *   500 `InternalServerError` for an anonymous identity or a second email/password one, as App Services.
   */
  async link(principal: Principal, provider: string, body: Record<string, unknown>, client: LoginClient): Promise<LoginResponse> {
    if (provider === "anon-user") throw new ServerError(500, "InternalServerError", "linking an anonymous identity is not allowed");
    const proof = await proveIdentity(provider, body, this.#deps, client);
    if (proof.kind === "apiKey") {
      if (proof.userId !== principal.user.id)
        throw new ServerError(401, "InvalidSession", "a user already exists with the specified provider");
    } else {
      this.#users.linkIdentity(principal.user.id, proof.identity);
    }
    return { access_token: await this.accessToken(principal.session), user_id: principal.user.id, device_id: principal.session.deviceId };
  }

  /** Signs a fresh access token for a session, with the user's current custom data. */
  async accessToken(session: SessionRecord): Promise<string> {
    // Custom data is best effort: a failing read must not block logins.
    const userData = await this.customData(session.userId).catch(() => undefined);
    return this.#tokens.signAccess(session.userId, session.deviceId, session.id, userData);
  }

  /** Reads the user's custom data document (without `_id` and the id field), or undefined if none/not configured. */
  async customData(userId: string): Promise<Record<string, unknown> | undefined> {
    const cfg = this.#config.customUserData;
    if (cfg === undefined || !this.#mongo.hasService(cfg.serviceName)) return undefined;
    // App Services lets the id field hold the user's id as a string or as an ObjectId
    const ids: unknown[] = ObjectId.isValid(userId) && userId.length === 24 ? [userId, new ObjectId(userId)] : [userId];
    const doc = await this.#mongo.findOne(cfg.serviceName, cfg.databaseName, cfg.collectionName, { [cfg.userIdField]: { $in: ids } });
    if (doc === null) return undefined;
    const { _id: _ignored, [cfg.userIdField]: _field, ...rest } = doc;
    return rest;
  }

  /**
   * Authenticates a request by the login credentials it carries (an HTTPS endpoint's credential
   * headers): no session is opened, and no LOGIN event is emitted.
   * @param provider - `local-userpass`, `api-key` or `custom-token`
   * @param body - the credentials, as that provider's login body
   * @param createUser - create a user for an identity no user has yet (emitting CREATE); else refuse it
   *   (an email/password account always has its user, as App Services creates it at confirmation)
   * @param client - who is calling (for the failed-login throttle)
   * @returns the user
   * @throws ServerError as {@link AuthService.logIn} does; 401 `InvalidSession` for an identity no user
   * has when `createUser` is false; 401 `UserDisabled` for a disabled user; 401 `AuthError` when the
   * user creation function fails
   */
  async fromCredentials(provider: string, body: Record<string, unknown>, createUser: boolean, client: LoginClient): Promise<UserRecord> {
    const proof = await proveIdentity(provider, body, this.#deps, client);
    let userId: string | undefined;
    if (proof.kind === "apiKey") {
      userId = proof.userId;
    } else {
      userId = this.#users.findByIdentity(proof.identity.providerType, proof.identity.id);
      // a confirmed email/password account is a user in App Services, logged in before or not
      if (userId === undefined) {
        if (!createUser && provider !== "local-userpass") {
          throw new ServerError(401, "InvalidSession", "invalid session: error finding user for endpoint");
        }
        const made = await this.#creator.userFor(proof.identity);
        userId = made.userId;
        if (made.created) this.#events.emit("CREATE", [provider], this.#users.getUser(userId));
      }
    }
    const user = this.#users.getUser(userId);
    if (user === undefined || this.#users.isDisabled(userId)) throw new ServerError(401, "UserDisabled", "user disabled");
    return user;
  }

  /**
   * The user the Data API or a function runs as by its id (`run_as_user_id`), as functions see it.
   * @param userId - the user's id
   * @returns the user, with its custom data
   * @throws ServerError 401 `InvalidSession` `invalid session: error finding user for endpoint` if no
   * such user exists or it is disabled
   */
  async contextUserById(userId: string): Promise<ContextUser> {
    const user = this.#users.getUser(userId);
    if (user === undefined || this.#users.isDisabled(userId)) {
      throw new ServerError(401, "InvalidSession", "invalid session: error finding user for endpoint");
    }
    return this.contextUser(user);
  }

  /**
   * Authenticates an access token.
   * @throws ServerError 401 `InvalidSession` if the token is bad or its session/user is gone.
   */
  async fromAccessToken(token: string): Promise<Principal> {
    const claims = await this.#tokens.verifyAccess(token);
    return this.#principal(claims.sub, claims.baas_session_id);
  }

  /**
   * Authenticates a refresh token.
   * @throws ServerError 401 `InvalidSession` if the token is bad, revoked or expired.
   */
  async fromRefreshToken(token: string): Promise<Principal> {
    const claims = await this.#tokens.verifyRefresh(token);
    return this.#principal(claims.sub, claims.baas_session_id);
  }

  /** True if `token` is a refresh token this server signed and that has not expired (its session may be gone). */
  async isSignedRefreshToken(token: string | undefined): Promise<boolean> {
    if (token === undefined) return false;
    return this.#tokens.verifyRefresh(token).then(
      () => true,
      () => false,
    );
  }

  #principal(userId: string, sessionId: string): Principal {
    const session = this.#users.getSession(sessionId);
    if (session === undefined || session.userId !== userId) throw invalidSession();
    const user = this.#users.getUser(userId);
    if (user === undefined || this.#users.isDisabled(userId)) throw invalidSession();
    return { user, session };
  }

  /**
   * True if the session exists, has not expired, belongs to that user, and the user still exists
   * and is not disabled (a watch stream of that session may go on).
   */
  sessionAlive(userId: string, sessionId: string): boolean {
    const session = this.#users.getSession(sessionId);
    return session !== undefined && session.userId === userId && this.#users.status(userId) === "enabled";
  }

  /**
   * Ends a session (logout). An anonymous user (no identity but `anon-user`) goes with it, as on App
   * Services, where it "persists until … explicit logout" (a `DELETE` auth event follows).
   */
  logOut(principal: Principal): void {
    const identities = principal.user.identities;
    if (identities.length > 0 && identities.every((i) => i.providerType === "anon-user")) {
      this.deleteUser(principal);
      return;
    }
    this.#users.revokeSession(principal.session.id);
  }

  /** Deletes the principal's user and all it owns. */
  deleteUser(principal: Principal): void {
    const user = principal.user;
    this.#users.deleteUser(user.id);
    this.#events.emit("DELETE", [...new Set(user.identities.map((i) => i.providerType))], user);
  }

  /** The profile body of a user. */
  profile(user: UserRecord): ProfileResponse {
    return {
      user_id: user.id,
      domain_id: DOMAIN_ID,
      type: user.type,
      identities: user.identities.map((i) => ({ id: i.id, provider_type: i.providerType, provider_id: providerId(i.providerType) })),
      data: user.data,
    };
  }

  /**
   * The user as functions see it (`context.user`).
   * @param user - the stored user
   * @param withCustomData - false: `custom_data` is `{}` without reading it (an HTTPS endpoint's
   * `fetch_custom_user_data: false`)
   */
  async contextUser(user: UserRecord, withCustomData = true): Promise<ContextUser> {
    return {
      id: user.id,
      type: user.type,
      data: user.data,
      custom_data: (withCustomData ? await this.customData(user.id).catch(() => undefined) : undefined) ?? {},
      identities: user.identities.map((i) => ({ id: i.id, provider_type: i.providerType })),
    };
  }
}
