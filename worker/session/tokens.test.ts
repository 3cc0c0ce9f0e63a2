import { describe, expect, it, vi } from "vitest";
import { SignJWT } from "jose";
import { estimateSkewMs, readAccessToken, skewOnReceipt } from "./tokens.js";

// counts the decodes of each token the module under test makes
const decoded = vi.hoisted(() => new Map<string, number>());
vi.mock("jose", async (importOriginal) => {
  const jose = await importOriginal<typeof import("jose")>();
  return {
    ...jose,
    decodeJwt: (token: string) => {
      decoded.set(token, (decoded.get(token) ?? 0) + 1);
      return jose.decodeJwt(token);
    },
  };
});

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
    expect(decoded.get(token)).toBe(1);
    for (let i = 0; i < 3; i++) readAccessToken("not-a-jwt-either", 0);
    expect(decoded.get("not-a-jwt-either")).toBe(1);
  });
});
