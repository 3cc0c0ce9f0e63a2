import { describe, expect, it } from "vitest";
import { openDatabase } from "../db.js";
import { TokenService } from "./tokens.js";
import { UserpassStore } from "./userpass.js";

describe("TokenService", () => {
  const secret = new TextEncoder().encode("0123456789abcdef0123456789abcdef");
  const tokens = new TokenService(secret, 60, 3600);

  it("does not accept an access token as a refresh token or the reverse", async () => {
    const access = await tokens.signAccess("u1", "d1", "s1", { a: 1 });
    const refresh = await tokens.signRefresh("u1", "s1", Date.now() + 60_000);
    await expect(tokens.verifyAccess(access)).resolves.toMatchObject({ sub: "u1", baas_device_id: "d1", user_data: { a: 1 } });
    await expect(tokens.verifyRefresh(refresh)).resolves.toMatchObject({ sub: "u1", typ: "refresh", baas_session_id: "s1" });
    await expect(tokens.verifyRefresh(access)).rejects.toMatchObject({ errorCode: "InvalidSession" });
    await expect(tokens.verifyAccess(refresh)).rejects.toMatchObject({ errorCode: "InvalidSession" });
  });

  it("refuses tokens signed with another secret", async () => {
    const other = new TokenService(new TextEncoder().encode("another-secret-another-secret-123"), 60, 60);
    await expect(tokens.verifyAccess(await other.signAccess("u", "d", "s", undefined))).rejects.toMatchObject({
      statusCode: 401,
      message: "invalid session",
    });
  });
});

describe("UserpassStore", () => {
  it("hashes passwords with argon2id and verifies them", async () => {
    const db = openDatabase({ inMemory: true });
    try {
      const store = new UserpassStore(db);
      await store.register("h@example.com", "secret1", true);
      const row = db.prepare("SELECT password_hash FROM auth_userpass WHERE email = ?").get("h@example.com") as { password_hash: string };
      expect(row.password_hash.startsWith("$argon2id$")).toBe(true);
      await expect(store.authenticate("h@example.com", "secret1")).resolves.toMatchObject({ email: "h@example.com" });
      await expect(store.authenticate("h@example.com", "secret2")).rejects.toMatchObject({ errorCode: "InvalidPassword" });
    } finally {
      db.close();
    }
  });
});

describe("UserpassStore tokens", () => {
  it("expire after the token lifetime (30 minutes by default)", () => {
    const db = openDatabase({ inMemory: true });
    try {
      let now = 1_000_000;
      const store = new UserpassStore(db, { now: () => now });
      const fresh = store.issueToken("t@example.com", "reset");
      const stale = store.issueToken("t@example.com", "reset");
      now += 30 * 60_000 - 1;
      expect(store.consumeToken(fresh, "reset")).toMatchObject({ email: "t@example.com" });
      now += 1;
      expect(() => store.consumeToken(stale, "reset")).toThrow(
        expect.objectContaining({ statusCode: 400, errorCode: "UserpassTokenInvalid" }),
      );
      const confirm = store.issueToken("t@example.com", "confirm");
      now += 30 * 60_000;
      expect(() => store.consumeToken(confirm, "confirm")).toThrow(expect.objectContaining({ errorCode: "UserpassTokenInvalid" }));
    } finally {
      db.close();
    }
  });

  it("revokes every outstanding token of a kind for an email", () => {
    const db = openDatabase({ inMemory: true });
    try {
      const store = new UserpassStore(db);
      const a = store.issueToken("r@example.com", "reset");
      const b = store.issueToken("r@example.com", "reset");
      const confirm = store.issueToken("r@example.com", "confirm");
      store.revokeTokens("r@example.com", "reset");
      for (const pair of [a, b])
        expect(() => store.consumeToken(pair, "reset")).toThrow(expect.objectContaining({ errorCode: "UserpassTokenInvalid" }));
      expect(store.consumeToken(confirm, "confirm")).toMatchObject({ email: "r@example.com" });
    } finally {
      db.close();
    }
  });
});
