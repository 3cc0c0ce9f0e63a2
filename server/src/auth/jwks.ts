/**
 * Signing keys published at a URL (a JWK Set, or one JWK), for the custom JWT provider's `jwkURI`
 * and for Google's and Apple's ID tokens. jose fetches, caches and refreshes them: a token whose
 * `kid` is unknown refetches the set (at most every 30 s), and a fetch has a deadline.
 * @packageDocumentation
 */
import { createRemoteJWKSet, customFetch, errors, type FetchImplementation, type JWTVerifyGetKey } from "jose";

/** How long a fetch of the keys may take. */
export const KEY_FETCH_TIMEOUT_MS = 5_000;
/** Most bytes a key document may have (a JWK Set of a few keys is a few KB). */
const MAX_KEY_DOCUMENT_BYTES = 256 * 1024;

/** A JWK Set; App Services also accepts one JWK, which is read as a set of one. */
const asKeySet: FetchImplementation = async (url, options) => {
  const response = await fetch(url, options);
  if (!response.ok) return response;
  const text = await response.text();
  if (text.length > MAX_KEY_DOCUMENT_BYTES) throw new Error(`the key document at ${url} is over ${MAX_KEY_DOCUMENT_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`the key document at ${url} is not JSON`);
  }
  const single = body !== null && typeof body === "object" && !("keys" in body) && "kty" in body;
  return new Response(JSON.stringify(single ? { keys: [body] } : body), {
    status: 200,
    headers: { "content-type": "application/json" },
  });
};

/**
 * The keys published at `url`, for `jwtVerify`.
 * @param url - an http(s) URL serving a JWK Set or one JWK
 * @param timeoutMs - the deadline of a fetch
 * @returns a key getter that fetches lazily, on the first token; it rejects with an Error naming
 * the URL when the keys cannot be read in time, and with jose's `JWKSNoMatchingKey` for a token
 * whose key is not among them
 */
export function remoteKeys(url: string, timeoutMs = KEY_FETCH_TIMEOUT_MS): JWTVerifyGetKey {
  const keys = createRemoteJWKSet(new URL(url), { timeoutDuration: timeoutMs, [customFetch]: asKeySet });
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (err) {
      // a token whose key is not in the set is the token's fault; anything else, the URL's
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      throw new Error(`cannot read the signing keys at ${url}: ${(err as Error).message}`, { cause: err });
    }
  };
}
