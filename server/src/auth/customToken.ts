/**
 * The custom JWT provider: verifies a third-party JWT (HS256 secrets, RS256 public keys as PEM or
 * JWK, or RS256 keys published at a JWK URI) and maps its `sub` and metadata claims to an identity.
 * @packageDocumentation
 */
import { errors, importJWK, importSPKI, jwtVerify, type JWK, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { CustomTokenConfig } from "../config.js";
import { ServerError } from "../contracts.js";
import { remoteKeys } from "./jwks.js";
import type { Identity } from "./users.js";

type Key = Awaited<ReturnType<typeof importSPKI>> | Uint8Array;

function list<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Verifies custom JWTs with the configured keys. */
export class CustomTokenVerifier {
  readonly #config: CustomTokenConfig;
  #keys: Promise<Key[]> | undefined;
  readonly #remote: JWTVerifyGetKey | undefined;
  readonly #audience: string | string[] | undefined;

  /**
   * @param config - the `custom-token` provider settings
   * @param appId - the app's id: with a JWK URI and no audience configured, a token's `aud` must
   * hold it (App Services' default), since a published key set may sign tokens for many apps
   */
  constructor(config: CustomTokenConfig, appId?: string) {
    this.#config = config;
    this.#remote = config.jwkUri === undefined ? undefined : remoteKeys(config.jwkUri);
    this.#audience = config.audience ?? (config.jwkUri === undefined ? undefined : appId);
  }

  /** The keys; one that cannot be imported is left out (all of them: every token is refused). */
  async #loadKeys(): Promise<Key[]> {
    const { algorithm, secret, publicKey } = this.#config;
    if (algorithm === "HS256") return list(secret).map((s) => new TextEncoder().encode(s));
    const settled = await Promise.allSettled(
      list(publicKey).map((k) => (typeof k === "string" ? importSPKI(k, "RS256") : importJWK(k as JWK, "RS256"))),
    );
    const keys = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const failed = settled.find((r) => r.status === "rejected");
    if (keys.length === 0)
      throw new Error(`no public key could be read: ${(failed?.reason as Error | undefined)?.message ?? "none given"}`);
    return keys;
  }

  /** The payload, if the token is signed by one of the keys and its claims hold. */
  async #verified(token: string): Promise<JWTPayload> {
    const options = {
      algorithms: [this.#config.algorithm],
      // A token without `exp` would be valid forever: refuse it.
      requiredClaims: ["exp"],
      ...(this.#audience === undefined ? {} : { audience: this.#audience }),
    };
    if (this.#remote !== undefined) return (await jwtVerify(token, this.#remote, options)).payload;
    this.#keys ??= this.#loadKeys();
    const keys = await this.#keys;
    for (const [i, key] of keys.entries()) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (err) {
        // another key may have signed it; any other failure (expiry, audience) is the token's
        if (!(err instanceof errors.JWSSignatureVerificationFailed) || i === keys.length - 1) throw err;
      }
    }
    throw new Error("no signing key");
  }

  /**
   * Verifies a token and returns the identity it names.
   * @throws ServerError 401 `AuthError` if the token is invalid, signed by none of the keys (or the
   * JWK URI cannot be read within 5 s), expired or without `exp`, for another
   * audience (or without one of several, unless `requireAnyAudience`), has no `sub`, or lacks a
   * required metadata field.
   */
  async verify(token: string): Promise<Identity> {
    let payload: Record<string, unknown>;
    try {
      payload = await this.#verified(token);
    } catch (err) {
      throw new ServerError(401, "AuthError", `invalid custom auth token: ${(err as Error).message}`);
    }
    const audience = this.#audience;
    const { requireAnyAudience } = this.#config;
    if (Array.isArray(audience) && requireAnyAudience !== true) {
      // jose accepted one of them; App Services' `requireAnyAudience: false` wants every one
      const aud = payload["aud"];
      const got = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud : [];
      const missing = audience.filter((a) => !got.includes(a));
      if (missing.length > 0) throw new ServerError(401, "AuthError", `invalid custom auth token: missing audience ${missing.join(", ")}`);
    }
    const sub = payload["sub"];
    if (typeof sub !== "string" || sub === "") throw new ServerError(401, "AuthError", "invalid custom auth token: missing 'sub'");
    return { id: sub, providerType: "custom-token", data: this.#metadata(payload) };
  }

  #metadata(payload: Record<string, unknown>): Record<string, unknown> {
    const data: Record<string, unknown> = {};
    for (const field of this.#config.metadataFields) {
      // a dotted path; `\.` is a dot inside a claim's name (`http://example\.com/id`), as App Services reads it
      const path = field.name.split(/(?<!\\)\./).map((k) => k.replace(/\\\./g, "."));
      const value = path.reduce<unknown>(
        (v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
        payload,
      );
      if (value === undefined) {
        if (field.required)
          throw new ServerError(401, "AuthError", `invalid custom auth token: missing required metadata field '${field.name}'`);
        continue;
      }
      data[field.fieldName ?? path.at(-1) ?? field.name] = value;
    }
    return data;
  }
}
