/**
 * Reading access tokens: expiry on the server-corrected clock, custom data, device id.
 * Tokens are JWTs; the signature is the server's business, we only read the payload, once per token
 * (base64url and JSON: no JOSE library is needed to read, only to verify).
 * @packageDocumentation
 */
import { canonicalFromJSON } from "../io/ejson.js";
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

/** The claims the runtime reads from an access token. */
interface AccessClaims {
  /** `iat` in ms, or null. */
  iatMs: number | null;
  /** `exp` in ms (server time), or null. */
  expMs: number | null;
  /** `user_data` as canonical EJSON (`"{}"` when absent). */
  customDataEJSON: string;
  /** `baas_device_id` unless missing or all zeros. */
  deviceId: string | null;
}

/** How many tokens' claims are kept (a few per user: the current token, and a previous one during a refresh). */
const KEPT_CLAIMS = 256;

/**
 * Claims by token, least recently used first. A token is decoded the first time the runtime sees it
 * (on arrival: {@link skewOnReceipt} runs on every token a login or refresh returns; on restore: the
 * refresh loop reads every stored token) and looked up on every later read (each snapshot, each call's
 * expiry check, each refresh schedule). A token is an immutable string, so an entry never goes stale.
 */
const claimsByToken = new Map<string, AccessClaims | null>();

/** The claims of `token` (null if it cannot be decoded), decoding it only the first time. */
function claimsOf(token: string): AccessClaims | null {
  const known = claimsByToken.get(token);
  if (known !== undefined) {
    claimsByToken.delete(token); // move to the most recently used end
    claimsByToken.set(token, known);
    return known;
  }
  const claims = decodeClaims(token);
  claimsByToken.set(token, claims);
  if (claimsByToken.size > KEPT_CLAIMS) claimsByToken.delete(claimsByToken.keys().next().value as string);
  return claims;
}

/**
 * Reads an access token whose clock skew is already known (see {@link skewOnReceipt}). A token
 * that cannot be decoded has no expiry: it is never refreshed ahead of time, but a 401 still is.
 * The token is decoded once; later reads of the same token cost a lookup.
 * @param token - the JWT
 * @param skewMs - estimated `server - local` clock difference in ms
 */
export function readAccessToken(token: string, skewMs: number): TokenInfo {
  const claims = claimsOf(token);
  if (!claims) return { expiresAt: null, lifetimeMs: null, skewMs, customDataEJSON: "{}", deviceId: null };
  const { iatMs, expMs } = claims;
  return {
    expiresAt: expMs === null ? null : expMs - skewMs,
    lifetimeMs: expMs !== null && iatMs !== null ? expMs - iatMs : null,
    skewMs,
    customDataEJSON: claims.customDataEJSON,
    deviceId: claims.deviceId,
  };
}

/**
 * The skew to store with a token that arrived at local time `receivedAt` (this is where a received
 * token is decoded).
 * @param token - the JWT
 * @param receivedAt - local time (ms) when the response carrying it arrived
 * @param previousSkewMs - kept when the token has no `iat`
 */
export function skewOnReceipt(token: string, receivedAt: number, previousSkewMs = 0): number {
  const iatMs = claimsOf(token)?.iatMs ?? null;
  return iatMs === null ? previousSkewMs : estimateSkewMs(iatMs, receivedAt);
}

/**
 * The payload of a compact JWS (`header.payload.signature`), not verified.
 * @throws {Error} if `token` is not three base64url parts whose middle one is a JSON object
 */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const parts = token.split(".");
  const payload = parts[1];
  if (parts.length !== 3 || !payload || !/^[A-Za-z0-9_-]+$/.test(payload)) throw new Error("not a compact JWT");
  const base64 = payload.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (payload.length % 4)) % 4);
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const claims: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) throw new Error("the JWT payload is not an object");
  return claims as Record<string, unknown>;
}

function decodeClaims(token: string): AccessClaims | null {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwtPayload(token);
  } catch {
    return null;
  }
  let customDataEJSON = "{}";
  try {
    customDataEJSON = canonicalEJSON(claims.user_data ?? {});
  } catch {
    // a user_data claim that is not EJSON: no custom data, as for a token without the claim
  }
  return {
    iatMs: typeof claims.iat === "number" ? claims.iat * 1000 : null,
    expMs: typeof claims.exp === "number" ? claims.exp * 1000 : null,
    customDataEJSON,
    deviceId: typeof claims.baas_device_id === "string" && claims.baas_device_id !== ZERO_ID ? claims.baas_device_id : null,
  };
}

/** Canonical EJSON of a plain JSON (or relaxed EJSON) value. */
export function canonicalEJSON(value: unknown): string {
  return canonicalFromJSON(value ?? null);
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
