/**
 * `utils.crypto` of functions: AES encryption, RSA signatures, HMAC and hashes, as the App Services
 * docs describe them (source/functions/globals.txt), on `node:crypto`. Synchronous, like App Services.
 * Arguments are checked at run time: functions are untyped JavaScript.
 * @packageDocumentation
 */
import { Binary } from "bson";
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign as cryptoSign,
  verify as cryptoVerify,
} from "node:crypto";
import type { CipherGCMTypes, KeyObject } from "node:crypto";

/**
 * `utils.crypto` as functions see it. Every method is synchronous.
 * Errors: a `TypeError` for an argument of the wrong type, an `Error` naming the value for an
 * unsupported algorithm, scheme, format or key.
 */
export interface FunctionCrypto {
  /**
   * Encrypts `message` (UTF-8) with AES-GCM. The key is the UTF-8 bytes of `key`: 16, 24 or 32 bytes
   * select AES-128, -192 or -256.
   * @returns a `BSON.Binary` of a random 12-byte nonce, the ciphertext and the 16-byte tag, in this order
   * @throws TypeError if `message` or `key` is not a string; Error if `encryptionType` is not `"aes"` or the key length is wrong
   */
  encrypt(encryptionType: string, message: string, key: string): Binary;
  /**
   * Decrypts what {@link FunctionCrypto.encrypt} produced (nonce, ciphertext, tag).
   * @returns a `BSON.Binary` of the original message's bytes
   * @throws TypeError if `encryptedMessage` is not a `BSON.Binary`; Error as for `encrypt`, or if the
   * message is too short or fails authentication (wrong key, altered message)
   */
  decrypt(encryptionType: string, encryptedMessage: Binary, key: string): Binary;
  /**
   * Signs `message` (UTF-8) with SHA-256 and an RSA private key (PEM, PKCS#1 or PKCS#8); scheme
   * `"pss"` (default, maximum salt length) or `"pkcs1v15"`.
   * @returns the signature as a `BSON.Binary`
   * @throws TypeError for a non-string argument; Error if `encryptionType` is not `"rsa"`, the scheme is
   * unknown or the key is not a PEM RSA private key
   */
  sign(encryptionType: string, message: string, privateKey: string, signatureScheme?: string): Binary;
  /**
   * Verifies a signature made by {@link FunctionCrypto.sign} (or any RSA SHA-256 signature of that
   * scheme; PSS with any salt length) with an RSA public key (PEM, PKCS#1 or SPKI).
   * @returns true if the signature is valid for `message` and `publicKey`, false otherwise
   * @throws TypeError if `signature` is not a `BSON.Binary` or a string argument is not a string;
   * Error as for `sign`
   */
  verify(encryptionType: string, message: string, publicKey: string, signature: Binary, signatureScheme?: string): boolean;
  /**
   * HMAC of `input` keyed with `secret` (both UTF-8), with `"sha1"`, `"sha256"` or `"sha512"`.
   * @returns the HMAC as a `"hex"` or `"base64"` string
   * @throws TypeError for a non-string argument; Error for another hash function or output format
   */
  hmac(input: string, secret: string, hashFunction: string, outputFormat: string): string;
  /**
   * Hash of `input` (a string, hashed as UTF-8, or a `BSON.Binary`) with `"sha1"`, `"sha256"` or `"md5"`.
   * @returns the digest as a `BSON.Binary`
   * @throws TypeError if `input` is neither a string nor a `BSON.Binary`; Error for another hash function
   */
  hash(hashFunction: string, input: string | Binary): Binary;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SIGNATURE_HASH = "sha256";
const AES_BY_KEY_LENGTH = new Map<number, CipherGCMTypes>([
  [16, "aes-128-gcm"],
  [24, "aes-192-gcm"],
  [32, "aes-256-gcm"],
]);

/**
 * @param where - the method, for the message (e.g. `"utils.crypto.hash"`)
 * @param name - the parameter, for the message
 * @param value - the argument
 * @returns `value`, a string
 * @throws TypeError if `value` is not a string
 */
export function requireString(where: string, name: string, value: unknown): string {
  if (typeof value !== "string") throw new TypeError(`${where}: ${name} must be a string, got ${describe(value)}`);
  return value;
}

/**
 * @param where - the method, for the message
 * @param name - the parameter, for the message
 * @param value - the argument
 * @param allowed - the supported values
 * @returns `value`, one of `allowed`
 * @throws TypeError if `value` is not a string; Error naming it and `allowed` if it is not one of them
 */
export function requireOneOf<T extends string>(where: string, name: string, value: unknown, allowed: readonly T[]): T {
  const text = requireString(where, name, value);
  const found = allowed.find((a) => a === text);
  if (found === undefined) {
    const list = allowed.map((a) => JSON.stringify(a)).join(", ");
    throw new Error(`${where}: unsupported ${name} ${JSON.stringify(text)} (supported: ${list})`);
  }
  return found;
}

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

function binaryBytes(where: string, name: string, value: unknown): Uint8Array {
  if (!(value instanceof Binary)) throw new TypeError(`${where}: ${name} must be a BSON.Binary, got ${describe(value)}`);
  return value.value();
}

function toBinary(bytes: Uint8Array): Binary {
  return new Binary(bytes, Binary.SUBTYPE_DEFAULT);
}

function aesKey(where: string, key: unknown): { algorithm: CipherGCMTypes; bytes: Buffer } {
  const bytes = Buffer.from(requireString(where, "key", key), "utf8");
  const algorithm = AES_BY_KEY_LENGTH.get(bytes.length);
  if (algorithm === undefined) throw new Error(`${where}: an AES key must be 16, 24 or 32 bytes (as UTF-8), got ${bytes.length}`);
  return { algorithm, bytes };
}

function encrypt(encryptionType: unknown, message: unknown, key: unknown): Binary {
  const where = "utils.crypto.encrypt";
  requireOneOf(where, "encryptionType", encryptionType, ["aes"]);
  const text = requireString(where, "message", message);
  const { algorithm, bytes } = aesKey(where, key);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(algorithm, bytes, nonce, { authTagLength: TAG_BYTES });
  const body = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
  return toBinary(Buffer.concat([nonce, body, cipher.getAuthTag()]));
}

function decrypt(encryptionType: unknown, encryptedMessage: unknown, key: unknown): Binary {
  const where = "utils.crypto.decrypt";
  requireOneOf(where, "encryptionType", encryptionType, ["aes"]);
  const data = binaryBytes(where, "encryptedMessage", encryptedMessage);
  const { algorithm, bytes } = aesKey(where, key);
  if (data.length < NONCE_BYTES + TAG_BYTES) throw new Error(`${where}: encryptedMessage is too short to be an AES-GCM message`);
  const decipher = createDecipheriv(algorithm, bytes, data.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  const head = decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES));
  try {
    return toBinary(Buffer.concat([head, decipher.final()]));
  } catch (err) {
    throw new Error(`${where}: authentication failed (wrong key, or a message that was altered or not made by encrypt)`, { cause: err });
  }
}

function rsaKey(where: string, name: string, pem: unknown, parse: (pem: string) => KeyObject): KeyObject {
  const text = requireString(where, name, pem);
  let key: KeyObject;
  try {
    key = parse(text);
  } catch (err) {
    throw new Error(`${where}: ${name} is not a PEM RSA key`, { cause: err });
  }
  if (key.asymmetricKeyType !== "rsa") throw new Error(`${where}: ${name} must be an RSA key, got ${key.asymmetricKeyType ?? "none"}`);
  return key;
}

function padding(where: string, scheme: unknown, signing: boolean): { padding: number; saltLength?: number } {
  if (requireOneOf(where, "signatureScheme", scheme, ["pss", "pkcs1v15"]) === "pkcs1v15") return { padding: constants.RSA_PKCS1_PADDING };
  const saltLength = signing ? constants.RSA_PSS_SALTLEN_MAX_SIGN : constants.RSA_PSS_SALTLEN_AUTO;
  return { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength };
}

function sign(encryptionType: unknown, message: unknown, privateKey: unknown, signatureScheme: unknown = "pss"): Binary {
  const where = "utils.crypto.sign";
  requireOneOf(where, "encryptionType", encryptionType, ["rsa"]);
  const data = Buffer.from(requireString(where, "message", message), "utf8");
  const options = padding(where, signatureScheme, true);
  const key = rsaKey(where, "privateKey", privateKey, createPrivateKey);
  return toBinary(cryptoSign(SIGNATURE_HASH, data, { key, ...options }));
}

function verify(
  encryptionType: unknown,
  message: unknown,
  publicKey: unknown,
  signature: unknown,
  signatureScheme: unknown = "pss",
): boolean {
  const where = "utils.crypto.verify";
  requireOneOf(where, "encryptionType", encryptionType, ["rsa"]);
  const data = Buffer.from(requireString(where, "message", message), "utf8");
  const sig = binaryBytes(where, "signature", signature);
  const options = padding(where, signatureScheme, false);
  const key = rsaKey(where, "publicKey", publicKey, createPublicKey);
  return cryptoVerify(SIGNATURE_HASH, data, { key, ...options }, sig);
}

function hmac(input: unknown, secret: unknown, hashFunction: unknown, outputFormat: unknown): string {
  const where = "utils.crypto.hmac";
  const text = requireString(where, "input", input);
  const key = requireString(where, "secret", secret);
  const algorithm = requireOneOf(where, "hash_function", hashFunction, ["sha1", "sha256", "sha512"]);
  const format = requireOneOf(where, "output_format", outputFormat, ["hex", "base64"]);
  return createHmac(algorithm, key).update(text, "utf8").digest(format);
}

function hash(hashFunction: unknown, input: unknown): Binary {
  const where = "utils.crypto.hash";
  const algorithm = requireOneOf(where, "hash_function", hashFunction, ["sha1", "sha256", "md5"]);
  if (typeof input !== "string" && !(input instanceof Binary)) {
    throw new TypeError(`${where}: input must be a string or a BSON.Binary, got ${describe(input)}`);
  }
  const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : input.value();
  return toBinary(createHash(algorithm).update(bytes).digest());
}

/**
 * Creates `utils.crypto`.
 * @returns the methods, each throwing as {@link FunctionCrypto} says
 */
export function createUtilsCrypto(): FunctionCrypto {
  return Object.freeze({ encrypt, decrypt, sign, verify, hmac, hash });
}
