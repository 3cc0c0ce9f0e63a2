/**
 * Hostile input through HTTP: a seeded generator of random JSON, EJSON-shaped values, garbage
 * bodies, headers and query strings against every route (client API, API keys, email/password,
 * functions, the SSE watch route and the admin API). Every answer is < 500 and every error is an
 * App Services error body; the server keeps serving afterwards. Also: tampered, expired and
 * forged session tokens, and the failed-login throttle, through HTTP.
 * Replay a failure with `FUZZ_SEED=<seed> npx vitest run server/http/fuzz`.
 */
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../index.js";
import { TestClient, type LoginBody } from "../../test/testClient.js";
import { prng } from "../../test/prng.js";

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const CASES_PER_ROUTE = Number(process.env.FUZZ_CASES ?? 30);
const ADMIN = "fuzz-admin-token";

const KEYS = [
  "name",
  "arguments",
  "service",
  "username",
  "password",
  "email",
  "token",
  "tokenId",
  "key",
  "options",
  "$oid",
  "$date",
  "$numberLong",
  "$numberDouble",
  "$binary",
  "$regex",
  "__proto__",
  "constructor",
  "database",
  "collection",
  "query",
  "document",
  "kind",
  "route",
  "count",
  "status",
];

function fuzzer(seed: number) {
  const r = prng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const str = (): string => {
    const len = pick([0, 1, 3, 8, 40, 300]);
    let s = "";
    for (let i = 0; i < len; i++) s += String.fromCharCode(pick([int(32), 32 + int(95), 0x80 + int(0x780), 0xd800 + int(0x800)]));
    return s;
  };
  const value = (depth: number): unknown => {
    switch (depth > 4 ? int(5) : int(9)) {
      case 0:
        return null;
      case 1:
        return r() < 0.5;
      case 2:
        return pick([0, -1, 1e308, -0, 2 ** 53 + 1, 3.14, Number.MAX_SAFE_INTEGER]);
      case 3:
        return str();
      case 4:
        return pick(KEYS);
      case 5:
        return Array.from({ length: int(5) }, () => value(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = int(5); i > 0; i--) o[r() < 0.7 ? pick(KEYS) : str()] = value(depth + 1);
        return o;
      }
    }
  };
  const body = (): string | undefined => {
    switch (int(8)) {
      case 0:
        return undefined;
      case 1:
        return str();
      case 2:
        return JSON.stringify(value(0)).slice(0, int(50));
      case 3:
        return "[".repeat(3000 + int(3000)) + "]".repeat(int(2) * 3000);
      case 4:
        return `{"a":${'{"b":'.repeat(2000)}1${"}".repeat(2000)}}`;
      default:
        return JSON.stringify(value(0));
    }
  };
  const headers = (): Record<string, string> => {
    const h: Record<string, string> = {};
    const ct = pick([
      "application/json",
      "application/json; charset=utf-8",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/ejson",
      "",
    ]);
    if (ct) h["content-type"] = ct;
    if (r() < 0.3)
      h["authorization"] = pick([
        "Bearer",
        "Bearer x.y.z",
        "Basic Zm9vOmJhcg==",
        `Bearer ${str().replace(/[^\x21-\x7e]/g, "a")}`,
        "bearer a.b.c",
      ]);
    if (r() < 0.2) h["accept"] = pick(["text/event-stream", "*/*", "application/xml"]);
    return h;
  };
  const query = (): string => {
    if (r() < 0.5) return "";
    const parts = Array.from(
      { length: 1 + int(3) },
      () =>
        `${pick(["link", "baas_request", "baas_at", "x", "link[]", "__proto__"])}=${encodeURIComponent(pick([str(), "true", Buffer.from(JSON.stringify(value(0)) ?? "").toString("base64")]).replace(/[\ud800-\udfff]/g, "?"))}`,
    );
    return `?${parts.join("&")}`;
  };
  return { int, pick, body, headers, query, r };
}

let server: RunningServer;
let c: TestClient;
let user: LoginBody;

beforeAll(async () => {
  server = await startServer({
    inMemory: true,
    appId: "fuzz",
    adminToken: ADMIN,
    config: { bodyLimitBytes: 64 * 1024, maxFailedLogins: 3 },
  });
  c = new TestClient(server.url, "fuzz");
  user = await c.logIn("anon-user");
});
afterAll(() => server.close());

type Route = { method: string; path: string; auth: "access" | "refresh" | "admin" | "none" };
const app = (p: string) => `/api/client/v2.0/app/fuzz${p}`;
const api = (p: string) => `/api/client/v2.0${p}`;
const ROUTES: Route[] = [
  { method: "GET", path: app("/location"), auth: "none" },
  ...["anon-user", "local-userpass", "api-key", "custom-token", "custom-function", "nope"].flatMap((p): Route[] => [
    { method: "POST", path: app(`/auth/providers/${p}/login`), auth: "none" },
    { method: "POST", path: app(`/auth/providers/${p}/login`), auth: "access" },
  ]),
  ...["register", "confirm", "confirm/send", "confirm/call", "reset", "reset/send", "reset/call"].map((p): Route => ({
    method: "POST",
    path: app(`/auth/providers/local-userpass/${p}`),
    auth: "none",
  })),
  { method: "GET", path: api("/auth/profile"), auth: "access" },
  { method: "POST", path: api("/auth/session"), auth: "refresh" },
  { method: "POST", path: api("/auth/api_keys"), auth: "refresh" },
  { method: "GET", path: api("/auth/api_keys"), auth: "refresh" },
  { method: "GET", path: api("/auth/api_keys/zz"), auth: "refresh" },
  { method: "GET", path: api("/auth/api_keys/000000000000000000000000"), auth: "refresh" },
  { method: "DELETE", path: api("/auth/api_keys/%00"), auth: "refresh" },
  { method: "PUT", path: api("/auth/api_keys/zz/enable"), auth: "refresh" },
  { method: "PUT", path: api("/auth/api_keys/zz/disable"), auth: "refresh" },
  { method: "POST", path: app("/functions/call"), auth: "access" },
  { method: "GET", path: app("/functions/call"), auth: "none" },
  { method: "GET", path: app("/functions/call"), auth: "access" },
  { method: "GET", path: "/admin/v1/counters", auth: "admin" },
  { method: "GET", path: "/admin/v1/faults", auth: "admin" },
  { method: "POST", path: "/admin/v1/faults", auth: "admin" },
  { method: "GET", path: "/admin/v1/userpass/tokens", auth: "admin" },
  { method: "POST", path: "/admin/v1/reset", auth: "none" },
  { method: "PATCH", path: api("/auth/session"), auth: "access" },
  { method: "POST", path: "/api/client/v2.0/app/%E0%A4%A/location", auth: "none" },
];

interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

/** Sends one request; a stream (200 text/event-stream) is cancelled at once. */
async function send(method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
  const init: RequestInit = { method, headers, signal: AbortSignal.timeout(15_000) };
  if (body !== undefined && method !== "GET") init.body = body;
  const res = await fetch(`${server.url}${path}`, init);
  const contentType = res.headers.get("content-type") ?? "";
  if (contentType.startsWith("text/event-stream")) {
    await res.body?.cancel();
    return { status: res.status, contentType, body: null };
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, contentType, body: parsed };
}

function tokenFor(auth: Route["auth"]): string | undefined {
  if (auth === "access") return user.access_token;
  if (auth === "refresh") return user.refresh_token;
  if (auth === "admin") return ADMIN;
  return undefined;
}

describe(`fuzzed requests on every route (seed ${SEED}, ${CASES_PER_ROUTE} per route)`, () => {
  for (const [i, route] of ROUTES.entries()) {
    it(`${route.method} ${route.path} (${route.auth})`, async () => {
      const f = fuzzer(SEED + i);
      for (let n = 0; n < CASES_PER_ROUTE; n++) {
        const headers = f.headers();
        const token = tokenFor(route.auth);
        if (token !== undefined && !headers["authorization"]) headers["authorization"] = `Bearer ${token}`;
        const body = f.body();
        const path = route.path + f.query();
        const a = await send(route.method, path, headers, body);
        const where = `case ${n} (seed ${SEED + i}): ${route.method} ${path.slice(0, 120)} body ${String(body).slice(0, 80)}`;
        expect(a.status, where).toBeLessThan(500);
        if (a.status >= 400) {
          expect(a.contentType, where).toContain("application/json");
          expect(a.body, where).toMatchObject({ error: expect.any(String), error_code: expect.any(String) });
        }
      }
    }, 120_000);
  }

  it("still serves a login and a profile afterwards", async () => {
    const again = await c.logIn("anon-user");
    expect((await c.request("GET", "/auth/profile", { token: again.access_token })).status).toBe(200);
  });
});

describe("session tokens through HTTP", () => {
  const flip = (jwt: string, part: number) => {
    const parts = jwt.split(".");
    const p = parts[part]!;
    parts[part] = (p[0] === "A" ? "B" : "A") + p.slice(1);
    return parts.join(".");
  };

  it.each([
    ["a tampered payload", () => flip(user.access_token, 1)],
    ["a tampered signature", () => flip(user.access_token, 2)],
    ["alg none", () => `${btoa(JSON.stringify({ alg: "none", typ: "JWT" })).replace(/=+$/, "")}.${user.access_token.split(".")[1]}.`],
    ["a refresh token used as access token", () => user.refresh_token],
  ])("refuses %s with 401 InvalidSession", async (_label, make) => {
    const res = await c.request("GET", "/auth/profile", { token: make() });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error_code: "InvalidSession" });
  });

  it("refuses a refresh token signed with another key, or with a wrong audience and expired", async () => {
    const other = new TextEncoder().encode("not-the-server-secret-not-the-server");
    const forged = await new SignJWT({ typ: "refresh", baas_session_id: "s" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("u")
      .setExpirationTime("5m")
      .sign(other);
    const expired = await new SignJWT({ typ: "refresh" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("u")
      .setAudience("other")
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(other);
    for (const token of [forged, expired]) {
      const res = await c.request("POST", "/auth/session", { token });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error_code: "InvalidSession" });
    }
  });

  it("refuses an access token once it expired", async () => {
    const short = await startServer({ inMemory: true, appId: "fuzz", accessTokenTtlSeconds: 1 });
    try {
      const sc = new TestClient(short.url, "fuzz");
      const u = await sc.logIn("anon-user");
      expect((await sc.request("GET", "/auth/profile", { token: u.access_token })).status).toBe(200);
      await expect
        .poll(async () => (await sc.request("GET", "/auth/profile", { token: u.access_token })).status, { timeout: 10_000, interval: 500 })
        .toBe(401);
    } finally {
      await short.close();
    }
  });
});

describe("brute force through HTTP", () => {
  it("locks an account after repeated failed logins (429), even for the right password, and other accounts keep working", async () => {
    const email = "victim@example.com";
    const reg = await c.request("POST", c.app("/auth/providers/local-userpass/register"), { body: { email, password: "right-password" } });
    expect(reg.status).toBeLessThan(300);
    await c.request("POST", c.app("/auth/providers/local-userpass/register"), {
      body: { email: "other@example.com", password: "right-password" },
    });
    const login = (username: string, password: string) =>
      c.request("POST", c.app("/auth/providers/local-userpass/login"), { body: { username, password } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(email, `wrong-${i}`)).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const locked = await login(email, "right-password");
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ error_code: "TooManyRequests" });
    expect((await login("other@example.com", "right-password")).status).toBe(200);
  }, 60_000);
});
