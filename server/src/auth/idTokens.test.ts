import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKeyServer, signingKey, type KeyServer, type SigningKey } from "../../test/keyServer.js";
import { IdTokenVerifier } from "./idTokens.js";
import { authError } from "../../test/rejection.js";

const CLIENT = "1234-abc.apps.googleusercontent.com";
let keys: KeyServer;
let google: SigningKey;

beforeAll(async () => {
  google = await signingKey("g1");
  keys = await startKeyServer({ keys: [google.jwk] });
});
afterAll(() => keys.close());

const refusal = async (p: Promise<unknown>): Promise<string> => (await authError(p)).message;

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: "https://accounts.google.com",
  aud: CLIENT,
  sub: "110169484474386276334",
  email: "ann@example.com",
  email_verified: true,
  ...extra,
});

describe("Google ID tokens", () => {
  const verifier = () => new IdTokenVerifier("oauth2-google", { clientId: CLIENT }, keys.url);

  it("log in as the token's subject, from either of Google's issuer names", async () => {
    const v = verifier();
    expect(await v.verify(await google.sign(claims()))).toEqual({ id: "110169484474386276334", providerType: "oauth2-google", data: {} });
    expect((await v.verify(await google.sign(claims({ iss: "accounts.google.com" })))).id).toBe("110169484474386276334");
  });

  it("refuse another client id, another issuer, an expired token, another key and no subject", async () => {
    const v = verifier();
    expect(await refusal(v.verify(await google.sign(claims({ aud: "someone-else" }))))).toMatch(/^invalid google ID token: .*aud/);
    expect(await refusal(v.verify(await google.sign(claims({ iss: "https://appleid.apple.com" }))))).toMatch(/iss/);
    expect(await refusal(v.verify(await google.sign(claims(), Math.floor(Date.now() / 1000) - 60)))).toMatch(/exp/);
    const forged = await signingKey("g1");
    expect(await refusal(v.verify(await forged.sign(claims())))).toMatch(/signature/);
    expect(await refusal(v.verify(await google.sign(claims({ sub: undefined }))))).toMatch(/sub/);
    expect(await refusal(v.verify("eyJhbGciOiJub25lIn0.e30."))).toMatch(/invalid google ID token/);
  });

  it("apply domain restrictions to the verified email", async () => {
    const v = new IdTokenVerifier("oauth2-google", { clientId: CLIENT, domainRestrictions: ["Example.com"] }, keys.url);
    expect((await v.verify(await google.sign(claims()))).id).toBe("110169484474386276334");
    expect(await refusal(v.verify(await google.sign(claims({ email: "eve@elsewhere.org" }))))).toMatch(/allowed domain/);
    expect(await refusal(v.verify(await google.sign(claims({ email_verified: false }))))).toMatch(/allowed domain/);
    expect(await refusal(v.verify(await google.sign(claims({ email: undefined }))))).toMatch(/allowed domain/);
    // a subdomain is another domain
    expect(await refusal(v.verify(await google.sign(claims({ email: "x@mail.example.com" }))))).toMatch(/allowed domain/);
  });
});

describe("Apple ID tokens", () => {
  it("log in for the Services ID, from Apple's issuer only", async () => {
    const apple = await signingKey("apple-1");
    const appleKeys = await startKeyServer({ keys: [apple.jwk] });
    try {
      const v = new IdTokenVerifier("oauth2-apple", { clientId: "com.example.web" }, appleKeys.url);
      const token = await apple.sign({ iss: "https://appleid.apple.com", aud: "com.example.web", sub: "001234.abcd.5678" });
      expect(await v.verify(token)).toEqual({ id: "001234.abcd.5678", providerType: "oauth2-apple", data: {} });
      expect(
        await refusal(v.verify(await apple.sign({ iss: "https://accounts.google.com", aud: "com.example.web", sub: "001234.abcd.5678" }))),
      ).toMatch(/^invalid apple ID token: .*iss/);
    } finally {
      await appleKeys.close();
    }
  });
});
