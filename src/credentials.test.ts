import { describe, expect, it } from "vitest";
import { EJSON } from "bson";
import { Credentials, isRedirectCredentials, toCredentialsWire } from "./credentials.js";
import { isRealmTabsError } from "./protocol/encodeError.js";

describe("Credentials payloads (protocol §2.1)", () => {
  it.each([
    ["anonymous", Credentials.anonymous(), "anon-user", {}],
    [
      "emailPassword(email, password)",
      Credentials.emailPassword("a@b.c", "pw123456"),
      "local-userpass",
      { username: "a@b.c", password: "pw123456" },
    ],
    [
      "emailPassword({email, password})",
      Credentials.emailPassword({ email: "a@b.c", password: "pw" }),
      "local-userpass",
      { username: "a@b.c", password: "pw" },
    ],
    ["apiKey", Credentials.apiKey("k1"), "api-key", { key: "k1" }],
    ["jwt", Credentials.jwt("t.o.k"), "custom-token", { token: "t.o.k" }],
    ["function", Credentials.function({ username: "ada", n: 1 }), "custom-function", { username: "ada", n: 1 }],
    ["google authCode", Credentials.google({ authCode: "c" }), "oauth2-google", { authCode: "c" }],
    ["google idToken", Credentials.google({ idToken: "i" }), "oauth2-google", { id_token: "i" }],
    ["facebook", Credentials.facebook("fb"), "oauth2-facebook", { accessToken: "fb" }],
    ["apple", Credentials.apple("ap"), "oauth2-apple", { id_token: "ap" }],
    ["google redirectUrl", Credentials.google({ redirectUrl: "http://a.test/cb" }), "oauth2-google", { redirectUrl: "http://a.test/cb" }],
    ["facebook with a URL", Credentials.facebook("https://a.test/cb"), "oauth2-facebook", { redirectUrl: "https://a.test/cb" }],
    ["apple with a URL", Credentials.apple("http://127.0.0.1:1/cb"), "oauth2-apple", { redirectUrl: "http://127.0.0.1:1/cb" }],
  ])("%s", (_name, credentials, providerType, payload) => {
    expect(credentials.providerType).toBe(providerType);
    expect(credentials.providerName).toBe(providerType);
    expect(credentials.payload).toEqual(payload);
  });

  it("tells redirect credentials from token credentials, and keeps them off the token wire", async () => {
    expect(isRedirectCredentials(Credentials.google({ redirectUrl: "http://a.test/cb" }))).toBe(true);
    expect(isRedirectCredentials(Credentials.apple("https://a.test/cb"))).toBe(true);
    expect(isRedirectCredentials(Credentials.facebook("token"))).toBe(false);
    expect(isRedirectCredentials(Credentials.function({ redirectUrl: "http://a.test/cb" }))).toBe(false);
    await expect(toCredentialsWire(Credentials.facebook("https://a.test/cb"))).rejects.toThrow(
      expect.objectContaining({ code: "not-supported" }),
    );
  });

  it("anonymous reuses by default and can opt out; others never reuse", () => {
    expect(Credentials.anonymous().reuse).toBe(true);
    expect(Credentials.anonymous(false).reuse).toBe(false);
    expect(Credentials.apiKey("k").reuse).toBe(false);
  });

  it("serializes the payload as canonical EJSON on the wire", async () => {
    const wire = await toCredentialsWire(Credentials.function({ n: 1, d: new Date(0) }));
    expect(wire).toEqual({
      providerType: "custom-function",
      reuse: false,
      payloadEJSON: '{"n":{"$numberInt":"1"},"d":{"$date":{"$numberLong":"0"}}}',
    });
    expect(EJSON.parse(wire.payloadEJSON)).toEqual({ n: 1, d: new Date(0) });
  });

  it("writes a payload of strings as JSON, which is its canonical EJSON", async () => {
    const wire = await toCredentialsWire(Credentials.emailPassword("a@example.com", "pässword"));
    expect(wire.payloadEJSON).toBe(EJSON.stringify({ username: "a@example.com", password: "pässword" }, { relaxed: false }));
  });

  it.each([
    ["empty email", () => Credentials.emailPassword("", "x")],
    ["missing password", () => Credentials.emailPassword({ email: "a", password: undefined as unknown as string })],
    ["non-string key", () => Credentials.apiKey(3 as unknown as string)],
    ["google with two keys", () => Credentials.google({ authCode: "a", idToken: "b" })],
    ["google with a string", () => Credentials.google("x" as unknown as { authCode: string })],
    ["google with a relative redirectUrl", () => Credentials.google({ redirectUrl: "/cb" })],
    ["facebook with a non-http URL", () => Credentials.facebook("javascript://x")],
    ["function with an array", () => Credentials.function([] as unknown as Record<string, unknown>)],
    ["wire of a plain object", () => toCredentialsWire({ providerType: "anon-user", payload: {} } as unknown as Credentials)],
  ])("rejects %s with invalid-argument when the credentials are sent, not when they are built", async (_name, make) => {
    let error: unknown;
    let built: unknown;
    try {
      built = make();
    } catch (e) {
      error = e;
    }
    // as realm-web's factories, these do not throw: app.logIn(Credentials.x(…)).catch(…) sees the error
    expect(error).toBeUndefined();
    error = await (built instanceof Credentials ? toCredentialsWire(built as Credentials) : (built as Promise<unknown>)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRealmTabsError(error)).toBe(true);
    expect(error).toMatchObject({ code: "invalid-argument", retryable: false });
  });

  it("keeps the provider of credentials built from bad arguments, with an empty payload", () => {
    const bad = Credentials.emailPassword("", "x");
    expect(bad.providerType).toBe("local-userpass");
    expect(bad.payload).toEqual({});
    expect(isRedirectCredentials(Credentials.google({ redirectUrl: "/cb" }))).toBe(false);
  });
});
