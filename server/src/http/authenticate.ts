/**
 * Reads the bearer token of a request and resolves it to a principal.
 * @packageDocumentation
 */
import type { FastifyRequest } from "fastify";
import type { AuthService, Principal } from "../auth/service.js";
import { ServerError } from "../contracts.js";

/** Returns the `Authorization: Bearer` token, or undefined. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== "string") return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function required(token: string | undefined): string {
  // App Services' message, which realm-core's tests compare whole
  if (token === undefined) throw new ServerError(401, "InvalidSession", "must authenticate first");
  return token;
}

/**
 * Authenticates with an access token.
 * @throws ServerError 401 `InvalidSession`.
 */
export function requireAccess(request: FastifyRequest, auth: AuthService, token = bearerToken(request)): Promise<Principal> {
  return auth.fromAccessToken(required(token));
}

/**
 * Authenticates with a refresh token.
 * @throws ServerError 401 `InvalidSession`.
 */
export function requireRefresh(request: FastifyRequest, auth: AuthService): Promise<Principal> {
  return auth.fromRefreshToken(required(bearerToken(request)));
}
