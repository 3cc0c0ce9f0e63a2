import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../index.js";
import { TestClient, type LoginBody } from "../../test/testClient.js";

let server: RunningServer;
let c: TestClient;
let user: LoginBody;

beforeAll(async () => {
  server = await startServer({ inMemory: true, appId: "fuzz", config: { bodyLimitBytes: 64 * 1024 } });
  c = new TestClient(server.url, "fuzz");
  user = await c.logIn("anon-user");
});
afterAll(() => server.close());

const MALFORMED = [
  "{",
  "not json",
  "[1,2",
  '{"$oid":"zz"}',
  '{"a":{"$date":"not a date"}}',
  '{"a":{"$numberLong":"x"}}',
  "null",
  "42",
  '"string"',
  "[]",
  '{"options":5}',
  '{"username":{"$regex":"."},"password":[]}',
];

const ROUTES: { label: string; method: string; path: () => string; token: () => string | undefined }[] = [
  {
    label: "/auth/providers/anon-user/login",
    method: "POST",
    path: () => c.app("/auth/providers/anon-user/login"),
    token: () => undefined,
  },
  {
    label: "/auth/providers/local-userpass/login",
    method: "POST",
    path: () => c.app("/auth/providers/local-userpass/login"),
    token: () => undefined,
  },
  { label: "/auth/providers/api-key/login", method: "POST", path: () => c.app("/auth/providers/api-key/login"), token: () => undefined },
  {
    label: "/auth/providers/local-userpass/register",
    method: "POST",
    path: () => c.app("/auth/providers/local-userpass/register"),
    token: () => undefined,
  },
  {
    label: "/auth/providers/local-userpass/reset/call",
    method: "POST",
    path: () => c.app("/auth/providers/local-userpass/reset/call"),
    token: () => undefined,
  },
  { label: "/functions/call", method: "POST", path: () => c.app("/functions/call"), token: () => user.access_token },
  { label: "/auth/api_keys", method: "POST", path: () => "/auth/api_keys", token: () => user.refresh_token },
];

describe("malformed bodies never give a 5xx", () => {
  for (const route of ROUTES) {
    it.each(MALFORMED)(`${route.method} ${route.label} with %s`, async (rawBody) => {
      const token = route.token();
      const res = await c.request(route.method, route.path(), { rawBody, ...(token === undefined ? {} : { token }) });
      // An anonymous login ignores the body's fields, so some inputs are accepted there.
      if (res.status === 200) {
        expect(route.path()).toContain("anon-user");
        expect(["null", '{"options":5}', '{"username":{"$regex":"."},"password":[]}', '{"a":{"$date":"not a date"}}']).toContain(rawBody);
        return;
      }
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(res.body).toEqual({ error: expect.any(String), error_code: expect.any(String), link: expect.any(String) });
    });
  }
});

describe("other bad input", () => {
  it("answers 413 with an error body for a body over the limit", async () => {
    const res = await c.request("POST", c.app("/functions/call"), {
      token: user.access_token,
      rawBody: JSON.stringify({ name: "x", arguments: ["a".repeat(70 * 1024)] }),
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error_code: "RequestTooLarge" });
  });

  it("answers 415 for an unsupported content type", async () => {
    const res = await c.request("POST", c.app("/functions/call"), {
      token: user.access_token,
      rawBody: "<x/>",
      headers: { "content-type": "application/xml" },
    });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ error: expect.any(String), error_code: "BadRequest" });
  });

  it("answers 404 with an error body for unknown routes and methods", async () => {
    for (const [method, path] of [
      ["GET", "/nope"],
      ["PATCH", "/auth/session"],
      ["GET", c.app("/auth/providers/anon-user/login")],
    ] as const) {
      const res = await c.request(method, path);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error_code: "NotFound" });
    }
  });

  it("answers 401 for malformed Authorization headers", async () => {
    for (const authorization of ["Bearer", "Basic abc", "Bearer a b", "Bearer " + "x".repeat(5000)]) {
      const res = await c.request("GET", "/auth/profile", { headers: { authorization } });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error_code: "InvalidSession" });
    }
  });

  it("answers 400 BadRequest for an Extended JSON wrapper bson would read as a wrong value", async () => {
    for (const wrapper of ['{"$date":"not a date"}', '{"$numberInt":"99999999999"}', '{"$binary":{"base64":"!!","subType":"00"}}']) {
      const res = await c.request("POST", c.app("/functions/call"), {
        token: user.access_token,
        rawBody: `{"name":"anything","arguments":[{"value":${wrapper}}]}`,
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error_code: "BadRequest", error: expect.stringMatching(/^malformed EJSON body: invalid \$/) });
    }
  });

  it("still serves requests after all of the above", async () => {
    expect((await c.request("GET", "/auth/profile", { token: user.access_token })).status).toBe(200);
  });
});
