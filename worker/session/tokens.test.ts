import { describe, expect, it, vi } from "vitest";
import { SignJWT } from "jose";
import { decodeJwtPayload, estimateSkewMs, readAccessToken, skewOnReceipt } from "./tokens.js";

// counts the decodes of each token the module under test makes (each decode reads the payload with atob once)
const atobCalls: string[] = [];
const realAtob = globalThis.atob;
vi.spyOn(globalThis, "atob").mockImplementation((data: string) => {
  atobCalls.push(data);
  return realAtob(data);
});
const decodesOf = (token: string): number => {
  const payload = (token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/");
  return atobCalls.filter((data) => data.replace(/=+$/, "") === payload).length;
};

const key = new TextEncoder().encode("k".repeat(32));
const jwt = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(key);

describe("access tokens", () => {
  it("reads expiry, lifetime, custom data and device id", async () => {
    const token = await jwt({ iat: 1_000, exp: 1_030, user_data: { n: 1, name: "x" }, baas_device_id: "65f0aaaaaaaaaaaaaaaaaaaa" });
    expect(readAccessToken(token, 0)).toEqual({
      expiresAt: 1_030_000,
      lifetimeMs: 30_000,
      skewMs: 0,
      customDataEJSON: '{"n":{"$numberInt":"1"},"name":"x"}',
      deviceId: "65f0aaaaaaaaaaaaaaaaaaaa",
    });
    expect(readAccessToken(token, 5_000).expiresAt).toBe(1_025_000);
  });

  it("gives {} custom data and no device for all-zero ids, and no expiry for a token it cannot decode", async () => {
    const token = await jwt({ iat: 1, exp: 2, baas_device_id: "000000000000000000000000" });
    expect(readAccessToken(token, 0)).toMatchObject({ customDataEJSON: "{}", deviceId: null });
    expect(readAccessToken("not-a-jwt", 7)).toEqual({
      expiresAt: null,
      lifetimeMs: null,
      skewMs: 7,
      customDataEJSON: "{}",
      deviceId: null,
    });
  });

  it("estimates clock skew from iat: within ±2 s counts as agreeing clocks", async () => {
    expect(estimateSkewMs(100_000, 100_900)).toBe(0);
    expect(estimateSkewMs(100_000, 40_000)).toBe(60_500); // server a minute ahead
    expect(estimateSkewMs(100_000, 160_000)).toBe(-59_500); // server a minute behind
    const token = await jwt({ iat: 1_000, exp: 1_060 });
    expect(skewOnReceipt(token, 940_000)).toBe(60_500);
    expect(skewOnReceipt("garbage", 940_000, 123)).toBe(123);
  });

  it("decodes each token once, when it arrives, however often it is read", async () => {
    const token = await jwt({ iat: 2_000, exp: 2_060, user_data: { plan: "pro" } });
    expect(skewOnReceipt(token, 2_000_000)).toBe(0);
    for (let i = 0; i < 100; i++) expect(readAccessToken(token, i).expiresAt).toBe(2_060_000 - i);
    expect(readAccessToken(token, 0).customDataEJSON).toBe('{"plan":"pro"}');
    expect(decodesOf(token)).toBe(1);
    const broken = `h.${Buffer.from("not json").toString("base64url")}.s`; // undecodable: remembered as such
    for (let i = 0; i < 3; i++) expect(readAccessToken(broken, 0).expiresAt).toBeNull();
    expect(decodesOf(broken)).toBe(1);
  });

  it("reads a JWT payload as jose does: unverified, any signature; anything else throws", async () => {
    const token = await jwt({ iat: 1, sub: "ü-user", user_data: { a: [1, "two"] } });
    expect(decodeJwtPayload(token)).toEqual({ iat: 1, sub: "ü-user", user_data: { a: [1, "two"] } });
    const [header, payload] = token.split(".");
    expect(decodeJwtPayload(`${header}.${payload}.forged`)).toMatchObject({ sub: "ü-user" });
    const b64url = (text: string): string => Buffer.from(text).toString("base64url");
    for (const bad of [
      "",
      "a.b",
      `${header}.${b64url("[1]")}.s`,
      `${header}.${b64url("not json")}.s`,
      `${header}.${payload}`,
      `${header}.p+y.s`,
    ]) {
      expect(() => decodeJwtPayload(bad)).toThrow();
    }
  });
});
