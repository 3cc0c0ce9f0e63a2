/**
 * Turns a login body for one auth provider into the identity (and for API keys, the user) it proves.
 * @packageDocumentation
 */
import { randomBytes } from "node:crypto";
import { ObjectId } from "bson";
import { z } from "zod";
import type { ServerConfig } from "../config.js";
import { ServerError, type FunctionRunner } from "../contracts.js";
import type { ApiKeyStore } from "./apiKeys.js";
import type { CustomTokenVerifier } from "./customToken.js";
import type { IdTokenVerifier } from "./idTokens.js";
import { emailField } from "./emails.js";
import type { AnonymousLoginLimiter, LoginThrottle } from "./rateLimit.js";
import type { UserpassStore } from "./userpass.js";
import type { Identity } from "./users.js";
import { parseBody } from "./validate.js";

/** What a provider proved: an identity, or (API keys) directly a user. */
export type ProvenIdentity = { kind: "identity"; identity: Identity } | { kind: "apiKey"; userId: string; apiKeyId: string };

/** Everything the providers need. */
export interface ProviderDeps {
  config: ServerConfig;
  userpass: UserpassStore;
  apiKeys: ApiKeyStore;
  customToken: CustomTokenVerifier | undefined;
  /** ID token verifiers of the OAuth providers enabled with a client id. */
  idTokens: Partial<Record<string, IdTokenVerifier>>;
  runner: FunctionRunner;
  throttle: LoginThrottle;
  anonymousLimiter: AnonymousLoginLimiter;
}

/** Who is logging in, as far as the server can tell. */
export interface LoginClient {
  /** The client's IP address (the socket's peer). */
  address: string;
}

const userpassBody = z.object({ username: emailField, password: z.string() });
const apiKeyBody = z.object({ key: z.string().min(1) });
const tokenBody = z.object({ token: z.string().min(1) });
const idTokenBody = z.object({ id_token: z.string().min(1) });

/** The provider names this server knows. */
export const PROVIDER_NAMES = ["anon-user", "local-userpass", "api-key", "custom-token", "custom-function"] as const;

/**
 * Verifies a login body for a provider.
 * @throws ServerError 404 `AuthProviderNotFound` for an unknown or disabled provider; 400
 * `MissingParameter`/`InvalidParameter` for a bad body; 401 for bad credentials (`AuthError` for an
 * OAuth login with an authorization code or access token, which need the provider); 429 `TooManyRequests`
 * when throttled (failed logins per account and address, anonymous logins per address).
 */
export async function proveIdentity(
  provider: string,
  body: Record<string, unknown>,
  deps: ProviderDeps,
  client: LoginClient,
): Promise<ProvenIdentity> {
  const { providers } = deps.config;
  if (provider === "anon-user" && providers.anon) {
    deps.anonymousLimiter.take(client.address);
    return {
      kind: "identity",
      identity: { id: `${new ObjectId().toHexString()}-${randomBytes(12).toString("hex")}`, providerType: provider, data: {} },
    };
  }
  if (provider === "local-userpass" && providers.localUserpass !== undefined) return proveUserpass(body, deps, client);
  if (provider === "api-key" && providers.apiKey) {
    const { key } = parseBody(apiKeyBody, body);
    const { userId, keyId } = deps.apiKeys.authenticate(key);
    return { kind: "apiKey", userId, apiKeyId: keyId };
  }
  if (provider === "custom-token" && deps.customToken !== undefined) {
    const { token } = parseBody(tokenBody, body);
    return { kind: "identity", identity: await deps.customToken.verify(token) };
  }
  if (provider === "custom-function" && providers.customFunction !== undefined) {
    return proveCustomFunction(providers.customFunction.functionName, body, deps.runner);
  }
  if (Object.prototype.hasOwnProperty.call(providers.oauth, provider)) return proveOAuth(provider, body, deps);
  throw new ServerError(404, "AuthProviderNotFound", `authentication via '${provider}' is unsupported`);
}

async function proveOAuth(provider: string, body: Record<string, unknown>, deps: ProviderDeps): Promise<ProvenIdentity> {
  const verifier = deps.idTokens[provider];
  if (verifier !== undefined && "id_token" in body) {
    const { id_token: token } = parseBody(idTokenBody, body);
    return { kind: "identity", identity: await verifier.verify(token) };
  }
  const name = provider.slice("oauth2-".length);
  if ("id_token" in body && provider !== "oauth2-facebook")
    throw new ServerError(
      401,
      "AuthError",
      `${provider} ID token logins need the provider's client id (config.clientId), which is not configured`,
    );
  const what = "authCode" in body ? "an authorization code" : "accessToken" in body ? "an access token" : "this body";
  const idTokens = verifier === undefined ? "" : ", or an ID token ({id_token})";
  throw new ServerError(
    401,
    "AuthError",
    `${provider} logins with ${what} are not supported: this server cannot call ${name}; log in with a redirect (devOAuth, development only)${idTokens}`,
  );
}

async function proveUserpass(body: Record<string, unknown>, deps: ProviderDeps, client: LoginClient): Promise<ProvenIdentity> {
  const { username: email, password } = parseBody(userpassBody, body);
  deps.throttle.check(email, client.address);
  try {
    const account = await deps.userpass.authenticate(email, password);
    deps.throttle.succeed(email, client.address);
    return { kind: "identity", identity: { id: account.id, providerType: "local-userpass", data: { email: account.email } } };
  } catch (err) {
    if (err instanceof ServerError && err.errorCode === "InvalidPassword") deps.throttle.fail(email, client.address);
    throw err;
  }
}

async function proveCustomFunction(functionName: string, body: Record<string, unknown>, runner: FunctionRunner): Promise<ProvenIdentity> {
  const { options: _options, provider: _provider, ...payload } = body;
  let result: unknown;
  try {
    result = await runner.call(functionName, [payload], {});
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ServerError(401, "AuthError", `custom function authentication failed: ${message}`);
  }
  const id = typeof result === "string" ? result : (result as { id?: unknown } | null)?.id;
  if (typeof id !== "string" || id === "") {
    throw new ServerError(401, "AuthError", "custom function authentication failed: the function must return a user id string");
  }
  // "a display name for the user": the `name` of the returned object, in the profile's data
  const name = (result as { name?: unknown } | null)?.name;
  return { kind: "identity", identity: { id, providerType: "custom-function", data: typeof name === "string" ? { name } : {} } };
}
