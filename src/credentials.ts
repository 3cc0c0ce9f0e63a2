/**
 * Login credentials, with the payloads of the App Services protocol (realm-web 2.0.1 and
 * realm-js v12 agree on the keys). A `Credentials` instance is plain data: {@link toCredentialsWire}
 * turns it into what crosses the worker boundary. The factories never throw, as realm-web's do
 * not: credentials built from bad arguments make `app.logIn` (or `linkCredentials`) reject with
 * `invalid-argument` and send nothing, so `app.logIn(Credentials.emailPassword(email, "")).catch(…)`
 * sees the error.
 * @packageDocumentation
 */
import { ProviderType } from "./protocol/snapshots.js";
import { nonEmptyString as requireString } from "./protocol/args.js";
import { RealmTabsError } from "./protocol/errors.js";
import type { CredentialsWire } from "./protocol/rpc.js";
import { encodeCanonical } from "./codec/lazy.js";

/** Payload of a login request: the provider-specific fields, sent at the top level of the body. */
export type CredentialsPayload = Record<string, unknown>;

/**
 * Arguments of {@link Credentials.google}: exactly one of `authCode`, `idToken`, or `redirectUrl`
 * (the OAuth 2.0 redirect login: the page that calls `handleAuthRedirect()`).
 */
export type GoogleOptions = { authCode: string } | { idToken: string } | { redirectUrl: string };

/** The payload of credentials that log in through an OAuth 2.0 redirect (opened in a window). */
export type RedirectPayload = { redirectUrl: string };

/** True for a string realm-web treats as a redirect URL rather than a token: it contains `://`. */
function isUrl(s: unknown): s is string {
  return typeof s === "string" && s.includes("://");
}

/**
 * True for credentials that log in through an OAuth 2.0 redirect (`google({redirectUrl})`,
 * `facebook(url)`, `apple(url)`).
 */
export function isRedirectCredentials(credentials: Credentials): credentials is Credentials<RedirectPayload> {
  return (
    credentials.providerType.startsWith("oauth2-") &&
    typeof credentials.payload.redirectUrl === "string" &&
    Object.keys(credentials.payload).length === 1
  );
}

function redirectUrl(url: string): RedirectPayload {
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new RealmTabsError("invalid-argument", "the redirect URL must be an absolute http(s) URL", { retryable: false });
  }
  return { redirectUrl: url };
}

/** Why credentials built from bad arguments cannot log in; {@link toCredentialsWire} throws it. */
const problems = new WeakMap<Credentials, RealmTabsError>();

/** Credentials to log in (or link) a user with one auth provider. */
export class Credentials<P extends CredentialsPayload = CredentialsPayload> {
  /** The provider type, e.g. `local-userpass`. */
  readonly providerType: ProviderType;
  /** The provider's name in the app (the same as the type for built-in providers). */
  readonly providerName: string;
  /** The fields sent in the login body. */
  readonly payload: P;
  /** For anonymous credentials: reuse a logged-in anonymous user rather than creating a new one. */
  readonly reuse: boolean;

  private constructor(providerType: ProviderType, payload: P, reuse = false) {
    this.providerType = providerType;
    this.providerName = providerType;
    this.payload = payload;
    this.reuse = reuse;
  }

  /** Credentials of `providerType` with the payload `build` returns; if it throws, credentials that carry the error. */
  private static checked<P extends CredentialsPayload>(providerType: ProviderType, build: () => P): Credentials<P> {
    try {
      return new Credentials(providerType, build());
    } catch (error) {
      const bad = new Credentials(providerType, {} as P);
      problems.set(bad, error as RealmTabsError);
      return bad;
    }
  }

  /**
   * Anonymous credentials.
   * @param reuse - reuse a logged-in anonymous user of this app if there is one
   * @default reuse true
   */
  static anonymous(reuse = true): Credentials<Record<string, never>> {
    return new Credentials(ProviderType.AnonUser, {}, reuse);
  }

  /**
   * Email/password credentials; accepts `(email, password)` or `({email, password})`.
   * Does not throw: if the email or password is missing, `app.logIn` (or `linkCredentials`) with
   * them rejects with `invalid-argument`.
   */
  static emailPassword(email: string, password: string): Credentials<{ username: string; password: string }>;
  static emailPassword(args: { email: string; password: string }): Credentials<{ username: string; password: string }>;
  static emailPassword(
    emailOrArgs: string | { email: string; password: string },
    password?: string,
  ): Credentials<{ username: string; password: string }> {
    return Credentials.checked(ProviderType.LocalUserPass, () => {
      const args = typeof emailOrArgs === "string" ? { email: emailOrArgs, password } : emailOrArgs;
      if (typeof args !== "object" || args === null) {
        throw new RealmTabsError("invalid-argument", "emailPassword takes (email, password) or ({email, password})", { retryable: false });
      }
      return { username: requireString(args.email, "email"), password: requireString(args.password, "password") };
    });
  }

  /**
   * API key credentials.
   * Does not throw: if the key is not a non-empty string, `app.logIn` (or `linkCredentials`) with
   * them rejects with `invalid-argument`.
   */
  static apiKey(key: string): Credentials<{ key: string }> {
    return Credentials.checked(ProviderType.ApiKey, () => ({ key: requireString(key, "key") }));
  }

  /**
   * Custom JWT credentials.
   * Does not throw: if the token is not a non-empty string, `app.logIn` (or `linkCredentials`) with
   * them rejects with `invalid-argument`.
   */
  static jwt(token: string): Credentials<{ token: string }> {
    return Credentials.checked(ProviderType.CustomToken, () => ({ token: requireString(token, "token") }));
  }

  /**
   * Custom function credentials: the payload object is passed to the app's authentication function.
   * Does not throw: if the payload is not a plain object, `app.logIn` (or `linkCredentials`) with
   * them rejects with `invalid-argument`.
   */
  static function<P extends CredentialsPayload>(payload: P): Credentials<P> {
    return Credentials.checked(ProviderType.CustomFunction, () => {
      if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
        throw new RealmTabsError("invalid-argument", "the function credentials payload must be an object", { retryable: false });
      }
      return payload;
    });
  }

  /**
   * Google credentials from an auth code (`{authCode}`), an OpenID Connect id token (`{idToken}`),
   * or, with `{redirectUrl}`, the OAuth 2.0 redirect login: `app.logIn` opens Google's login in a
   * window, and the page at `redirectUrl` calls `handleAuthRedirect()`.
   * Does not throw: if not exactly one of the three is given (a redirect URL must be absolute
   * http(s)), `app.logIn` (or `linkCredentials`) with them rejects with `invalid-argument`.
   */
  static google(options: GoogleOptions): Credentials<{ authCode: string } | { id_token: string } | RedirectPayload> {
    return Credentials.checked<{ authCode: string } | { id_token: string } | RedirectPayload>(ProviderType.OAuth2Google, () => {
      const o = options as Partial<{ authCode: unknown; idToken: unknown; redirectUrl: unknown }> | null;
      const usage = "google takes exactly one of {authCode}, {idToken} or {redirectUrl}";
      if (typeof o !== "object" || o === null || Object.keys(o).length !== 1) {
        throw new RealmTabsError("invalid-argument", usage, { retryable: false });
      }
      if ("authCode" in o) return { authCode: requireString(o.authCode, "authCode") };
      if ("idToken" in o) return { id_token: requireString(o.idToken, "idToken") };
      if ("redirectUrl" in o) return redirectUrl(requireString(o.redirectUrl, "redirectUrl"));
      throw new RealmTabsError("invalid-argument", usage, { retryable: false });
    });
  }

  /**
   * Facebook credentials from a Facebook access token or, given a URL (a string with `://`, as
   * realm-web tells them apart), the OAuth 2.0 redirect login returning to that page.
   * Does not throw: if the argument is not a non-empty string (a URL must be absolute http(s)),
   * `app.logIn` (or `linkCredentials`) with them rejects with `invalid-argument`.
   */
  static facebook(accessTokenOrRedirectUrl: string): Credentials<{ accessToken: string } | RedirectPayload> {
    return Credentials.checked<{ accessToken: string } | RedirectPayload>(ProviderType.OAuth2Facebook, () =>
      isUrl(accessTokenOrRedirectUrl)
        ? redirectUrl(accessTokenOrRedirectUrl)
        : { accessToken: requireString(accessTokenOrRedirectUrl, "accessToken") },
    );
  }

  /**
   * Sign in with Apple credentials from an id token or, given a URL (a string with `://`), the
   * OAuth 2.0 redirect login returning to that page.
   * Does not throw: if the argument is not a non-empty string (a URL must be absolute http(s)),
   * `app.logIn` (or `linkCredentials`) with them rejects with `invalid-argument`.
   */
  static apple(idTokenOrRedirectUrl: string): Credentials<{ id_token: string } | RedirectPayload> {
    return Credentials.checked<{ id_token: string } | RedirectPayload>(ProviderType.OAuth2Apple, () =>
      isUrl(idTokenOrRedirectUrl) ? redirectUrl(idTokenOrRedirectUrl) : { id_token: requireString(idTokenOrRedirectUrl, "idToken") },
    );
  }
}

/**
 * The wire form of credentials: the payload as canonical EJSON.
 * @throws {RealmTabsError} `invalid-argument` if `credentials` is not a {@link Credentials} or was built from bad arguments;
 *   `not-supported` for redirect credentials (they log in through `app.logIn` only; linking through a redirect is not supported)
 */
export async function toCredentialsWire(credentials: Credentials): Promise<CredentialsWire> {
  if (!(credentials instanceof Credentials)) {
    throw new RealmTabsError("invalid-argument", "expected a Credentials instance (use Credentials.anonymous(), …)", { retryable: false });
  }
  const problem = problems.get(credentials);
  if (problem) throw problem;
  if (isRedirectCredentials(credentials)) {
    throw new RealmTabsError(
      "not-supported",
      "redirect credentials log in through app.logIn; linking through a redirect is not supported",
      {
        retryable: false,
      },
    );
  }
  return {
    providerType: credentials.providerType,
    payloadEJSON: await encodeCanonical(credentials.payload, "the credentials payload"),
    reuse: credentials.reuse,
  };
}
