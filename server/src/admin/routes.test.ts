import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../index.js";
import { TestClient } from "../../test/testClient.js";

const ADMIN = "admin-routes-token";
let server: RunningServer;
let c: TestClient;

beforeAll(async () => {
  server = await startServer({ inMemory: true, appId: "adm", adminToken: ADMIN, allowAllData: true, onWarning: () => undefined });
  c = new TestClient(server.url, "adm");
});
afterAll(() => server.close());

const admin = (method: string, path: string, body?: unknown, token = ADMIN) =>
  c.request(method, `${server.url}/admin/v1${path}`, { token, ...(body === undefined ? {} : { rawBody: JSON.stringify(body) }) });

describe("admin access", () => {
  it("refuses a wrong or missing admin token with 401", async () => {
    expect((await admin("GET", "/counters", undefined, "wrong")).status).toBe(401);
    const res = await c.request("GET", `${server.url}/admin/v1/counters`);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error_code: "Unauthorized" });
  });

  it("requires the Bearer scheme: the bare token or another scheme gets 401", async () => {
    for (const authorization of [ADMIN, `Basic ${ADMIN}`, `Token ${ADMIN}`, `Bearer`, `Bearer  `]) {
      const res = await fetch(`${server.url}/admin/v1/counters`, { headers: { authorization }, signal: AbortSignal.timeout(5000) });
      expect(res.status, authorization).toBe(401);
    }
    const ok = await fetch(`${server.url}/admin/v1/counters`, {
      headers: { authorization: `bearer ${ADMIN}` },
      signal: AbortSignal.timeout(5000),
    });
    expect(ok.status).toBe(200);
  });

  it("refuses an empty or short admin token when the server starts", async () => {
    for (const adminToken of ["", "short", "        "]) {
      await expect(startServer({ inMemory: true, adminToken }), JSON.stringify(adminToken)).rejects.toMatchObject({
        errorCode: "InvalidConfig",
      });
    }
  });

  it("does not exist without an admin token", async () => {
    const plain = await startServer({ inMemory: true });
    try {
      const res = await fetch(`${plain.url}/admin/v1/counters`, {
        headers: { authorization: `Bearer ${ADMIN}` },
        signal: AbortSignal.timeout(5000),
      });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error_code: "NotFound" });
    } finally {
      await plain.close();
    }
  });
});

describe("counters", () => {
  it("counts logins, refreshes, function calls and per-route totals; reset zeroes them", async () => {
    await admin("POST", "/counters/reset");
    const login = await c.logIn("anon-user");
    await c.logIn("anon-user");
    await c.request("POST", "/auth/session", { token: login.refresh_token });
    await c.request("POST", c.app("/functions/call"), { token: login.access_token, body: { name: "missing", arguments: [] } });
    await c.request("GET", "/auth/profile", { token: login.access_token });
    const res = await admin("GET", "/counters");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.body).toMatchObject({
      logins: 2,
      refreshes: 1,
      functionCalls: 1,
      openStreams: 0,
      routes: { login: 2, refresh: 1, functionCall: 1, profile: 1, link: 0 },
    });
    await admin("POST", "/counters/reset");
    expect((await admin("GET", "/counters")).body).toMatchObject({ logins: 0, refreshes: 0, functionCalls: 0 });
  });

  it("counts the requests whose client closed the connection before the answer", async () => {
    await admin("POST", "/counters/reset");
    const login = await c.logIn("anon-user");
    await admin("POST", "/faults", { kind: "delay", route: "functionCall", count: 1, delayMs: 5_000 });
    const client = new AbortController();
    const call = fetch(`${server.url}/api/client/v2.0${c.app("/functions/call")}`, {
      method: "POST",
      headers: { authorization: `Bearer ${login.access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "missing", arguments: [] }),
      signal: client.signal,
    }).catch(() => "aborted");
    await expect.poll(async () => ((await admin("GET", "/counters")).body as { functionCalls: number }).functionCalls).toBe(1);
    client.abort();
    expect(await call).toBe("aborted");
    await expect.poll(async () => (await admin("GET", "/counters")).body).toMatchObject({ abandoned: { functionCall: 1, login: 0 } });
    await admin("POST", "/counters/reset");
    expect((await admin("GET", "/counters")).body).toMatchObject({ abandoned: { functionCall: 0 } });
  });
});

describe("fault injection", () => {
  it("fails the next N requests of a route with the given status, then recovers", async () => {
    const login = await c.logIn("anon-user");
    expect((await admin("POST", "/faults", { kind: "status", route: "refresh", count: 2, status: 503 })).status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const res = await c.request("POST", "/auth/session", { token: login.refresh_token });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error_code: "InjectedFault", error: expect.any(String), link: expect.any(String) });
    }
    expect((await c.request("POST", "/auth/session", { token: login.refresh_token })).status).toBe(200);
    expect((await admin("GET", "/faults")).body).toEqual([]);
  });

  it("can fail with 401 InvalidSession to force a client refresh", async () => {
    const login = await c.logIn("anon-user");
    await admin("POST", "/faults", { kind: "status", route: "profile", count: 1, status: 401, errorCode: "InvalidSession" });
    expect((await c.request("GET", "/auth/profile", { token: login.access_token })).body).toMatchObject({ error_code: "InvalidSession" });
    expect((await c.request("GET", "/auth/profile", { token: login.access_token })).status).toBe(200);
  });

  it("delays the next request of a route", async () => {
    await admin("POST", "/faults", { kind: "delay", route: "location", count: 1, delayMs: 300 });
    const started = Date.now();
    expect((await c.request("GET", c.app("/location"))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("resets the connection of the next request of a route", async () => {
    await admin("POST", "/faults", { kind: "reset", route: "location", count: 1 });
    await expect(c.request("GET", c.app("/location"))).rejects.toThrow();
    expect((await c.request("GET", c.app("/location"))).status).toBe(200);
  });

  it("clears pending faults", async () => {
    await admin("POST", "/faults", { kind: "status", route: "location", count: 5, status: 500 });
    expect((await admin("DELETE", "/faults")).status).toBe(200);
    expect((await c.request("GET", c.app("/location"))).status).toBe(200);
  });

  it.each([
    {},
    { kind: "status", route: "nope", count: 1, status: 500 },
    { kind: "status", route: "login", count: 0, status: 500 },
    { kind: "status", route: "login", count: 1, status: 200 },
    { kind: "delay", route: "login", count: 1 },
    { kind: "explode", route: "login", count: 1 },
  ])("refuses fault %j with 400", async (body) => {
    const res = await admin("POST", "/faults", body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: expect.any(String), error_code: expect.any(String) });
  });
});

describe("sessions, tokens and reset", () => {
  it("revokes every session of a user", async () => {
    const first = await c.logIn("anon-user");
    const second = await c.request("POST", "/auth/session", { token: first.refresh_token });
    expect(second.status).toBe(200);
    expect((await admin("POST", `/users/${first.user_id}/revoke-sessions`)).body).toEqual({ revoked: 1 });
    expect((await c.request("POST", "/auth/session", { token: first.refresh_token })).status).toBe(401);
    expect((await c.request("GET", "/auth/profile", { token: first.access_token })).status).toBe(401);
  });

  it("answers 404 for a missing email token and 400 without an email", async () => {
    expect((await admin("GET", "/userpass/tokens?email=none@example.com")).status).toBe(404);
    expect((await admin("GET", "/userpass/tokens")).status).toBe(400);
  });

  it("reset wipes users, sessions and stored documents", async () => {
    const login = await c.logIn("anon-user");
    await c.request("POST", c.app("/auth/providers/local-userpass/register"), { body: { email: "wipe@example.com", password: "secret1" } });
    const insert = { name: "insertOne", service: "mongodb-atlas", arguments: [{ database: "d", collection: "c", document: { a: 1 } }] };
    expect((await c.request("POST", c.app("/functions/call"), { token: login.access_token, body: insert })).status).toBe(200);
    expect((await admin("POST", "/reset")).status).toBe(200);
    expect((await c.request("GET", "/auth/profile", { token: login.access_token })).status).toBe(401);
    const again = await c.request("POST", c.app("/auth/providers/local-userpass/register"), {
      body: { email: "wipe@example.com", password: "secret1" },
    });
    expect(again.status).toBe(200);
    const fresh = await c.logIn("anon-user");
    const count = await c.request("POST", c.app("/functions/call"), {
      token: fresh.access_token,
      body: { name: "count", service: "mongodb-atlas", arguments: [{ database: "d", collection: "c", query: {} }] },
    });
    expect(count.body).toBe(0);
  });
});
