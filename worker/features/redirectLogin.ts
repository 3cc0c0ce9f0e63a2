/**
 * The worker's half of the OAuth 2.0 redirect login: the URL the tab opens in a window (the
 * server's `GET …/auth/providers/oauth2-<name>/login?redirect=…&state=…&device=…`, on the host the
 * location request found), and the login the tab completes with what the redirect page handed
 * back (`_baas_ua`: access token, refresh token, user id, device id, joined by `$`). The tokens are
 * proven by fetching the profile with them before anything is committed.
 * @packageDocumentation
 */
import { RealmTabsError } from "../../src/protocol/errors.js";
import type { MutationReply } from "../../src/protocol/rpc.js";
import { ProviderType } from "../../src/protocol/snapshots.js";
import * as req from "../io/requests.js";
import { API_PATH } from "../io/transport.js";
import { deviceFor } from "../session/operations.js";
import type { AppRuntime } from "../session/runtime.js";
import { applyLogin, applyProfile } from "../session/state.js";
import { skewOnReceipt } from "../session/tokens.js";

/** The providers that log in through a redirect. */
export const REDIRECT_PROVIDERS: readonly ProviderType[] = [
  ProviderType.OAuth2Google,
  ProviderType.OAuth2Facebook,
  ProviderType.OAuth2Apple,
];

/**
 * Checks that `provider` logs in through a redirect.
 * @throws {RealmTabsError} `invalid-argument` otherwise
 */
export function redirectProvider(provider: string): ProviderType {
  const found = REDIRECT_PROVIDERS.find((p) => p === provider);
  if (!found) throw new RealmTabsError("invalid-argument", `${provider} does not log in through a redirect`, { retryable: false });
  return found;
}

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The URL that starts a redirect login.
 * @param redirectUrl - an absolute `http(s)` URL: the page that calls `handleAuthRedirect()`
 * @param state - the random state the redirect comes back with
 * @throws {RealmTabsError} `invalid-argument` for another provider or a bad URL or state; `network`/`timeout` from the location request
 */
export async function redirectLoginUrl(rt: AppRuntime, provider: string, redirectUrl: string, state: string): Promise<string> {
  const type = redirectProvider(provider);
  if (!URL.canParse(redirectUrl) || !/^https?:$/.test(new URL(redirectUrl).protocol)) {
    throw new RealmTabsError("invalid-argument", "redirectUrl must be an absolute http(s) URL", { retryable: false });
  }
  if (!/^[a-z]{12,64}$/.test(state))
    throw new RealmTabsError("invalid-argument", "state must be 12 to 64 lowercase letters", { retryable: false });
  const device = base64(JSON.stringify(req.deviceDocument(deviceFor(rt))));
  const query = new URLSearchParams({ redirect: redirectUrl, state, device });
  const host = await rt.deps.transport.hostname();
  return `${host}${API_PATH}/app/${encodeURIComponent(rt.deps.config.id)}/auth/providers/${type}/login?${query.toString()}`;
}

/**
 * Splits `_baas_ua` into its four parts.
 * @throws {RealmTabsError} `invalid-argument` unless it has four non-empty parts
 */
export function decodeUserAuth(userAuth: string): { accessToken: string; refreshToken: string; userId: string; deviceId: string } {
  const parts = userAuth.split("$");
  const [accessToken, refreshToken, userId, deviceId] = parts;
  if (parts.length !== 4 || !accessToken || !refreshToken || !userId || !deviceId) {
    throw new RealmTabsError("invalid-argument", "Failed to decode 'authInfo' into ids and tokens", { retryable: false });
  }
  return { accessToken, refreshToken, userId, deviceId };
}

/**
 * Completes a redirect login: fetches the profile with the tokens (which proves them), then commits
 * the user as logged in and current, as a login does.
 * @throws {RealmTabsError} `invalid-argument` for a bad provider or `userAuth`; {@link MongoDBRealmError} if the server refuses the tokens
 */
export async function completeRedirectLogin(rt: AppRuntime, provider: string, userAuth: string): Promise<MutationReply> {
  const type = redirectProvider(provider);
  const auth = decodeUserAuth(userAuth);
  const receivedAt = rt.deps.clock.now();
  const profile = await req.fetchProfile(rt.deps.transport, auth.accessToken);
  const tokens = { accessToken: auth.accessToken, refreshToken: auth.refreshToken, skewMs: skewOnReceipt(auth.accessToken, receivedAt) };
  const deviceId = /^[0-9a-f]{24}$/.test(auth.deviceId) && !/^0+$/.test(auth.deviceId) ? auth.deviceId : null;
  return rt.commit((d) => [...applyLogin(d, auth.userId, type, tokens, deviceId), ...applyProfile(d, auth.userId, profile)], auth.userId);
}
