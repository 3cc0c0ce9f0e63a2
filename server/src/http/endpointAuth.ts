/**
 * Application authentication of an HTTPS endpoint's request, as App Services documents it ("Authenticate
 * Data API Requests"): an `Authorization: Bearer` access token if the request has one, else the
 * credential headers of one provider (`apiKey` or `api-key`; `email` and `password`;
 * `jwtTokenString`). The error bodies are the ones App Services' Data API reference lists.
 * @packageDocumentation
 */
import type { FastifyRequest } from "fastify";
import type { AuthService } from "../auth/service.js";
import { ServerError, type ContextUser } from "../contracts.js";
import type { EndpointSpec } from "../endpoints/types.js";
import { bearerToken } from "./authenticate.js";

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" ? value : Array.isArray(value) ? value[0] : undefined;
}

/** The provider and login body of the request's credential headers, or undefined without any. */
function credentials(request: FastifyRequest): { provider: string; body: Record<string, unknown> } | undefined {
  const key = header(request, "apikey") ?? header(request, "api-key");
  if (key !== undefined) return { provider: "api-key", body: { key } };
  const email = header(request, "email");
  const password = header(request, "password");
  if (email !== undefined || password !== undefined) {
    if (email === undefined || password === undefined) {
      throw new ServerError(
        400,
        "MissingParameter",
        "must specify some form of authentication (either email+password, api-key, or jwt) in the request header or body",
      );
    }
    return { provider: "local-userpass", body: { username: email, password } };
  }
  const token = header(request, "jwttokenstring");
  return token === undefined ? undefined : { provider: "custom-token", body: { token } };
}

/**
 * The user an endpoint's request runs as: none when its function runs as system or as a user its
 * settings choose (System, User ID and Script authentication: the runner picks the user), else the
 * one its credentials prove.
 * @param request - the request
 * @param spec - the endpoint
 * @param auth - the auth service
 * @throws ServerError 400 `InvalidParameter` `no authentication methods were specified`; 400
 * `MissingParameter` for an email without a password or the reverse; 401 `InvalidSession` for a bad
 * access token, or for credentials no user has when the endpoint does not create users; the login's
 * own errors for bad credentials (401 `InvalidPassword`, `AuthError`, …)
 */
export async function endpointUser(
  request: FastifyRequest,
  spec: Pick<EndpointSpec, "noCredentials" | "fetchCustomUserData" | "createUserOnAuth">,
  auth: AuthService,
): Promise<ContextUser | undefined> {
  if (spec.noCredentials) return undefined;
  const token = bearerToken(request);
  if (token !== undefined) return auth.contextUser((await auth.fromAccessToken(token)).user, spec.fetchCustomUserData);
  const proof = credentials(request);
  if (proof === undefined) throw new ServerError(400, "InvalidParameter", "no authentication methods were specified");
  const user = await auth.fromCredentials(proof.provider, proof.body, spec.createUserOnAuth, { address: request.ip });
  return auth.contextUser(user, spec.fetchCustomUserData);
}
