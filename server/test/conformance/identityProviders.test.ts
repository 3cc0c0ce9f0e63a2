/**
 * Conformance: the unmodified realm-web 2.0.1 logs in to an exported app with the providers that
 * verify third-party tokens: a custom JWT provider with a JWK URI (as Firebase, Auth0 or Okta apps
 * were set up), Google and Apple ID tokens (the keys served by a local key server in their place).
 */
import * as Realm from "realm-web";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startKeyServer, signingKey, type KeyServer, type SigningKey } from "../keyServer.js";
import { startAppServer, type AppServer } from "../appServer.js";
import { realmWebError as rejection } from "./realmWebError.js";

const GOOGLE_CLIENT = "1234-abc.apps.googleusercontent.com";
const APPLE_CLIENT = "com.example.web";
let jwks: KeyServer;
let googleKeys: KeyServer;
let appleKeys: KeyServer;
let idp: SigningKey;
let google: SigningKey;
let apple: SigningKey;
let running: AppServer;
let app: Realm.App;

const googleToken = (sub: string, email = "ann@example.com") =>
  google.sign({ iss: "https://accounts.google.com", aud: GOOGLE_CLIENT, sub, email, email_verified: true });

beforeAll(async () => {
  [idp, google, apple] = await Promise.all([signingKey("idp-1"), signingKey("g-1"), signingKey("a-1")]);
  [jwks, googleKeys, appleKeys] = await Promise.all([
    startKeyServer({ keys: [idp.jwk] }),
    startKeyServer({ keys: [google.jwk] }),
    startKeyServer({ keys: [apple.jwk] }),
  ]);
  running = await startAppServer(
    {
      "auth/providers.json": {
        "anon-user": { name: "anon-user", type: "anon-user", disabled: false },
        "custom-token": {
          name: "custom-token",
          type: "custom-token",
          disabled: false,
          config: { audience: ["my-project"], useJWKURI: true, jwkURI: jwks.url },
          secret_config: { signingKeys: [] },
          metadata_fields: [{ required: false, name: "email", field_name: "email" }],
        },
        "oauth2-google": {
          name: "oauth2-google",
          type: "oauth2-google",
          disabled: false,
          config: { clientId: GOOGLE_CLIENT, openId: true },
          secret_config: { clientSecret: "google-secret" },
          domain_restrictions: ["example.com"],
        },
        "oauth2-apple": {
          name: "oauth2-apple",
          type: "oauth2-apple",
          disabled: false,
          config: { clientId: APPLE_CLIENT },
          secret_config: { clientSecret: "apple-secret" },
        },
        "oauth2-facebook": { name: "oauth2-facebook", type: "oauth2-facebook", disabled: false, config: { clientId: "fb" } },
      },
    },
    { appId: "idp-app", config: { oauthKeyUrls: { "oauth2-google": googleKeys.url, "oauth2-apple": appleKeys.url } } },
  );
  app = new Realm.App({ id: "idp-app", baseUrl: running.server.url });
});

afterAll(async () => {
  await running?.close();
  await Promise.all([jwks, googleKeys, appleKeys].map((k) => k?.close()));
});

describe("realm-web logs in with third-party tokens", () => {
  test("Credentials.jwt with the keys of the provider's JWK URI", async () => {
    const token = await idp.sign({ sub: "firebase-uid-1", aud: "my-project", email: "ann@example.com" });
    const user = await app.logIn(Realm.Credentials.jwt(token));
    expect(user.providerType).toBe("custom-token");
    expect(user.profile.email).toBe("ann@example.com");
    expect(user.identities).toEqual([{ id: "firebase-uid-1", providerType: "custom-token" }]);
    const again = await app.logIn(Realm.Credentials.jwt(await idp.sign({ sub: "firebase-uid-1", aud: "my-project" })));
    expect(again.id).toBe(user.id);
    const other = await rejection(app.logIn(Realm.Credentials.jwt(await idp.sign({ sub: "x", aud: "another-project" }))));
    expect(other).toMatchObject({ statusCode: 401, errorCode: "AuthError" });
    const forged = await rejection(
      app.logIn(Realm.Credentials.jwt(await (await signingKey("idp-1")).sign({ sub: "x", aud: "my-project" }))),
    );
    expect(forged.error).toMatch(/signature/);
  });

  test("Credentials.google({ idToken }) and Credentials.apple(idToken)", async () => {
    const user = await app.logIn(Realm.Credentials.google({ idToken: await googleToken("g-sub-1") }));
    expect(user.providerType).toBe("oauth2-google");
    expect(user.identities).toEqual([{ id: "g-sub-1", providerType: "oauth2-google" }]);
    expect((await app.logIn(Realm.Credentials.google({ idToken: await googleToken("g-sub-1") }))).id).toBe(user.id);
    const outside = await rejection(app.logIn(Realm.Credentials.google({ idToken: await googleToken("g-sub-2", "eve@elsewhere.org") })));
    expect(outside).toMatchObject({ statusCode: 401, errorCode: "AuthError" });
    expect(outside.error).toMatch(/allowed domain/);
    const appleToken = await apple.sign({ iss: "https://appleid.apple.com", aud: APPLE_CLIENT, sub: "001234.apple" });
    const appleUser = await app.logIn(Realm.Credentials.apple(appleToken));
    expect(appleUser.identities).toEqual([{ id: "001234.apple", providerType: "oauth2-apple" }]);
    // Google's token is not Apple's
    expect(await rejection(app.logIn(Realm.Credentials.apple(await googleToken("g-sub-1"))))).toMatchObject({ statusCode: 401 });
  });

  test("an anonymous user links a Google identity", async () => {
    const user = await app.logIn(Realm.Credentials.anonymous());
    await user.linkCredentials(Realm.Credentials.google({ idToken: await googleToken("g-sub-linked") }));
    expect(user.identities.map((i) => i.providerType).sort()).toEqual(["anon-user", "oauth2-google"]);
    expect((await app.logIn(Realm.Credentials.google({ idToken: await googleToken("g-sub-linked") }))).id).toBe(user.id);
  });

  test("logins that need the provider itself are refused with a reason", async () => {
    const code = await rejection(app.logIn(Realm.Credentials.google({ authCode: "4/0Adeu5BW" })));
    expect(code).toMatchObject({ statusCode: 401, errorCode: "AuthError" });
    expect(code.error).toMatch(/authorization code are not supported.*ID token/);
    const facebook = await rejection(app.logIn(Realm.Credentials.facebook("EAAB-token")));
    expect(facebook.error).toMatch(/access token are not supported/);
    expect(running.server.warnings.filter((w) => w.includes("oauth2-"))).toEqual([
      expect.stringMatching(/oauth2-google .*ID token logins are verified .*authorization code logins are refused/),
      expect.stringMatching(/oauth2-apple .*ID token logins are verified/),
      expect.stringMatching(/oauth2-facebook .*access token logins are refused/),
    ]);
  });
});
