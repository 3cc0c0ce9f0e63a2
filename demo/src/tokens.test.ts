import { describe, expect, it } from "vitest";
import { countdown, tokenExpiry } from "./tokens.js";

/** A JWT with this payload (unsigned: the demo only reads `exp`). */
function jwt(payload: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "HS256" })}.${part(payload)}.sig`;
}

describe("tokenExpiry", () => {
  it("reads exp in milliseconds", () => {
    expect(tokenExpiry(jwt({ exp: 1_800_000_000, sub: "ü?>" }))).toBe(1_800_000_000_000);
  });
  it("is null for no token, a malformed token or a missing exp", () => {
    expect(tokenExpiry(null)).toBeNull();
    expect(tokenExpiry("not-a-jwt")).toBeNull();
    expect(tokenExpiry("a.%%%.c")).toBeNull();
    expect(tokenExpiry(jwt({ sub: "x" }))).toBeNull();
  });
});

describe("countdown", () => {
  const token = jwt({ exp: 1000 });
  it("shows minutes and zero-padded seconds left", () => {
    expect(countdown(token, 1000_000 - 1_805_000)).toBe("expires in 30:05");
    expect(countdown(token, 1000_000 - 59_500)).toBe("expires in 0:59");
  });
  it("says expired at and after exp, and no token without one", () => {
    expect(countdown(token, 1000_000)).toBe("expired");
    expect(countdown(null)).toBe("no token");
  });
});
