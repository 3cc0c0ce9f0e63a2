/**
 * A key server for tests: serves a JSON document (a JWK Set, one JWK, anything) on 127.0.0.1 and
 * counts its requests, as Google's, Apple's or an identity provider's JWK URI would.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair, type JWK, type JWTPayload } from "jose";

/** A running key server. */
export interface KeyServer {
  /** The URL it serves the document at. */
  url: string;
  /** Requests served so far. */
  readonly hits: number;
  /** Replaces what it serves: a JSON value, or a status with no body. */
  serve(document: unknown, status?: number): void;
  /** Stops it. */
  close(): Promise<void>;
}

/** Starts a key server serving `document`. */
export async function startKeyServer(document: unknown): Promise<KeyServer> {
  let body = document;
  let status = 200;
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(status === 200 ? JSON.stringify(body) : "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/keys`,
    get hits() {
      return hits;
    },
    serve(document: unknown, code = 200) {
      body = document;
      status = code;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An RS256 signing key with its public JWK (with `kid`, `alg` and `use`). */
export interface SigningKey {
  /** The public key, as a key set lists it. */
  jwk: JWK;
  /** The private key, to sign tokens by other means. */
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
  /** Signs `claims` (expiring in `exp`, default 5 minutes) with this key, naming its `kid`. */
  sign(claims: JWTPayload, exp?: string | number): Promise<string>;
}

/** A new RS256 key named `kid`. */
export async function signingKey(kid: string): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return {
    jwk,
    privateKey,
    sign: (claims, exp = "5m") =>
      new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid }).setIssuedAt().setExpirationTime(exp).sign(privateKey),
  };
}
