import { createHmac } from "node:crypto";
import { EJSON } from "bson";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { ATLAS } from "../../test/appDir.js";
import { CUSTOM_USER_DATA, startAppServer, type AppServer } from "../../test/appServer.js";
import { getWithBody } from "../../test/getWithBody.js";
import { TestClient, type LoginBody } from "../../test/testClient.js";

// The App Services docs' custom endpoints (docs-app-services: examples/data-api/backend), plus
// endpoints that show the Request and Response objects, System authentication and the answers.
const JWT_KEY = "endpoint-tests-signing-key-of-32-bytes!";
const SECRET = "Super5ecr3tPa55w0rd";
const ep = (route: string, http_method: string, function_name: string, extra: Record<string, unknown> = {}) => ({
  route,
  http_method,
  function_name,
  validation_method: "NO_VALIDATION",
  respond_result: true,
  fetch_custom_user_data: false,
  create_user_on_auth: true,
  disabled: false,
  ...extra,
});

const files = {
  "root_config.json": { name: "endpoints", app_id: "endpoints-app" },
  "data_sources/mongodb-atlas/config.json": ATLAS,
  "auth/providers.json": {
    "anon-user": { type: "anon-user" },
    "api-key": { type: "api-key" },
    "local-userpass": { type: "local-userpass", config: { autoConfirm: true, resetFunctionName: "reset", runResetFunction: true } },
    "custom-token": {
      type: "custom-token",
      config: { signingAlgorithm: "HS256", audience: ["endpoints"] },
      secret_config: { signingKeys: ["jwtKey"] },
    },
  },
  "auth/custom_user_data.json": CUSTOM_USER_DATA,
  "functions/config.json": [
    { name: "endpoint/custom", private: true, run_as_system: true },
    { name: "system/whoami", private: true, run_as_system: true, can_evaluate: { "%%request.requestHeaders.X-Secret-Key": "my-secret" } },
    { name: "admin/count", private: true, run_as_system: true },
    { name: "admin/setColor", private: true, run_as_system: true },
  ],
  "functions/admin/count.js": `exports = async () => ({ n: (await context.services.get("mongodb-atlas").db("myDb").collection("myCollection").find({}).toArray()).length });`,
  "functions/admin/setColor.js": `exports = async (req) => {
    await context.services.get("mongodb-atlas").db("demo").collection("userData").insertOne({ userId: req.query.user, color: req.query.color });
    return "ok";
  };`,
  "functions/reset.js": "exports = () => ({ status: 'fail' });",
  "functions/endpoint/hello.js": `exports = async function hello(req, res) {
    const { name } = JSON.parse(req.body.text());
    return { date: new Date(), greeting: \`Hello, \${name ?? "stranger"}!\` };
  };`,
  "functions/endpoint/hello/latest.js": `exports = async function (req, res) {
    return { greeting: "Hello, Leafie!", date: new Date("2023-05-05T01:02:03.456Z"), id: BSON.ObjectId("5d505646cf6d4fe581014ab2"), price: BSON.Decimal128.fromString("9823.1297"), year: 2022, big: BSON.Long.fromString("9007199254740993"), long: BSON.Long.fromNumber(7), double: BSON.Double(5) };
  };`,
  "functions/endpoint/custom.js": `exports = async function MyCustomEndpoint(request, response) {
    try {
      if (request.body === undefined) throw new Error("Request body was not defined.");
      const body = JSON.parse(request.body.text());
      const { insertedId } = await context.services.get("mongodb-atlas").db("myDb").collection("myCollection").insertOne({ date: new Date(), requestBody: body });
      response.setStatusCode(201);
      response.setBody(JSON.stringify({ insertedId, message: "Successfully saved the request body" }));
    } catch (error) {
      response.setStatusCode(400);
      response.setBody(error.message);
    }
  };`,
  "functions/endpoint/ok.js": "exports = async function (req, res) { return { ok: 1 }; };",
  "functions/endpoint/echo.js": `exports = function (req, res) {
    res.setHeader("X-Route", context.request.webhookUrl);
    res.addHeader("Cache-Control", "max-age=600");
    res.addHeader("Cache-Control", "min-fresh=60");
    return {
      method: context.request.httpMethod,
      rawQuery: context.request.rawQueryString,
      query: req.query,
      custom: req.headers["X-Custom"],
      headerNames: Object.keys(req.headers),
      queryNames: Object.keys(req.query),
      credentialHeaders: ["Authorization", "Apikey", "Password", "Email", "Jwttokenstring"].filter((h) => h in req.headers),
      body: req.body === undefined ? "none" : req.body.toHex(),
      user: context.user.id,
      customData: context.user.custom_data,
      system: context.runningAsSystem(),
    };
  };`,
  "functions/system/whoami.js": "exports = function () { return { type: context.user.type, system: context.runningAsSystem() }; };",
  "functions/endpoint/bad.js": "exports = function (req, res) { res.setStatusCode(99); };",
  "functions/endpoint/throws.js": "exports = function () { throw new Error('boom'); };",
  "https_endpoints/config.json": [
    ep("/custom", "POST", "endpoint/custom"),
    ep("/hello", "POST", "endpoint/hello"),
    ep("/hello/latest", "GET", "endpoint/hello/latest"),
    ep("/passwordRequired", "GET", "endpoint/ok", { validation_method: "SECRET_AS_QUERY_PARAM", secret_name: "secret_password" }),
    ep("/sendMessage", "POST", "endpoint/ok", { validation_method: "VERIFY_PAYLOAD", secret_name: "secret_password" }),
    ep("/echo", "*", "endpoint/echo"),
    ep("/echo/custom-data", "GET", "endpoint/echo", { fetch_custom_user_data: true }),
    ep("/echo/no-new-users", "GET", "endpoint/echo", { create_user_on_auth: false }),
    ep("/quiet", "POST", "endpoint/ok", { respond_result: false }),
    ep("/ejson", "GET", "endpoint/hello/latest", { return_type: "EJSON" }),
    ep("/whoami", "GET", "system/whoami"),
    ep("/admin/count", "GET", "admin/count"),
    ep("/guarded", "GET", "endpoint/ok", { can_evaluate: { "%%request.requestHeaders.X-Key": "k" } }),
    ep("/admin/setColor", "POST", "admin/setColor"),
    ep("/bad", "GET", "endpoint/bad"),
    ep("/throws", "GET", "endpoint/throws"),
    ep("/off", "GET", "endpoint/ok", { disabled: true }),
  ],
};

let app: AppServer;
let c: TestClient;
let base: string;
let anon: LoginBody;
let apiKey: string;

beforeAll(async () => {
  app = await startAppServer(files, { secrets: { jwtKey: JWT_KEY, secret_password: SECRET } });
  c = new TestClient(app.server.url, "endpoints-app");
  base = `${app.server.url}/app/endpoints-app/endpoint`;
  anon = await c.logIn("anon-user");
  const key = await c.request("POST", "/auth/api_keys", { token: anon.refresh_token, body: { name: "endpoints" } });
  apiKey = (key.body as { key: string }).key;
});
afterAll(() => app.close());

function call(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array } = {},
): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: init.method ?? "GET",
    headers: init.headers ?? {},
    body: init.body ?? null,
    signal: AbortSignal.timeout(10_000),
  });
}

describe("the docs' endpoints", () => {
  test("POST /hello with an API key: the body is a BSON.Binary the function reads as text; the result is JSON", async () => {
    const res = await call("/hello", {
      method: "POST",
      headers: { accept: "application/json", apiKey },
      body: JSON.stringify({ name: "Casey" }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = (await res.json()) as { greeting: string; date: string };
    expect(body.greeting).toBe("Hello, Casey!");
    expect(body.date).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  test("GET /hello/latest: JSON or canonical EJSON by the Accept header, BSON types as the Data Formats page lists them", async () => {
    const json = await call("/hello/latest", { headers: { accept: "application/json", apiKey } });
    expect(await json.json()).toEqual({
      greeting: "Hello, Leafie!",
      date: "2023-05-05T01:02:03.456Z",
      id: "5d505646cf6d4fe581014ab2",
      price: "9823.1297",
      year: 2022,
      big: 9007199254740992, // (the client's parser rounds it; the text has every digit)
      long: 7,
      double: 5,
    });
    expect(await (await call("/hello/latest", { headers: { apiKey } })).text()).toContain('"big":9007199254740993');
    const ejson = await call("/hello/latest", { headers: { accept: "application/ejson", apiKey } });
    expect(ejson.headers.get("content-type")).toBe("application/ejson");
    const body = (await ejson.json()) as Record<string, unknown>;
    expect(body["date"]).toEqual({ $date: { $numberLong: "1683248523456" } });
    expect(body["id"]).toEqual({ $oid: "5d505646cf6d4fe581014ab2" });
    expect(body["year"]).toEqual({ $numberInt: "2022" });
    expect(body["big"]).toEqual({ $numberLong: "9007199254740993" });
    // the types the function returned, also where a number would hold the value
    expect(body["long"]).toEqual({ $numberLong: "7" });
    expect(body["double"]).toEqual({ $numberDouble: "5.0" });
    // without an Accept header: the endpoint's return_type (JSON unless it says EJSON)
    expect(((await (await call("/hello/latest", { headers: { apiKey } })).json()) as { year: unknown }).year).toBe(2022);
    expect(((await (await call("/ejson", { headers: { apiKey } })).json()) as { year: unknown }).year).toEqual({ $numberInt: "2022" });
  });

  test("POST /custom (System authentication, no credentials): the function's status code and body, and its insert", async () => {
    const sent = { type: "event", name: "New Year Begins" };
    const res = await call("/custom", { method: "POST", headers: { accept: "application/json" }, body: JSON.stringify(sent) });
    expect(res.status).toBe(201);
    const body = JSON.parse(await res.text()) as { insertedId: string; message: string };
    expect(body.message).toBe("Successfully saved the request body");
    expect(await (await call("/admin/count")).json()).toEqual({ n: 1 });
    const empty = await call("/custom", { method: "POST" });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toBe("Request body was not defined.");
  });

  test("SECRET_AS_QUERY_PARAM: the secret parameter must match", async () => {
    expect(await (await call(`/passwordRequired?secret=${SECRET}`, { headers: { apiKey } })).json()).toEqual({ ok: 1 });
    for (const query of ["", "?secret=wrong"]) {
      const res = await call(`/passwordRequired${query}`, { headers: { apiKey } });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error_code: "Unauthorized" });
    }
  });

  test("VERIFY_PAYLOAD: the docs' signed request verifies; another body or signature does not", async () => {
    const body = '{ "message": "Hello!" }';
    const signature = "sha256=d4f0537db4e230d7a6028a6f7c3bb1b57c9d16f39176d78697e559ac333e0b36";
    const res = await call("/sendMessage", { method: "POST", headers: { apiKey, "Endpoint-Signature": signature }, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: 1 });
    const tampered = await call("/sendMessage", {
      method: "POST",
      headers: { apiKey, "Endpoint-Signature": signature },
      body: '{"message":"Hello!"}',
    });
    expect(tampered.status).toBe(401);
    expect((await call("/sendMessage", { method: "POST", headers: { apiKey }, body })).status).toBe(401);
    const mine = `sha256=${createHmac("sha256", SECRET).update("other").digest("hex")}`;
    expect((await call("/sendMessage", { method: "POST", headers: { apiKey, "Endpoint-Signature": mine }, body: "other" })).status).toBe(
      200,
    );
  });
});

describe("authentication", () => {
  test("a bearer access token, an API key, email and password, or a custom JWT; no credential header reaches the function", async () => {
    await c.request("POST", c.app("/auth/providers/local-userpass/register"), {
      body: { email: "bob@example.com", password: "Pa55w0rd!" },
    });
    const jwt = await new SignJWT({ sub: "carlos", aud: "endpoints" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(JWT_KEY));
    const ways: Record<string, string>[] = [
      // the others come along: the bearer token is used, and none of them reaches the function
      { authorization: `Bearer ${anon.access_token}`, apiKey: "other", password: "p", email: "e", jwtTokenString: "t" },
      { apiKey, authorization: "Basic dXNlcjpwYXNz" },
      { email: "bob@example.com", password: "Pa55w0rd!" },
      { jwtTokenString: jwt },
    ];
    const users: string[] = [];
    for (const headers of ways) {
      const res = await call("/echo", { headers });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { user: string; credentialHeaders: string[]; system: boolean };
      expect(body.credentialHeaders).toEqual([]);
      expect(body.system).toBe(false);
      users.push(body.user);
    }
    expect(users[0]).toBe(anon.user_id);
    expect(users[1]).toBe(anon.user_id);
    expect(new Set(users).size).toBe(3);
  });

  test("without credentials, or with half of them: App Services' Data API errors; wrong ones: the login's own error", async () => {
    const none = await call("/echo");
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ error_code: "InvalidParameter", error: "no authentication methods were specified" });
    // an Authorization header of another scheme is no credential
    expect((await call("/echo", { headers: { authorization: "Basic dXNlcjpwYXNz" } })).status).toBe(400);
    const half = await call("/echo", { headers: { email: "bob@example.com" } });
    expect(half.status).toBe(400);
    expect(await half.json()).toMatchObject({
      error_code: "MissingParameter",
      error: expect.stringContaining("must specify some form of authentication"),
    });
    expect((await call("/echo", { headers: { authorization: "Bearer nope" } })).status).toBe(401);
    expect((await call("/echo", { headers: { apiKey: "nope" } })).status).toBe(401);
    expect((await call("/echo", { headers: { email: "bob@example.com", password: "wrong" } })).status).toBe(401);
  });

  test("create_user_on_auth false refuses credentials no user has yet; fetch_custom_user_data reads custom data", async () => {
    const jwt = await new SignJWT({ sub: "newcomer", aud: "endpoints" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(JWT_KEY));
    const refused = await call("/echo/no-new-users", { headers: { jwtTokenString: jwt } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error_code: "InvalidSession", error: "invalid session: error finding user for endpoint" });
    // a request refused by the endpoint's validation creates no user either
    expect((await call("/passwordRequired?secret=wrong", { headers: { jwtTokenString: jwt } })).status).toBe(401);
    expect((await call("/echo/no-new-users", { headers: { jwtTokenString: jwt } })).status).toBe(401);
    expect((await call("/echo", { headers: { jwtTokenString: jwt } })).status).toBe(200);
    expect((await call("/echo/no-new-users", { headers: { jwtTokenString: jwt } })).status).toBe(200);

    // a confirmed email/password account is a user, logged in before or not
    await c.request("POST", c.app("/auth/providers/local-userpass/register"), {
      body: { email: "new@example.com", password: "Pa55w0rd!" },
    });
    expect((await call("/echo/no-new-users", { headers: { email: "new@example.com", password: "Pa55w0rd!" } })).status).toBe(200);

    const user = await c.logIn("anon-user");
    expect((await call(`/admin/setColor?user=${user.user_id}&color=teal`, { method: "POST" })).status).toBe(200);
    const headers = { authorization: `Bearer ${user.access_token}` };
    expect(await (await call("/echo/custom-data", { headers })).json()).toMatchObject({ customData: { color: "teal" } });
    expect(await (await call("/echo", { headers })).json()).toMatchObject({ customData: {} });
  });

  test("an endpoint's own can_evaluate", async () => {
    expect((await call("/guarded", { headers: { apiKey, "X-Key": "k" } })).status).toBe(200);
    const refused = await call("/guarded", { headers: { apiKey, "X-Key": "other" } });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      error_code: "FunctionExecutionError",
      error: "rule not matched for the HTTPS endpoint GET /guarded",
    });
  });

  test("System authentication: context.user is the system user; can_evaluate reads %%request", async () => {
    const res = await call("/whoami", { headers: { "X-Secret-Key": "my-secret" } });
    expect(await res.json()).toEqual({ type: "system", system: true });
    const refused = await call("/whoami", { headers: { "X-Secret-Key": "other" } });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      error_code: "FunctionExecutionError",
      error: 'rule not matched for function "system/whoami"',
    });
  });
});

describe("the Request and Response objects", () => {
  test("query (first values, no secret), canonical headers, raw body bytes, context.request; headers set and added", async () => {
    const bytes = new Uint8Array([0, 255, 16, 128]);
    const res = await call("/echo?b=2&a=1&a=3&secret=hidden", {
      method: "PUT",
      headers: { apiKey, "x-custom": "yes", "content-type": "application/octet-stream" },
      body: bytes,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-route")).toBe("/echo");
    expect(res.headers.get("cache-control")).toBe("max-age=600, min-fresh=60");
    expect(await res.json()).toMatchObject({
      method: "PUT",
      rawQuery: "b=2&a=1&a=3",
      query: { b: "2", a: "1" },
      custom: ["yes"],
      body: "00ff1080",
    });
    // a header or a parameter named __proto__ stays one
    // (fetch() drops a header named __proto__; Node's own client sends it)
    const proto = JSON.parse((await getWithBody(`${base}/echo?__proto__=1`, "", { apiKey, ["__proto__"]: "yes" })).text) as Record<
      string,
      string[]
    >;
    expect(proto["headerNames"]).toContain("__proto__");
    expect(proto["queryNames"]).toContain("__proto__");
    const get = await call("/echo", { headers: { apiKey } });
    expect(await get.json()).toMatchObject({ method: "GET", body: "none", query: {} });
  });

  test("any body is bytes, also without a content type, and on a GET (as the docs' curl -X GET -d sends it)", async () => {
    const plain = await call("/echo", { method: "POST", headers: { apiKey }, body: new Uint8Array([1, 2]) });
    expect(await plain.json()).toMatchObject({ body: "0102" });
    const sent = '{ "data": "x" }';
    const viaGet = await getWithBody(`${base}/echo`, sent, { apiKey, "content-type": "application/x-www-form-urlencoded" });
    expect(viaGet.status).toBe(200);
    expect(JSON.parse(viaGet.text)).toMatchObject({ method: "GET", body: Buffer.from(sent).toString("hex") });
    // the docs' SECRET_AS_QUERY_PARAM example, as its curl sends it
    const docs = await getWithBody(`${base}/passwordRequired?secret=${SECRET}`, sent, { accept: "application/json", apiKey });
    expect(JSON.parse(docs.text)).toEqual({ ok: 1 });
    const head = await call("/hello/latest", { method: "HEAD", headers: { apiKey } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect((await call("/hello", { method: "HEAD", headers: { apiKey } })).status).toBe(405);
  });

  test("respond_result false answers 204 without a body", async () => {
    const res = await call("/quiet", { method: "POST", headers: { apiKey }, body: "x" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
  });

  test("a function that throws, or misuses the response: 400 FunctionExecutionError", async () => {
    const thrown = await call("/throws", { headers: { apiKey } });
    expect(thrown.status).toBe(400);
    expect(await thrown.json()).toMatchObject({ error_code: "FunctionExecutionError", error: expect.stringContaining("boom") });
    const bad = await call("/bad", { headers: { apiKey } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error_code: "FunctionExecutionError", error: expect.stringContaining("setStatusCode") });
  });

  test("an unknown route is 404, a method the route does not handle 405 with Allow, a disabled endpoint is not served", async () => {
    const unknown = await call("/nope", { headers: { apiKey } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error_code: "EndpointNotFound" });
    const wrong = await call("/hello", { method: "DELETE", headers: { apiKey } });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    expect((await call("/off", { headers: { apiKey } })).status).toBe(404);
    const otherApp = await fetch(`${app.server.url}/app/other/endpoint/hello/latest`, { headers: { apiKey } });
    expect(otherApp.status).toBe(404);
    expect(EJSON.parse(await otherApp.text())).toMatchObject({ error_code: "AppNotFound" });
  });
});

describe("the request log", () => {
  test("shows no endpoint secret and no watch access token", async () => {
    const logged: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    });
    // the server starts inside the try: the spy is restored even if it fails to (the server's test
    // files share their processes, so a spy left behind would swallow later files' output)
    let own: Awaited<ReturnType<typeof startAppServer>> | undefined;
    try {
      own = await startAppServer(
        {
          "functions/config.json": [{ name: "ok", run_as_system: true }],
          "functions/ok.js": "exports = () => 1;",
          "https_endpoints/config.json": [ep("/p", "GET", "ok", { validation_method: "SECRET_AS_QUERY_PARAM", secret_name: "s" })],
        },
        { secrets: { s: "t0ps3cret" }, logger: true },
      );
      const url = `${own.server.url}/app/test-app/endpoint/p`;
      expect((await fetch(`${url}?secret=t0ps3cret&a=1`)).status).toBe(200);
      expect((await fetch(`${url}?secr%65t=t0ps3cret`)).status).toBe(200);
      await fetch(`${own.server.url}/api/client/v2.0/app/test-app/functions/call?baas_request=e30&baas_at=acc3ss.t0ken`);
    } finally {
      await own?.close();
      spy.mockRestore();
    }
    const text = logged.join("");
    expect(text).toContain("/app/test-app/endpoint/p?a=1");
    expect(text).not.toContain("t0ps3cret");
    expect(text).not.toContain("acc3ss.t0ken");
  });
});

describe("a GET's body", () => {
  test("is read up to the body limit; over it the answer is 413 RequestTooLarge", async () => {
    const own = await startAppServer(
      {
        "functions/config.json": [{ name: "size", run_as_system: true }],
        "functions/size.js": "exports = (req) => ({ size: req.body === undefined ? 0 : req.body.buffer.length });",
        "https_endpoints/config.json": [ep("/size", "GET", "size")],
      },
      { config: { bodyLimitBytes: 100 } },
    );
    try {
      const url = `${own.server.url}/app/test-app/endpoint/size`;
      expect(JSON.parse((await getWithBody(url, "x".repeat(100))).text)).toEqual({ size: 100 });
      const over = await getWithBody(url, "x".repeat(101));
      expect(over.status).toBe(413);
      expect(JSON.parse(over.text)).toMatchObject({ error_code: "RequestTooLarge" });
      expect(JSON.parse((await getWithBody(url, "")).text)).toEqual({ size: 0 });
    } finally {
      await own.close();
    }
  });
});
