import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../config.js";
import { startKeyServer, signingKey, type KeyServer, type SigningKey } from "../../test/keyServer.js";
import { CustomTokenVerifier } from "./customToken.js";
import { remoteKeys } from "./jwks.js";
import { authError } from "../../test/rejection.js";

let keys: KeyServer;
let a: SigningKey;
let b: SigningKey;

beforeAll(async () => {
  [a, b] = await Promise.all([signingKey("a"), signingKey("b")]);
  keys = await startKeyServer({ keys: [a.jwk, b.jwk] });
});
afterAll(() => keys.close());

const refusal = authError;

describe("custom-token with a JWK URI", () => {
  it("verifies tokens signed by any key of the set, fetching the set once", async () => {
    const verifier = new CustomTokenVerifier({ algorithm: "RS256", jwkUri: keys.url, metadataFields: [{ name: "email", required: true }] });
    const before = keys.hits;
    expect(await verifier.verify(await a.sign({ sub: "ann", email: "ann@example.com" }))).toEqual({
      id: "ann",
      providerType: "custom-token",
      data: { email: "ann@example.com" },
    });
    expect((await verifier.verify(await b.sign({ sub: "bob", email: "bob@example.com" }))).id).toBe("bob");
    expect(keys.hits - before).toBe(1);
  });

  it("reads a URI that serves one JWK", async () => {
    const single = await startKeyServer(a.jwk);
    try {
      const verifier = new CustomTokenVerifier({ algorithm: "RS256", jwkUri: single.url, metadataFields: [] });
      expect((await verifier.verify(await a.sign({ sub: "solo" }))).id).toBe("solo");
      await refusal(verifier.verify(await b.sign({ sub: "solo" })));
    } finally {
      await single.close();
    }
  });

  it("refuses a key outside the set, a token without exp, another audience, and an HS256 token", async () => {
    const stranger = await signingKey("a"); // same kid, other key
    const verifier = new CustomTokenVerifier({ algorithm: "RS256", jwkUri: keys.url, audience: "my-app", metadataFields: [] });
    expect((await verifier.verify(await a.sign({ sub: "x", aud: "my-app" }))).id).toBe("x");
    expect((await refusal(verifier.verify(await stranger.sign({ sub: "x", aud: "my-app" })))).message).toMatch(/signature/);
    expect((await refusal(verifier.verify(await a.sign({ sub: "x", aud: "other" })))).message).toMatch(/aud/);
    const forever = await new SignJWT({ sub: "x", aud: "my-app" }).setProtectedHeader({ alg: "RS256", kid: "a" }).sign(a.privateKey);
    expect((await refusal(verifier.verify(forever))).message).toMatch(/"exp" claim/);
    const hs = await new SignJWT({ sub: "x", aud: "my-app" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("5m")
      .sign(new Uint8Array(32));
    expect((await refusal(verifier.verify(hs))).message).toMatch(/alg/);
    await refusal(verifier.verify("not.a.jwt"));
  });

  it("without an audience configured, wants the app id in aud (a published key set signs for many apps)", async () => {
    const verifier = new CustomTokenVerifier({ algorithm: "RS256", jwkUri: keys.url, metadataFields: [] }, "my-app-id");
    expect((await verifier.verify(await a.sign({ sub: "x", aud: "my-app-id" }))).id).toBe("x");
    expect((await verifier.verify(await a.sign({ sub: "x", aud: ["other", "my-app-id"] }))).id).toBe("x");
    expect((await refusal(verifier.verify(await a.sign({ sub: "x", aud: "another-project" })))).message).toMatch(/aud/);
    expect((await refusal(verifier.verify(await a.sign({ sub: "x" })))).message).toMatch(/aud/);
  });

  it("refuses logins while the URI fails, without fetching it for each login", async () => {
    const flaky = await startKeyServer({ keys: [a.jwk] });
    try {
      flaky.serve(null, 503);
      const verifier = new CustomTokenVerifier({ algorithm: "RS256", jwkUri: flaky.url, metadataFields: [] });
      const token = await a.sign({ sub: "later" });
      expect((await refusal(verifier.verify(token))).message).toMatch(
        /^invalid custom auth token: cannot read the signing keys at http.*200 OK/,
      );
      const hits = flaky.hits;
      flaky.serve({ keys: [a.jwk] });
      expect((await refusal(verifier.verify(token))).message).toMatch(/cannot read the signing keys/);
      expect(flaky.hits).toBe(hits);
    } finally {
      await flaky.close();
    }
  });

  it("refuses logins when the URI cannot be reached", async () => {
    const silent = await startKeyServer({ keys: [a.jwk] });
    const url = silent.url;
    await silent.close();
    const verifier = new CustomTokenVerifier({ algorithm: "RS256", jwkUri: url, metadataFields: [] });
    expect((await refusal(verifier.verify(await a.sign({ sub: "x" })))).message).toMatch(/cannot read the signing keys at/);
  });
});

describe("remoteKeys", () => {
  it("reads the keys again after a failed fetch, once its retry delay has passed", async () => {
    const flaky = await startKeyServer(null);
    try {
      const getKey = remoteKeys(flaky.url, 1_000, 0);
      const token = await a.sign({ sub: "later" });
      for (const [document, status, error] of [
        [null, 503, /200 OK/],
        [null, 203, /200 OK/],
        [{ not: "keys" }, 200, /malformed/],
        ["x".repeat(300 * 1024), 200, /over 262144 bytes/],
      ] as const) {
        flaky.serve(document, status);
        await expect(jwtVerify(token, getKey)).rejects.toThrow(error);
      }
      flaky.serve({ keys: [a.jwk] });
      expect((await jwtVerify(token, getKey)).payload.sub).toBe("later");
    } finally {
      await flaky.close();
    }
  });

  it("gives up on a key server that does not answer, at its deadline", async () => {
    const silent = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/keys`;
      const token = await a.sign({ sub: "x" });
      await expect(jwtVerify(token, remoteKeys(url, 200))).rejects.toThrow(/cannot read the signing keys at .*timed out/);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("custom-token with several signing keys", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const hs = (secret: string, exp: string | number = "5m") =>
    new SignJWT({ sub: "multi" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime(exp).sign(enc(secret));

  it("accepts a token signed with any of up to three secrets", async () => {
    const verifier = new CustomTokenVerifier({ algorithm: "HS256", secret: ["s1".repeat(16), "s2".repeat(16)], metadataFields: [] });
    expect((await verifier.verify(await hs("s1".repeat(16)))).id).toBe("multi");
    expect((await verifier.verify(await hs("s2".repeat(16)))).id).toBe("multi");
    await refusal(verifier.verify(await hs("s3".repeat(16))));
    // an expired token is refused as expired, whichever key signed it
    expect((await refusal(verifier.verify(await hs("s1".repeat(16), Math.floor(Date.now() / 1000) - 60)))).message).toMatch(/exp/);
  });

  it("accepts a token signed by any of several public keys", async () => {
    const verifier = new CustomTokenVerifier({ algorithm: "RS256", publicKey: [a.jwk, b.jwk], metadataFields: [] });
    expect((await verifier.verify(await b.sign({ sub: "pk" }))).id).toBe("pk");
    await refusal(verifier.verify(await (await signingKey("c")).sign({ sub: "pk" })));
  });

  it("validates the settings", () => {
    const ok = { algorithm: "RS256", jwkUri: "https://example.com/jwks.json" };
    expect(parseConfig({ authProviders: { "custom-token": ok } }).authProviders?.["custom-token"]).toMatchObject(ok);
    for (const bad of [
      { algorithm: "RS256", jwkUri: "ftp://example.com/keys" },
      { algorithm: "RS256", jwkUri: "https://example.com/k", publicKey: "x" },
      { algorithm: "HS256", jwkUri: "https://example.com/k" },
      { algorithm: "HS256", secret: ["a", "b", "c", "d"] },
      { algorithm: "RS256" },
      { algorithm: "RS256", jwkUri: "https://example.com/k", audience: [] },
      { algorithm: "RS256", jwkUri: "https://example.com/k", audience: "" },
    ]) {
      expect(() => parseConfig({ authProviders: { "custom-token": bad } })).toThrow(/custom-token/);
    }
  });
});
