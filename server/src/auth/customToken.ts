/**
 * The custom JWT provider: verifies a third-party JWT (HS256 secret or RS256 public key, PEM or JWK)
 * and maps its `sub` and metadata claims to an identity.
 * @packageDocumentation
 */
import { importJWK, importSPKI, jwtVerify, type JWK } from "jose";
import type { CustomTokenConfig } from "../config.js";
import { ServerError } from "../contracts.js";
import type { Identity } from "./users.js";

type Key = Awaited<ReturnType<typeof importSPKI>> | Uint8Array;

/** Verifies custom JWTs with the configured key. */
export class CustomTokenVerifier {
  readonly #config: CustomTokenConfig;
  #key: Promise<Key> | undefined;

  /** @param config - the `custom-token` provider settings */
  constructor(config: CustomTokenConfig) {
    this.#config = config;
  }

  #loadKey(): Promise<Key> {
    const { algorithm, secret, publicKey } = this.#config;
    if (algorithm === "HS256") return Promise.resolve(new TextEncoder().encode(secret ?? ""));
    if (typeof publicKey === "string") return importSPKI(publicKey, "RS256");
    return importJWK(publicKey as JWK, "RS256");
  }

  /**
   * Verifies a token and returns the identity it names.
   * @throws ServerError 401 `AuthError` if the token is invalid, expired or without `exp`, for another
   * audience (or without one of several, unless `requireAnyAudience`), has no `sub`, or lacks a
   * required metadata field.
   */
  async verify(token: string): Promise<Identity> {
    this.#key ??= this.#loadKey();
    let payload: Record<string, unknown>;
    try {
      const options = this.#config.audience === undefined ? {} : { audience: this.#config.audience };
      // A token without `exp` would be valid forever: refuse it.
      const result = await jwtVerify(token, await this.#key, { algorithms: [this.#config.algorithm], requiredClaims: ["exp"], ...options });
      payload = result.payload;
    } catch (err) {
      throw new ServerError(401, "AuthError", `invalid custom auth token: ${(err as Error).message}`);
    }
    const { audience, requireAnyAudience } = this.#config;
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
