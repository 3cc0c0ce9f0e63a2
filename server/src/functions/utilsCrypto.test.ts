import { Binary } from "bson";
import {
  constants,
  createCipheriv,
  createDecipheriv,
  generateKeyPairSync,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
} from "node:crypto";
import type { CipherGCMTypes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { createUtilsCrypto } from "./utilsCrypto.js";

const crypto = createUtilsCrypto();
const hex = (b: Binary): string => Buffer.from(b.value()).toString("hex");
const bin = (bytes: Uint8Array): Binary => new Binary(bytes);

describe("utils.crypto.hash", () => {
  test.each([
    ["sha256", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"], // FIPS 180-2
    ["sha1", "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"], // FIPS 180-2
    ["md5", "abc", "900150983cd24fb0d6963f7d28e17f72"], // RFC 1321
    ["md5", "", "d41d8cd98f00b204e9800998ecf8427e"], // RFC 1321
  ])("%s(%j) is the known digest, as a BSON.Binary", (fn, input, digest) => {
    const out = crypto.hash(fn, input);
    expect(out).toBeInstanceOf(Binary);
    expect(out.sub_type).toBe(Binary.SUBTYPE_DEFAULT);
    expect(hex(out)).toBe(digest);
    expect(hex(crypto.hash(fn, bin(Buffer.from(input))))).toBe(digest);
  });

  test("the docs' example", () => {
    expect(crypto.hash("sha256", "hello!").toString("base64")).toBe("zgYJL7lI2f+sfRo3bkBLJrdXW8wR7gWkYV/vT+w6MIs=");
  });

  test("hashes strings as UTF-8", () => {
    expect(hex(crypto.hash("sha256", "é"))).toBe(hex(crypto.hash("sha256", bin(Buffer.from([0xc3, 0xa9])))));
  });

  test("refuses undocumented functions and other inputs", () => {
    expect(() => crypto.hash("sha512", "x")).toThrow(
      'utils.crypto.hash: unsupported hash_function "sha512" (supported: "sha1", "sha256", "md5")',
    );
    expect(() => crypto.hash("sha256", 42 as unknown as string)).toThrow(TypeError);
    expect(() => crypto.hash("sha256", new Uint8Array(2) as unknown as string)).toThrow("input must be a string or a BSON.Binary");
  });
});

describe("utils.crypto.hmac", () => {
  const key1 = "\x0b".repeat(20);
  test.each([
    ["Hi There", key1, "sha256", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"], // RFC 4231 case 1
    [
      "Hi There",
      key1,
      "sha512",
      "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
    ],
    ["what do ya want for nothing?", "Jefe", "sha256", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"], // RFC 4231 case 2
    ["what do ya want for nothing?", "Jefe", "sha1", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"], // RFC 2202 case 2
  ])("%j keyed %j with %s is the RFC value", (input, secret, fn, mac) => {
    expect(crypto.hmac(input, secret, fn, "hex")).toBe(mac);
    expect(crypto.hmac(input, secret, fn, "base64")).toBe(Buffer.from(mac, "hex").toString("base64"));
  });

  test("the docs' example", () => {
    expect(crypto.hmac("hello!", "super-secret", "sha256", "base64")).toBe("SUXd6PRMaTXXgBGaGsIHzaDWgTSa6C3D44lRGrvRak0=");
  });

  test("refuses other functions, formats and types", () => {
    expect(() => crypto.hmac("a", "b", "md5", "hex")).toThrow('unsupported hash_function "md5"');
    expect(() => crypto.hmac("a", "b", "sha256", "binary")).toThrow('unsupported output_format "binary"');
    expect(() => crypto.hmac("a", null as unknown as string, "sha256", "hex")).toThrow(
      "utils.crypto.hmac: secret must be a string, got null",
    );
  });
});

describe("utils.crypto.encrypt / decrypt (AES-GCM, nonce ‖ ciphertext ‖ tag)", () => {
  const docsKey = "603082712271C525E087BD999A4E0738";

  test("decrypts the docs' example ciphertext", () => {
    const message = Binary.createFromBase64("WPBuIvJ6Bity43Uh822dW8QlVYVJaFUiDeUjlTiJXzptUuTYIKPlXekBQAJb");
    const out = crypto.decrypt("aes", message, docsKey);
    expect(out).toBeInstanceOf(Binary);
    expect(out.toString("utf8")).toBe("MongoDB is great!");
  });

  test("decrypts a ciphertext made independently with node:crypto", () => {
    const key = "0123456789abcdef"; // 16 bytes: AES-128
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-128-gcm", Buffer.from(key), nonce);
    const body = Buffer.concat([cipher.update("héllo wörld", "utf8"), cipher.final()]);
    const message = bin(Buffer.concat([nonce, body, cipher.getAuthTag()]));
    expect(crypto.decrypt("aes", message, key).toString("utf8")).toBe("héllo wörld");
  });

  test.each([16, 24, 32])("round trips with a %i-byte key, and node:crypto decrypts the output", (length) => {
    const key = "k".repeat(length);
    const out = crypto.encrypt("aes", "MongoDB is great!", key);
    expect(out).toBeInstanceOf(Binary);
    const data = Buffer.from(out.value());
    expect(data.length).toBe(12 + 17 + 16);
    const algorithm: CipherGCMTypes = length === 16 ? "aes-128-gcm" : length === 24 ? "aes-192-gcm" : "aes-256-gcm";
    const decipher = createDecipheriv(algorithm, Buffer.from(key), data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(-16));
    expect(Buffer.concat([decipher.update(data.subarray(12, -16)), decipher.final()]).toString()).toBe("MongoDB is great!");
    expect(crypto.decrypt("aes", out, key).toString("utf8")).toBe("MongoDB is great!");
  });

  test("uses a fresh nonce each time", () => {
    expect(hex(crypto.encrypt("aes", "x", docsKey))).not.toBe(hex(crypto.encrypt("aes", "x", docsKey)));
  });

  test("refuses a wrong key, an altered or short message", () => {
    const out = Buffer.from(crypto.encrypt("aes", "secret", docsKey).value());
    expect(() => crypto.decrypt("aes", bin(out), "X".repeat(32))).toThrow("authentication failed");
    out[14] = (out[14] ?? 0) ^ 1;
    expect(() => crypto.decrypt("aes", bin(out), docsKey)).toThrow("authentication failed");
    expect(() => crypto.decrypt("aes", bin(new Uint8Array(27)), docsKey)).toThrow("too short");
  });

  test("refuses other types, key lengths and arguments", () => {
    expect(() => crypto.encrypt("des", "x", docsKey)).toThrow('utils.crypto.encrypt: unsupported encryptionType "des" (supported: "aes")');
    expect(() => crypto.encrypt("aes", "x", "short")).toThrow("an AES key must be 16, 24 or 32 bytes (as UTF-8), got 5");
    expect(() => crypto.encrypt("aes", bin(Buffer.from("x")) as unknown as string, docsKey)).toThrow(TypeError);
    const base64 = crypto.encrypt("aes", "x", docsKey).toString("base64");
    expect(() => crypto.decrypt("aes", base64 as unknown as Binary, docsKey)).toThrow("encryptedMessage must be a BSON.Binary, got string");
  });
});

describe("utils.crypto.sign / verify (RSA, SHA-256)", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const publicPem = publicKey.export({ type: "pkcs1", format: "pem" }).toString();
  const message = "MongoDB is great!";

  test("a PSS signature (the default) verifies with node:crypto, and not for another message", () => {
    expect(privatePem).toContain("BEGIN RSA PRIVATE KEY");
    const sig = crypto.sign("rsa", message, privatePem);
    expect(sig).toBeInstanceOf(Binary);
    const pss = { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO };
    expect(nodeVerify("sha256", Buffer.from(message), pss, sig.value())).toBe(true);
    expect(crypto.verify("rsa", message, publicPem, sig, "pss")).toBe(true);
    expect(crypto.verify("rsa", message, publicPem, sig)).toBe(true);
    expect(crypto.verify("rsa", "MongoDB is great?", publicPem, sig)).toBe(false);
    expect(crypto.verify("rsa", message, publicPem, sig, "pkcs1v15")).toBe(false);
  });

  test("a PKCS#1 v1.5 signature is the one node:crypto makes", () => {
    const sig = crypto.sign("rsa", message, privatePem, "pkcs1v15");
    expect(hex(sig)).toBe(nodeSign("sha256", Buffer.from(message), privateKey).toString("hex"));
    expect(crypto.verify("rsa", message, publicPem, sig, "pkcs1v15")).toBe(true);
  });

  test("verifies node:crypto's PSS signatures (digest-length salt), also with SPKI keys; rejects altered ones", () => {
    const pss = { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
    const sig = nodeSign("sha256", Buffer.from(message), pss);
    const spki = publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(crypto.verify("rsa", message, spki, bin(sig))).toBe(true);
    sig[0] = (sig[0] ?? 0) ^ 1;
    expect(crypto.verify("rsa", message, publicPem, bin(sig))).toBe(false);
  });

  test("refuses other types, schemes, keys and arguments", () => {
    const sig = crypto.sign("rsa", message, privatePem);
    expect(() => crypto.sign("ecdsa", message, privatePem)).toThrow('unsupported encryptionType "ecdsa" (supported: "rsa")');
    expect(() => crypto.sign("rsa", message, privatePem, "raw")).toThrow(
      'unsupported signatureScheme "raw" (supported: "pss", "pkcs1v15")',
    );
    expect(() => crypto.sign("rsa", message, "not a key")).toThrow("utils.crypto.sign: privateKey is not a PEM RSA key");
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(() => crypto.sign("rsa", message, ec)).toThrow("privateKey must be an RSA key, got ec");
    expect(() => crypto.verify("rsa", message, publicPem, sig.toString("base64") as unknown as Binary)).toThrow(TypeError);
  });
});
