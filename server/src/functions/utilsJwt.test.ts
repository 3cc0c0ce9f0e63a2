import { ObjectId } from "bson";
import { createHmac, generateKeyPairSync } from "node:crypto";
import { SignJWT, decodeProtectedHeader, importPKCS8, importSPKI, jwtVerify, type CryptoKey } from "jose";
import { describe, expect, test } from "vitest";
import { JWT_SIGNING_METHODS, createUtilsJwt, type JwtSigningMethod } from "./utilsJwt.js";

const jwt = createUtilsJwt();

// The docs' example token: HS512, secret "SuperSecret" (its payload says "Joe Schmoe").
const DOCS_TOKEN =
  "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvZSBTY2htb2UiLCJpYXQiOjE1NjU3MjEyMjMxODd9.-QL15ldu2BYuJokNWT6YRiwZQIiIpvq6Kyv-C6qslNdNiUVxo8zqLJZ1iEkNf2yZKMIrQuMCtIC1tzd2H31AxA";
const DOCS_PAYLOAD = { sub: "1234567890", name: "Joe Schmoe", iat: 1565721223187 };

const pem = (kind: "rsa" | "ec", namedCurve?: string): { privatePem: string; publicPem: string } => {
  const { privateKey, publicKey } =
    kind === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ec", { namedCurve: namedCurve ?? "" });
  return {
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
};
const rsa = pem("rsa");
const otherRsa = pem("rsa");
const ec: Record<string, ReturnType<typeof pem>> = { "256": pem("ec", "P-256"), "384": pem("ec", "P-384"), "512": pem("ec", "P-521") };
const HMAC_SECRET = "a random string of enough length for HS512!";

/** The signing and verifying keys of `alg`, as strings for utils.jwt and as jose keys. */
async function keysOf(
  alg: JwtSigningMethod,
): Promise<{ secret: string; key: string; signKey: CryptoKey | Uint8Array; verifyKey: CryptoKey | Uint8Array }> {
  if (alg.startsWith("HS")) {
    const bytes = new TextEncoder().encode(HMAC_SECRET);
    return { secret: HMAC_SECRET, key: HMAC_SECRET, signKey: bytes, verifyKey: bytes };
  }
  const pair = alg.startsWith("ES") ? ec[alg.slice(2)] : rsa;
  if (pair === undefined) throw new Error(alg);
  return {
    secret: pair.privatePem,
    key: pair.publicPem,
    signKey: await importPKCS8(pair.privatePem, alg),
    verifyKey: await importSPKI(pair.publicPem, alg),
  };
}

describe("utils.jwt", () => {
  test("encode reproduces the docs' example token, synchronously", () => {
    expect(jwt.encode("HS512", DOCS_PAYLOAD, "SuperSecret")).toBe(DOCS_TOKEN);
  });

  test("decode of the docs' example: the payload, or {header, payload} with returnHeader", () => {
    expect(jwt.decode(DOCS_TOKEN, "SuperSecret", false, ["HS512"])).toEqual(DOCS_PAYLOAD);
    expect(jwt.decode(DOCS_TOKEN, "SuperSecret")).toEqual(DOCS_PAYLOAD);
    expect(jwt.decode(DOCS_TOKEN, "SuperSecret", true)).toEqual({ header: { alg: "HS512", typ: "JWT" }, payload: DOCS_PAYLOAD });
  });

  test.each(JWT_SIGNING_METHODS)("%s: jose verifies what encode signs, and decode verifies what jose signs", async (alg) => {
    const { secret, key, signKey, verifyKey } = await keysOf(alg);
    const token = jwt.encode(alg, { sub: "u1", n: 42 }, secret, { kid: "k1" });
    const verified = await jwtVerify(token, verifyKey, { algorithms: [alg] });
    expect(verified.payload).toEqual({ sub: "u1", n: 42 });
    expect(verified.protectedHeader).toEqual({ alg, typ: "JWT", kid: "k1" });

    const joseToken = await new SignJWT({ sub: "u2", roles: ["a"] }).setProtectedHeader({ alg, kid: "k2" }).sign(signKey);
    expect(jwt.decode(joseToken, key, false, [alg])).toEqual({ sub: "u2", roles: ["a"] });
    expect(jwt.decode(joseToken, key, true)).toEqual({ header: { alg, kid: "k2" }, payload: { sub: "u2", roles: ["a"] } });
  });

  test("the payload is relaxed EJSON both ways", () => {
    const id = new ObjectId();
    const at = new Date("2024-01-02T03:04:05.000Z");
    const token = jwt.encode("HS256", { id, at, n: 1 }, "s");
    expect(JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString())).toEqual({
      id: { $oid: id.toHexString() },
      at: { $date: "2024-01-02T03:04:05Z" },
      n: 1,
    });
    expect(jwt.decode(token, "s")).toEqual({ id, at, n: 1 });
  });

  test("decode refuses a wrong key, a tampered token, an unaccepted or unsupported alg", async () => {
    expect(() => jwt.decode(DOCS_TOKEN, "WrongSecret")).toThrow("utils.jwt.decode: invalid signature");
    const [h, , s] = DOCS_TOKEN.split(".");
    const forged = Buffer.from(JSON.stringify({ ...DOCS_PAYLOAD, name: "Mallory" })).toString("base64url");
    expect(() => jwt.decode(`${h}.${forged}.${s}`, "SuperSecret")).toThrow("invalid signature");
    expect(() => jwt.decode(DOCS_TOKEN, "SuperSecret", false, ["RS256"])).toThrow("the token's alg HS512 is not in acceptedSigningMethods");
    const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${forged}.x`;
    expect(() => jwt.decode(none, "SuperSecret")).toThrow('unsupported alg (token header) "none"');
    const rs = await keysOf("RS256");
    expect(() => jwt.decode(jwt.encode("RS256", { a: 1 }, rs.secret), otherRsa.publicPem)).toThrow("invalid signature");
  });

  test("decode refuses an HS token keyed with a PEM public key (algorithm confusion)", () => {
    const input = `${Buffer.from('{"alg":"HS256"}').toString("base64url")}.${Buffer.from('{"admin":true}').toString("base64url")}`;
    const forged = `${input}.${createHmac("sha256", rsa.publicPem).update(input).digest("base64url")}`;
    expect(() => jwt.decode(forged, rsa.publicPem)).toThrow("HS256 needs an HMAC secret, not a PEM key");
  });

  test("decode refuses malformed tokens, crit headers and bad arguments", () => {
    expect(() => jwt.decode("a.b", "k")).toThrow("jwtString is not a signed JWT (three base64url parts)");
    expect(() => jwt.decode("a.b.c+", "k")).toThrow("not a signed JWT");
    const crit = jwt.encode("HS256", { a: 1 }, "k", { crit: ["exp"] });
    expect(() => jwt.decode(crit, "k")).toThrow("crit header");
    expect(() => jwt.decode(DOCS_TOKEN, "SuperSecret", "yes" as unknown as boolean)).toThrow(TypeError);
    expect(() => jwt.decode(DOCS_TOKEN, "SuperSecret", false, "HS512" as unknown as string[])).toThrow(
      "acceptedSigningMethods must be an array",
    );
    expect(() => jwt.decode(DOCS_TOKEN, "SuperSecret", false, ["HS512", 1] as unknown as string[])).toThrow(TypeError);
    expect(() => jwt.decode(42 as unknown as string, "k")).toThrow("utils.jwt.decode: jwtString must be a string, got number");
  });

  test("encode refuses unknown methods, unfit keys and bad arguments", () => {
    expect(() => jwt.encode("HS1", {}, "s")).toThrow('utils.jwt.encode: unsupported signingMethod "HS1"');
    expect(() => jwt.encode("ES256", {}, rsa.privatePem)).toThrow("the key (rsa) does not fit ES256");
    expect(() => jwt.encode("ES512", {}, ec["256"]?.privatePem ?? "")).toThrow("the key (ec) does not fit ES512");
    expect(() => jwt.encode("RS256", {}, "not a key")).toThrow("RS256 needs a PEM key");
    expect(() => jwt.encode("HS256", "claims" as unknown as object, "s")).toThrow("payload must be an object");
    expect(() => jwt.encode("HS256", {}, "s", { alg: "none" })).toThrow("customHeaderFields.alg must be the signingMethod HS256");
    expect(decodeProtectedHeader(jwt.encode("HS256", {}, "s", { typ: "at+jwt" }))).toEqual({ alg: "HS256", typ: "at+jwt" });
  });
});
