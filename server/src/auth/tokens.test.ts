import { describe, expect, it } from "vitest";
import { TokenService } from "./tokens.js";

const tokens = new TokenService(new TextEncoder().encode("0123456789abcdef0123456789abcdef"), 60, 3600);

describe("TokenService token identity", () => {
  it("mints a different access token each time, even within one second", async () => {
    const [a, b] = await Promise.all([tokens.signAccess("u", "d", "s", undefined), tokens.signAccess("u", "d", "s", undefined)]);
    expect(a).not.toBe(b);
    const [ca, cb] = await Promise.all([tokens.verifyAccess(a), tokens.verifyAccess(b)]);
    expect(ca.iat).toBe(cb.iat);
    expect(ca.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(ca.jti).not.toBe(cb.jti);
  });

  it("mints a different refresh token each time, and both verify", async () => {
    const exp = Date.now() + 60_000;
    const [a, b] = await Promise.all([tokens.signRefresh("u", "s", exp), tokens.signRefresh("u", "s", exp)]);
    expect(a).not.toBe(b);
    const [ca, cb] = await Promise.all([tokens.verifyRefresh(a), tokens.verifyRefresh(b)]);
    expect(ca).toMatchObject({ sub: "u", typ: "refresh", baas_session_id: "s" });
    expect(ca.jti).not.toBe(cb.jti);
  });
});
