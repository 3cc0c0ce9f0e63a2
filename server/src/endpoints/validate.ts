/**
 * The built-in request validation of HTTPS endpoints: the `secret` query parameter, or the
 * `Endpoint-Signature: sha256=<hex>` header, an HMAC-SHA256 of the request's body bytes with the
 * endpoint's secret (App Services' documented example, body `{ "message": "Hello!" }` and secret
 * `Super5ecr3tPa55w0rd`, verifies). Comparisons take the same time whatever the input.
 * @packageDocumentation
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { ServerError } from "../contracts.js";
import type { EndpointValidation } from "./types.js";

/** What the validation reads of a request. */
export interface ValidatedParts {
  /** The first `secret` query parameter, if any. */
  secret: string | undefined;
  /** The `Endpoint-Signature` header, if any. */
  signature: string | undefined;
  /** The body bytes (empty without a body). */
  body: Uint8Array;
}

function refused(message: string): ServerError {
  return new ServerError(401, "Unauthorized", message);
}

/** Equal strings, compared through their SHA-256 digests in constant time. */
function sameText(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/**
 * Checks a request against its endpoint's validation.
 * @param validation - the endpoint's
 * @param parts - the request's secret parameter, signature header and body
 * @throws ServerError 401 `Unauthorized` when the secret or signature is missing or wrong, or the
 * endpoint's secret was not provided to the server
 */
export function checkValidation(validation: EndpointValidation, parts: ValidatedParts): void {
  if (validation.kind === "NO_VALIDATION") return;
  const { secret } = validation;
  if (secret === undefined) throw refused(`the endpoint's secret ${validation.secretName} was not provided to this server`);
  if (validation.kind === "SECRET_AS_QUERY_PARAM") {
    if (parts.secret === undefined || !sameText(parts.secret, secret)) throw refused("invalid or missing secret query parameter");
    return;
  }
  const match = parts.signature === undefined ? null : /^sha256=([0-9a-fA-F]{64})$/.exec(parts.signature.trim());
  if (match?.[1] === undefined)
    throw refused("missing or malformed Endpoint-Signature header (expected sha256=<hex HMAC-SHA256 of the body>)");
  const expected = createHmac("sha256", secret).update(parts.body).digest();
  if (!timingSafeEqual(Buffer.from(match[1], "hex"), expected)) throw refused("the Endpoint-Signature does not match the body");
}
