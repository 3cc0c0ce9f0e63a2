/**
 * Reading access tokens: expiry on the server-corrected clock, custom data, device id.
 * Tokens are JWTs; the signature is the server's business, we only read the payload (jose).
 * @packageDocumentation
 */
import { decodeJwt } from "jose";
import { EJSON } from "bson";
import { ZERO_ID } from "../../src/protocol/names.js";

/** What the runtime needs from an access token. */
export interface TokenInfo {
  /** `exp` in ms, converted to the local clock (server time minus the estimated skew). */
  expiresAt: number | null;
  /** Lifetime in ms (`exp - iat`), or null. */
  lifetimeMs: number | null;
  /** Estimated `server time - local time` in ms, from `iat` and the local receipt time. */
  skewMs: number;
  /** `user_data` as canonical EJSON (`"{}"` when absent). */
  customDataEJSON: string;
  /** `baas_device_id` unless missing or all zeros. */
  deviceId: string | null;
}

/**
 * Reads an access token whose clock skew is already known (see {@link skewOnReceipt}). A token
 * that cannot be decoded has no expiry: it is never refreshed ahead of time, but a 401 still is.
 * @param token - the JWT
 * @param skewMs - estimated `server - local` clock difference in ms
 */
export function readAccessToken(token: string, skewMs: number): TokenInfo {
  const claims = decodeClaims(token);
  if (!claims) return { expiresAt: null, lifetimeMs: null, skewMs, customDataEJSON: "{}", deviceId: null };
  const iat = typeof claims.iat === "number" ? claims.iat * 1000 : null;
  const exp = typeof claims.exp === "number" ? claims.exp * 1000 : null;
  const device = typeof claims.baas_device_id === "string" && claims.baas_device_id !== ZERO_ID ? claims.baas_device_id : null;
  return {
    expiresAt: exp === null ? null : exp - skewMs,
    lifetimeMs: exp !== null && iat !== null ? exp - iat : null,
    skewMs,
    customDataEJSON: canonicalEJSON(claims.user_data ?? {}),
    deviceId: device,
  };
}

/**
 * The skew to store with a token that arrived at local time `receivedAt`.
 * @param token - the JWT
 * @param receivedAt - local time (ms) when the response carrying it arrived
 * @param previousSkewMs - kept when the token has no `iat`
 */
export function skewOnReceipt(token: string, receivedAt: number, previousSkewMs = 0): number {
  const iat = decodeClaims(token)?.iat;
  return typeof iat === "number" ? estimateSkewMs(iat * 1000, receivedAt) : previousSkewMs;
}

function decodeClaims(token: string): Record<string, unknown> | null {
  try {
    return decodeJwt(token) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Canonical EJSON of a plain JSON (or relaxed EJSON) value. */
export function canonicalEJSON(value: unknown): string {
  const parsed: unknown = EJSON.parse(JSON.stringify(value ?? null), { relaxed: false });
  return EJSON.stringify(parsed, { relaxed: false });
}

/**
 * When to refresh ahead of expiry: a fifth of the lifetime, between 200 ms and 60 s.
 * @param lifetimeMs - the token's lifetime, or null (then 60 s)
 */
export function refreshLeadMs(lifetimeMs: number | null): number {
  if (lifetimeMs === null) return 60_000;
  return Math.min(60_000, Math.max(200, lifetimeMs / 5));
}

/**
 * `server time - local time` from a token's `iat` (ms) and its local receipt time. `iat` is floored
 * to whole seconds and the token was minted a network latency before it arrived, so estimates within
 * ±2 s are indistinguishable from agreeing clocks and count as 0; beyond that the midpoint of the
 * `iat` second is used.
 * @param iatMs - the token's `iat`, in ms
 * @param receivedAt - local receipt time, in ms
 */
export function estimateSkewMs(iatMs: number, receivedAt: number): number {
  const raw = iatMs + 500 - receivedAt;
  return Math.abs(raw) <= 2_000 ? 0 : raw;
}
