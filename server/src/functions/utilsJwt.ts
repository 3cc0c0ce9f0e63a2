/**
 * `utils.jwt` of functions: JSON Web Tokens (JWS compact form) signed with HS, RS, PS or ES 256/384/512,
 * as the App Services docs describe them (source/functions/globals.txt). Signs and verifies with
 * `node:crypto`, synchronously like App Services (jose's sign and verify are asynchronous only).
 * @packageDocumentation
 */
import { EJSON } from "bson";
import { constants, createHmac, createPrivateKey, createPublicKey, sign, timingSafeEqual, verify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { requireOneOf, requireString } from "./utilsCrypto.js";

/** A JOSE header or a claims object. */
export type JwtObject = Record<string, unknown>;

/** What `utils.jwt.decode` returns when `returnHeader` is true. */
export interface JwtDecoded {
  /** The JOSE header. */
  header: JwtObject;
  /** The claims, parsed as relaxed EJSON. */
  payload: JwtObject;
}

/** The signing methods App Services documents (ES512 is ECDSA with P-521, as in RFC 7518). */
export const JWT_SIGNING_METHODS = [
  "HS256",
  "HS384",
  "HS512",
  "RS256",
  "RS384",
  "RS512",
  "ES256",
  "ES384",
  "ES512",
  "PS256",
  "PS384",
  "PS512",
] as const;

/** One of {@link JWT_SIGNING_METHODS}. */
export type JwtSigningMethod = (typeof JWT_SIGNING_METHODS)[number];

/**
 * `utils.jwt` as functions see it. Both methods are synchronous.
 * Errors: a `TypeError` for an argument of the wrong type, an `Error` for an unsupported signing
 * method, an unusable key, a malformed token or a signature that does not verify.
 */
export interface FunctionJwt {
  /**
   * Signs `payload` (serialized as relaxed EJSON, i.e. plain JSON for plain values) into a JWT with the
   * header `{alg, typ: "JWT", ...customHeaderFields}`. `secret` is the HMAC secret (UTF-8) for HS*, a PEM
   * private key (PKCS#8, or PKCS#1 for RSA) for RS*, PS* and ES*.
   * @returns the token, `header.payload.signature` in base64url
   * @throws TypeError for an argument of the wrong type; Error for an unsupported signing method, a key
   * that does not fit it, or a `customHeaderFields.alg` other than `signingMethod`
   */
  encode(signingMethod: string, payload: object, secret: string, customHeaderFields?: object): string;
  /**
   * Verifies `jwtString` with `key` (the HMAC secret, or the PEM public key) and the algorithm of its
   * header, which must be in `acceptedSigningMethods` when given. Time claims (`exp`, `nbf`) are not
   * checked: the docs do not say App Services does.
   * @returns the claims (parsed as relaxed EJSON), or `{header, payload}` when `returnHeader` is true
   * @throws TypeError for an argument of the wrong type; Error for a malformed token, an unsupported or
   * unaccepted `alg`, a `crit` header, an unusable key or an invalid signature
   */
  decode(jwtString: string, key: string, returnHeader?: false, acceptedSigningMethods?: readonly string[]): JwtObject;
  decode(jwtString: string, key: string, returnHeader: true, acceptedSigningMethods?: readonly string[]): JwtDecoded;
  decode(jwtString: string, key: string, returnHeader?: boolean, acceptedSigningMethods?: readonly string[]): JwtObject | JwtDecoded;
}

interface Method {
  family: "HS" | "RS" | "PS" | "ES";
  hash: "sha256" | "sha384" | "sha512";
  curve?: string;
}

function methodOf(alg: JwtSigningMethod): Method {
  const hash = alg.endsWith("256") ? "sha256" : alg.endsWith("384") ? "sha384" : "sha512";
  if (alg.startsWith("HS")) return { family: "HS", hash };
  if (alg.startsWith("RS")) return { family: "RS", hash };
  if (alg.startsWith("PS")) return { family: "PS", hash };
  return { family: "ES", hash, curve: { sha256: "prime256v1", sha384: "secp384r1", sha512: "secp521r1" }[hash] };
}

function isObject(value: unknown): value is JwtObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireObject(where: string, name: string, value: unknown): JwtObject {
  if (!isObject(value)) throw new TypeError(`${where}: ${name} must be an object`);
  return value;
}

/** HMAC of `input` keyed with `secret` (UTF-8); a PEM key is refused, against the RS/HS algorithm confusion attack. */
function hmac(where: string, alg: JwtSigningMethod, input: string, secret: string): Buffer {
  if (secret.includes("-----BEGIN ")) throw new Error(`${where}: ${alg} needs an HMAC secret, not a PEM key`);
  return createHmac(methodOf(alg).hash, Buffer.from(secret, "utf8")).update(input).digest();
}

function asymmetricKey(where: string, alg: JwtSigningMethod, pem: string, parse: (pem: string) => KeyObject): KeyObject {
  let key: KeyObject;
  try {
    key = parse(pem);
  } catch (err) {
    throw new Error(`${where}: ${alg} needs a PEM key`, { cause: err });
  }
  const { family, curve } = methodOf(alg);
  const type = key.asymmetricKeyType;
  const fits =
    family === "ES"
      ? type === "ec" && key.asymmetricKeyDetails?.namedCurve === curve
      : type === "rsa" || (family === "PS" && type === "rsa-pss");
  if (!fits) throw new Error(`${where}: the key (${type ?? "?"}) does not fit ${alg}`);
  return key;
}

function signOptions({ family }: Method): { padding?: number; saltLength?: number; dsaEncoding?: "ieee-p1363" } {
  if (family === "RS") return { padding: constants.RSA_PKCS1_PADDING };
  if (family === "PS") return { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  return { dsaEncoding: "ieee-p1363" };
}

function signature(where: string, alg: JwtSigningMethod, input: string, secret: string): Buffer {
  const method = methodOf(alg);
  if (method.family === "HS") return hmac(where, alg, input, secret);
  const key = asymmetricKey(where, alg, secret, createPrivateKey);
  return sign(method.hash, Buffer.from(input), { key, ...signOptions(method) });
}

function verifies(where: string, alg: JwtSigningMethod, input: string, sig: Buffer, keyText: string): boolean {
  const method = methodOf(alg);
  if (method.family === "HS") {
    const expected = hmac(where, alg, input, keyText);
    return expected.length === sig.length && timingSafeEqual(expected, sig);
  }
  const key = asymmetricKey(where, alg, keyText, createPublicKey);
  try {
    return verify(method.hash, Buffer.from(input), { key, ...signOptions(method) }, sig);
  } catch {
    return false; // a signature OpenSSL cannot even parse
  }
}

function encode(signingMethod: unknown, payload: unknown, secret: unknown, customHeaderFields?: unknown): string {
  const where = "utils.jwt.encode";
  const alg = requireOneOf(where, "signingMethod", signingMethod, JWT_SIGNING_METHODS);
  const claims = requireObject(where, "payload", payload);
  const secretText = requireString(where, "secret", secret);
  const extra =
    customHeaderFields === undefined || customHeaderFields === null ? {} : requireObject(where, "customHeaderFields", customHeaderFields);
  if ("alg" in extra && extra.alg !== alg) throw new Error(`${where}: customHeaderFields.alg must be the signingMethod ${alg} if given`);
  const header = Buffer.from(JSON.stringify({ alg, typ: "JWT", ...extra })).toString("base64url");
  const input = `${header}.${Buffer.from(EJSON.stringify(claims, { relaxed: true })).toString("base64url")}`;
  return `${input}.${signature(where, alg, input, secretText).toString("base64url")}`;
}

function parsePart(where: string, name: string, part: string, parse: (text: string) => unknown): JwtObject {
  let value: unknown;
  try {
    value = parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch (err) {
    throw new Error(`${where}: the token's ${name} is not valid JSON`, { cause: err });
  }
  if (!isObject(value)) throw new Error(`${where}: the token's ${name} is not a JSON object`);
  return value;
}

function acceptedMethods(where: string, value: unknown): readonly string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((m): m is string => typeof m === "string")) {
    throw new TypeError(`${where}: acceptedSigningMethods must be an array of strings`);
  }
  return value;
}

function decode(jwtString: string, key: string, returnHeader?: false, acceptedSigningMethods?: readonly string[]): JwtObject;
function decode(jwtString: string, key: string, returnHeader: true, acceptedSigningMethods?: readonly string[]): JwtDecoded;
function decode(jwtString: string, key: string, returnHeader?: boolean, acceptedSigningMethods?: readonly string[]): JwtObject | JwtDecoded;
function decode(jwtString: unknown, key: unknown, returnHeader?: unknown, acceptedSigningMethods?: unknown): JwtObject | JwtDecoded {
  const where = "utils.jwt.decode";
  const token = requireString(where, "jwtString", jwtString);
  const keyText = requireString(where, "key", key);
  if (returnHeader !== undefined && typeof returnHeader !== "boolean") throw new TypeError(`${where}: returnHeader must be a boolean`);
  const accepted = acceptedMethods(where, acceptedSigningMethods);
  const parts = token.split(".");
  const [head, body, sig] = parts;
  if (parts.length !== 3 || head === undefined || body === undefined || sig === undefined || !parts.every((p) => /^[\w-]+$/.test(p))) {
    throw new Error(`${where}: jwtString is not a signed JWT (three base64url parts)`);
  }
  const header = parsePart(where, "header", head, JSON.parse);
  const alg = requireOneOf(where, "alg (token header)", header.alg, JWT_SIGNING_METHODS);
  if (accepted !== undefined && !accepted.includes(alg)) {
    throw new Error(`${where}: the token's alg ${alg} is not in acceptedSigningMethods`);
  }
  if (header.crit !== undefined) throw new Error(`${where}: the token's crit header names extensions this server does not support`);
  if (!verifies(where, alg, `${head}.${body}`, Buffer.from(sig, "base64url"), keyText)) throw new Error(`${where}: invalid signature`);
  const payload = parsePart(where, "payload", body, (text) => EJSON.parse(text, { relaxed: true }) as unknown);
  return returnHeader === true ? { header, payload } : payload;
}

/**
 * Creates `utils.jwt`.
 * @returns the methods, each throwing as {@link FunctionJwt} says
 */
export function createUtilsJwt(): FunctionJwt {
  return Object.freeze({ encode, decode });
}
