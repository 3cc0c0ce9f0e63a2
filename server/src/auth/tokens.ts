/**
 * Access and refresh tokens: HS256 JWTs signed with the server secret (jose).
 * @packageDocumentation
 */
import { randomUUID } from "node:crypto";
import { SignJWT, jwtVerify } from "jose";
import { ServerError } from "../contracts.js";

/** Claims of an access token. */
export interface AccessClaims {
  sub: string;
  iat: number;
  exp: number;
  baas_device_id: string;
  /** The session the token was issued for; revoking the session revokes the token. */
  baas_session_id: string;
  /** A random id: two tokens are never equal, even when minted in the same second. */
  jti: string;
  user_data?: Record<string, unknown>;
}

/** Claims of a refresh token. */
export interface RefreshClaims {
  sub: string;
  iat: number;
  exp: number;
  typ: "refresh";
  baas_session_id: string;
  /** A random id: two tokens are never equal, even when minted in the same second. */
  jti: string;
}

/** The error every bad token gets: 401 `InvalidSession` "invalid session". */
export function invalidSession(): ServerError {
  return new ServerError(401, "InvalidSession", "invalid session");
}

/** Signs and verifies the server's tokens. */
export class TokenService {
  readonly #secret: Uint8Array;
  readonly #accessTtl: number;
  readonly #refreshTtl: number;

  /**
   * @param secret - HS256 key
   * @param accessTtlSeconds - access token lifetime
   * @param refreshTtlSeconds - refresh token (session) lifetime
   */
  constructor(secret: Uint8Array, accessTtlSeconds: number, refreshTtlSeconds: number) {
    this.#secret = secret;
    this.#accessTtl = accessTtlSeconds;
    this.#refreshTtl = refreshTtlSeconds;
  }

  /** Refresh token (session) lifetime in seconds. */
  get refreshTtlSeconds(): number {
    return this.#refreshTtl;
  }

  /** Signs an access token. */
  async signAccess(userId: string, deviceId: string, sessionId: string, userData: Record<string, unknown> | undefined): Promise<string> {
    const claims: Record<string, unknown> = { baas_device_id: deviceId, baas_session_id: sessionId };
    if (userData !== undefined) claims["user_data"] = userData;
    return this.#sign(claims, userId, Date.now() + this.#accessTtl * 1000);
  }

  /** Signs a refresh token for a session, expiring with it. */
  async signRefresh(userId: string, sessionId: string, expiresAtMs: number): Promise<string> {
    return this.#sign({ typ: "refresh", baas_session_id: sessionId }, userId, expiresAtMs);
  }

  // `exp` is rounded up, so a token is valid for at least its whole lifetime (a 1 s token issued at
  // x.9 s must not expire at x+1 s). `jti` makes every token unique: without it, two tokens for the
  // same session minted in the same second would be byte-identical, and a client could not tell a
  // fresh token from the one it already holds.
  async #sign(claims: Record<string, unknown>, sub: string, expiresAtMs: number): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(sub)
      .setJti(randomUUID())
      .setIssuedAt(Math.floor(Date.now() / 1000))
      .setExpirationTime(Math.ceil(expiresAtMs / 1000))
      .sign(this.#secret);
  }

  /**
   * Verifies an access token.
   * @throws ServerError 401 `InvalidSession` if it is malformed, tampered, expired or a refresh token.
   */
  async verifyAccess(token: string): Promise<AccessClaims> {
    const payload = await this.#verify(token);
    if (payload["typ"] === "refresh" || typeof payload["baas_session_id"] !== "string") throw invalidSession();
    return payload as unknown as AccessClaims;
  }

  /**
   * Verifies a refresh token.
   * @throws ServerError 401 `InvalidSession` if it is malformed, tampered, expired or an access token.
   */
  async verifyRefresh(token: string): Promise<RefreshClaims> {
    const payload = await this.#verify(token);
    if (payload["typ"] !== "refresh" || typeof payload["baas_session_id"] !== "string") throw invalidSession();
    return payload as unknown as RefreshClaims;
  }

  async #verify(token: string): Promise<Record<string, unknown>> {
    try {
      const { payload } = await jwtVerify(token, this.#secret, { algorithms: ["HS256"] });
      if (typeof payload.sub !== "string") throw invalidSession();
      return payload;
    } catch {
      throw invalidSession();
    }
  }
}
