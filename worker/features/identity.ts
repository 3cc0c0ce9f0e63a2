/**
 * The user operations most pages never use, loaded with the other account features on first use
 * (features/lazy.ts): deleting a user on the server, fetching its profile again, and linking
 * another identity to it.
 * @packageDocumentation
 */
import { RealmTabsError } from "../../src/protocol/errors.js";
import type { CredentialsWire, MutationReply } from "../../src/protocol/rpc.js";
import type { StateChange } from "../../src/protocol/snapshots.js";
import type { AppRuntime } from "../session/runtime.js";
import { fetchProfile, login, loginBody } from "../io/requests.js";
import { deviceFor } from "../session/operations.js";
import { applyProfile, applyRemove, applyTokens } from "../session/state.js";
import { skewOnReceipt } from "../session/tokens.js";

/**
 * Deletes the user on the server with its own access token (`DELETE /auth/delete`; core does so,
 * realm-web would use the current user's), then forgets it.
 * @throws {RealmTabsError} `user-not-found`, `not-logged-in`; {@link MongoDBRealmError} from the server
 */
export async function deleteUser(rt: AppRuntime, userId: string): Promise<MutationReply> {
  await rt.withAccessToken(userId, (token) => rt.deps.transport.send({ method: "DELETE", route: "/auth/delete", token }));
  return rt.commit((d) => applyRemove(d, userId, "delete"), userId);
}

/**
 * Fetches the profile again.
 * @throws {RealmTabsError} `user-not-found`, `not-logged-in`; {@link MongoDBRealmError} from the server
 */
export async function refreshProfile(rt: AppRuntime, userId: string): Promise<MutationReply> {
  const profile = await rt.withAccessToken(userId, (token) => fetchProfile(rt.deps.transport, token));
  return rt.commit((d) => applyProfile(d, userId, profile), userId);
}

/**
 * Links another identity: `…/login?link=true` with the user's access token, then the profile.
 * @throws {RealmTabsError} `invalid-argument` for anonymous credentials (core refuses them), `user-not-found`, `not-logged-in`
 */
export async function linkCredentials(rt: AppRuntime, userId: string, credentials: CredentialsWire): Promise<MutationReply> {
  if (credentials.providerType === "anon-user")
    throw new RealmTabsError("invalid-argument", "Anonymous credentials cannot be linked to a user");
  const body = loginBody(credentials.payloadEJSON, deviceFor(rt));
  const r = await rt.withAccessToken(userId, (token) => login(rt.deps.transport, rt.deps.config.id, credentials.providerType, body, token));
  if (r.userId !== userId) throw new RealmTabsError("internal", "Link response meant for another user");
  const profile = await fetchProfile(rt.deps.transport, r.accessToken);
  const tokens = { accessToken: r.accessToken, refreshToken: r.refreshToken, skewMs: skewOnReceipt(r.accessToken, r.receivedAt) };
  return rt.commit((d) => {
    if (d.users.get(userId)?.state !== "LoggedIn") return []; // logged out meanwhile
    const tokenChanges: StateChange[] = applyTokens(d, userId, tokens, true);
    // the server may answer with the very token the user holds; the link happened all the same
    const link: StateChange[] = tokenChanges.length ? tokenChanges : [{ type: "link", userId }];
    return [...link, ...applyProfile(d, userId, profile)];
  }, userId);
}
