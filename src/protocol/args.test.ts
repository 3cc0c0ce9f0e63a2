import { describe, expect, it } from "vitest";
import { API_KEY_OPS, EMAIL_PASSWORD_FIELDS, apiKeyId, apiKeyName, apiKeyOp, emailPasswordBody, emailPasswordOp } from "./accountArgs.js";
import { nonEmptyString, watchSelector } from "./args.js";

const refused = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("accepted");
};

describe("argument rules", () => {
  it("refuse with a non-retryable invalid-argument naming the argument", () => {
    expect(refused(() => nonEmptyString("", "the service name"))).toMatchObject({
      code: "invalid-argument",
      retryable: false,
      message: "the service name must be a non-empty string",
    });
    expect(nonEmptyString("x", "y")).toBe("x");
  });

  it("API keys: known operations, a non-empty name, an id of 24 hex digits", () => {
    for (const op of API_KEY_OPS) expect(apiKeyOp(op)).toBe(op);
    for (const bad of ["", "list", "toString", 1, null]) expect(refused(() => apiKeyOp(bad))).toMatchObject({ code: "invalid-argument" });
    expect(apiKeyName("ci")).toBe("ci");
    expect(refused(() => apiKeyName(""))).toMatchObject({ code: "invalid-argument" });
    expect(apiKeyId("65f0aaaaaaaaaaaaaaaaaaaa")).toBe("65f0aaaaaaaaaaaaaaaaaaaa");
    for (const bad of ["65f0", "65f0aaaaaaaaaaaaaaaaaaaz", "../../admin", 7, undefined])
      expect(refused(() => apiKeyId(bad))).toMatchObject({ code: "invalid-argument" });
  });

  it("email/password: each operation's fields, and only those are kept", () => {
    expect(emailPasswordOp("reset/send")).toBe("reset/send");
    expect(refused(() => emailPasswordOp("constructor"))).toMatchObject({ code: "invalid-argument" });
    expect(emailPasswordBody("register", { email: "a@b.c", password: "pw", extra: 1 })).toEqual({ email: "a@b.c", password: "pw" });
    expect(emailPasswordBody("reset/call", { email: "a", password: "p", arguments: [1] })).toEqual({
      email: "a",
      password: "p",
      arguments: [1],
    });
    expect(refused(() => emailPasswordBody("register", { email: "a@b.c" }, "registerUser"))).toMatchObject({
      message: "registerUser: password must be a non-empty string",
    });
    expect(refused(() => emailPasswordBody("reset/call", { email: "a", password: "p", arguments: "x" }))).toMatchObject({
      message: "reset/call: arguments must be an array",
    });
    expect(refused(() => emailPasswordBody("confirm", null, "confirmUser"))).toMatchObject({
      message: "confirmUser takes an object {token, tokenId}",
    });
    expect(Object.keys(EMAIL_PASSWORD_FIELDS)).toHaveLength(7);
  });

  it("a watch takes ids or a filter, not both", () => {
    expect(() => watchSelector("[]", undefined)).not.toThrow();
    expect(() => watchSelector(undefined, undefined)).not.toThrow();
    expect(refused(() => watchSelector("[]", "{}"))).toMatchObject({ code: "invalid-argument" });
  });
});
