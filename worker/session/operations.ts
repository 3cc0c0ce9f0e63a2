/**
 * The user-facing operations of one app runtime (the `SessionApi` methods minus the app key; those
 * most pages never use are in features/identity.ts, loaded on first use),
 * with the semantics of realm-js v12 / core where the SDKs differ (see docs/worker.md).
 * @packageDocumentation
 */
import { RealmTabsError } from "../../src/protocol/errors.js";
import type { CredentialsWire, MutationReply } from "../../src/protocol/rpc.js";
import type { AppRuntime } from "./runtime.js";
import * as req from "../io/requests.js";
import { applyLogin, applyLogout, applyProfile, applyRemove, applySwitch } from "./state.js";
import { skewOnReceipt } from "./tokens.js";

/** The device information a login sends (`options.device`), with the stored device id. */
export function deviceFor(rt: AppRuntime): req.DeviceInfo {
  const { config, device } = rt.deps;
  const deviceId = rt.state().app.deviceId;
  return {
    sdkVersion: device.sdkVersion,
    platform: device.platform,
    platformVersion: device.platformVersion,
    ...(config.app ? { appId: config.app.name, ...(config.app.version ? { appVersion: config.app.version } : {}) } : {}),
    ...(deviceId ? { deviceId } : {}),
  };
}

/** The most recent logged-in anonymous user (core's reuse rule: logged out ones are not reused). */
function reusableAnonymous(rt: AppRuntime): string | null {
  const s = rt.state();
  return (
    s.app.order.find((id) => {
      const u = s.users.get(id);
      return u?.state === "LoggedIn" && u.providerType === "anon-user";
    }) ?? null
  );
}

/**
 * Logs in: reuse of a logged-in anonymous user (no request), else login → profile → commit.
 * @throws {MongoDBRealmError} the server refused; {@link RealmTabsError} `invalid-argument`, `network`, `timeout`
 */
export async function logIn(rt: AppRuntime, credentials: CredentialsWire): Promise<MutationReply> {
  if (credentials.providerType === "anon-user" && credentials.reuse) {
    const id = reusableAnonymous(rt);
    if (id) return rt.commit((d) => applySwitch(d, id), id);
  }
  const body = req.loginBody(credentials.payloadEJSON, deviceFor(rt));
  const r = await req.login(rt.deps.transport, rt.deps.config.id, credentials.providerType, body);
  if (!r.refreshToken) throw new RealmTabsError("internal", "No refresh token in response from server");
  const tokens = { accessToken: r.accessToken, refreshToken: r.refreshToken, skewMs: skewOnReceipt(r.accessToken, r.receivedAt) };
  let profileError: unknown = null;
  const profile = await req.fetchProfile(rt.deps.transport, r.accessToken).catch((e: unknown) => {
    profileError = e;
    return null;
  });
  // the login succeeded on the server: keep it even if the profile failed (the tab gets the error)
  const reply = await rt.commit((d) => {
    const changes = applyLogin(d, r.userId, credentials.providerType, tokens, r.deviceId);
    return profile ? [...changes, ...applyProfile(d, r.userId, profile)] : changes;
  }, r.userId);
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what fetchProfile rejected with, unchanged
  if (profileError) throw profileError;
  return reply;
}

/**
 * Makes a logged-in user current.
 * @throws {RealmTabsError} `user-not-found`, `not-logged-in`
 */
export function switchUser(rt: AppRuntime, userId: string): Promise<MutationReply> {
  rt.loggedInUser(userId);
  return rt.commit((d) => (d.users.get(userId)?.state === "LoggedIn" ? applySwitch(d, userId) : []), userId);
}

/** `DELETE /auth/session`, whose failure never undoes a local logout. */
async function endSession(rt: AppRuntime, refreshToken: string | null): Promise<void> {
  if (!refreshToken) return;
  await req.deleteSession(rt.deps.transport, refreshToken).catch(() => undefined);
}

/**
 * Logs out locally first (every tab hears it), then ends the session on the server, ignoring its
 * failure. Anonymous users are removed. Nothing is sent for a user already logged out, nor for one
 * that is no longer listed (removed, or anonymous and logged out in another tab): as realm-web's
 * `logOut`, which resolves for a user without a refresh token, a second logout is harmless.
 */
export async function logOut(rt: AppRuntime, userId: string): Promise<MutationReply> {
  if (!rt.state().users.has(userId)) return rt.commit(() => [], userId);
  const held = rt.user(userId).refreshToken;
  const reply = await rt.commit((d) => (d.users.get(userId)?.refreshToken === held ? applyLogout(d, userId, true) : []), userId);
  if (reply.changes.length > 0) await endSession(rt, held);
  return reply;
}

/**
 * Forgets the user, ending its session on the server if it was logged in.
 * @throws {RealmTabsError} `user-not-found`
 */
export async function removeUser(rt: AppRuntime, userId: string): Promise<MutationReply> {
  const held = rt.user(userId).refreshToken;
  const reply = await rt.commit((d) => applyRemove(d, userId), userId);
  if (reply.changes.length > 0) await endSession(rt, held);
  return reply;
}

/**
 * Calls a function as the user; returns the result as canonical EJSON. `limits.timeoutMs` is the
 * calling tab's deadline: the function's request gets as long when that is longer than the
 * runtime's request deadline (a slow function or aggregation needs only a larger `timeoutMs` in the
 * tab). `limits.signal` ends the request when that tab is gone.
 * @throws {RealmTabsError} `invalid-argument`, `user-not-found`, `not-logged-in`, `timeout`; {@link MongoDBRealmError} from the server
 */
export function callFunction(
  rt: AppRuntime,
  userId: string,
  name: string,
  argsEJSON: string,
  service?: string,
  limits?: req.CallLimits,
): Promise<string | ArrayBuffer> {
  req.assertArgsEJSON(argsEJSON);
  return rt.withAccessToken(userId, (token) =>
    req.callFunction(rt.deps.transport, rt.deps.config.id, token, name, argsEJSON, service, limits),
  );
}
