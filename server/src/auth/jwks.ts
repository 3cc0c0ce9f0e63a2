/**
 * Signing keys published at a URL (a JWK Set, or one JWK), for the custom JWT provider's `jwkURI`
 * and for Google's and Apple's ID tokens. jose fetches, caches and refreshes them: a token whose
 * `kid` is unknown refetches the set (at most every 30 s), and a fetch has a deadline. A fetch
 * that failed is not tried again for a few seconds, so that failing logins cannot make the server
 * fetch the URL once each.
 * @packageDocumentation
 */
import { createRemoteJWKSet, customFetch, errors, type FetchImplementation, type JWTVerifyGetKey } from "jose";

/** How long a fetch of the keys may take (reading the body included). */
export const KEY_FETCH_TIMEOUT_MS = 5_000;
/** How long logins fail at once after a fetch failed, before the next fetch. */
export const KEY_FETCH_RETRY_MS = 5_000;
/** Most bytes a key document may have (a JWK Set of a few keys is a few KB). */
export const MAX_KEY_DOCUMENT_BYTES = 256 * 1024;

/** The body of a response, refused past `MAX_KEY_DOCUMENT_BYTES` without reading the rest. */
async function boundedText(response: Response, url: string): Promise<string> {
  const tooLarge = new Error(`the key document at ${url} is over ${MAX_KEY_DOCUMENT_BYTES} bytes`);
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > MAX_KEY_DOCUMENT_BYTES) {
    await response.body?.cancel();
    throw tooLarge;
  }
  const reader = response.body?.getReader();
  if (reader === undefined) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_KEY_DOCUMENT_BYTES) {
      await reader.cancel();
      throw tooLarge;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A JWK Set; App Services also accepts one JWK, which is read as a set of one. */
const asKeySet: FetchImplementation = async (url, options) => {
  const response = await fetch(url, options);
  if (response.status !== 200) {
    // jose refuses it; the connection is not held for an unread body
    await response.body?.cancel();
    return new Response(null, { status: response.status });
  }
  const text = await boundedText(response, url);
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
 * @param retryMs - how long after a failed fetch tokens are refused without fetching
 * @returns a key getter that fetches lazily, on the first token; it rejects with an Error naming
 * the URL when the keys cannot be read in time (or a fetch failed less than `retryMs` ago), and
 * with jose's `JWKSNoMatchingKey` (or `JWKSMultipleMatchingKeys`) for a token whose key is not
 * among them (or is ambiguous)
 */
export function remoteKeys(url: string, timeoutMs = KEY_FETCH_TIMEOUT_MS, retryMs = KEY_FETCH_RETRY_MS): JWTVerifyGetKey {
  const keys = createRemoteJWKSet(new URL(url), { timeoutDuration: timeoutMs, [customFetch]: asKeySet });
  let failure: { error: Error; until: number } | undefined;
  return async (header, token) => {
    if (failure !== undefined && Date.now() < failure.until) throw failure.error;
    try {
      return await keys(header, token);
    } catch (err) {
      // a token whose key is not in the set is the token's fault; anything else, the URL's
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      const error = new Error(`cannot read the signing keys at ${url}: ${(err as Error).message}`, { cause: err });
      failure = { error, until: Date.now() + retryMs };
      throw error;
    }
  };
}
