/**
 * ID token logins of the Google (OpenID Connect) and Apple providers: `{id_token}` from Google
 * Identity Services or Sign in with Apple, verified with the keys the provider publishes, for the
 * app's client id. The identity is the token's `sub`, so a user is the same however they log in.
 * @packageDocumentation
 */
import { jwtVerify, type JWTVerifyGetKey } from "jose";
import type { IdTokenProviderType, OAuthProviderConfig } from "../config.js";
import { ServerError } from "../contracts.js";
import { remoteKeys } from "./jwks.js";
import type { Identity } from "./users.js";

/** Each provider's published signing keys and the issuers of its tokens. */
export const ID_TOKEN_ISSUERS: Record<IdTokenProviderType, { keys: string; issuers: string[] }> = {
  "oauth2-google": { keys: "https://www.googleapis.com/oauth2/v3/certs", issuers: ["https://accounts.google.com", "accounts.google.com"] },
  "oauth2-apple": { keys: "https://appleid.apple.com/auth/keys", issuers: ["https://appleid.apple.com"] },
};

/** Verifies one provider's ID tokens. */
export class IdTokenVerifier {
  readonly #provider: IdTokenProviderType;
  readonly #clientId: string;
  readonly #domains: string[];
  readonly #keys: JWTVerifyGetKey;

  /**
   * @param provider - the provider type
   * @param config - its settings (`clientId` is the tokens' audience)
   * @param keysUrl - where its keys are published, if not at its public address
   */
  constructor(provider: IdTokenProviderType, config: OAuthProviderConfig & { clientId: string }, keysUrl?: string) {
    this.#provider = provider;
    this.#clientId = config.clientId;
    this.#domains = (config.domainRestrictions ?? []).map((d) => d.toLowerCase());
    this.#keys = remoteKeys(keysUrl ?? ID_TOKEN_ISSUERS[provider].keys);
  }

  /**
   * Verifies an ID token and returns the identity it names.
   * @throws ServerError 401 `AuthError` for a token that is malformed, not signed by the provider's
   * keys (or the keys cannot be read within 5 s), expired, from another issuer, for another client
   * id, without `sub`, or (with domain restrictions) without a verified email in an allowed domain
   */
  async verify(token: string): Promise<Identity> {
    const name = this.#provider.slice("oauth2-".length);
    let payload: Record<string, unknown>;
    try {
      const result = await jwtVerify(token, this.#keys, {
        algorithms: ["RS256", "ES256"],
        issuer: ID_TOKEN_ISSUERS[this.#provider].issuers,
        audience: this.#clientId,
        requiredClaims: ["exp", "sub"],
      });
      payload = result.payload;
    } catch (err) {
      throw new ServerError(401, "AuthError", `invalid ${name} ID token: ${(err as Error).message}`);
    }
    const sub = payload["sub"];
    if (typeof sub !== "string" || sub === "") throw new ServerError(401, "AuthError", `invalid ${name} ID token: missing 'sub'`);
    if (this.#domains.length > 0) this.#checkDomain(payload, name);
    return { id: sub, providerType: this.#provider, data: {} };
  }

  #checkDomain(payload: Record<string, unknown>, name: string): void {
    const email = payload["email"];
    const verified = payload["email_verified"];
    const at = typeof email === "string" ? email.lastIndexOf("@") : -1;
    const domain = typeof email === "string" && at > 0 ? email.slice(at + 1).toLowerCase() : "";
    if (domain === "" || (verified !== true && verified !== "true") || !this.#domains.includes(domain)) {
      throw new ServerError(401, "AuthError", `${name} login refused: the account's verified email is not in an allowed domain`);
    }
  }
}
