import { Binary, EJSON, ObjectId } from "bson";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createHttpClient, type FunctionHttpClient, type HttpRequest, type HttpResponse } from "./httpClient.js";
import { isolatedRealm } from "./sandbox.js";

/** What the echo route answers: the request as the server saw it. */
interface Echo {
  method: string;
  path: string;
  query: [string, string][];
  headers: Record<string, string[]>;
  body: string;
}

let server: Server;
let base: string;
let host: string;
let hits = 0;

/** The test server: echo by default, and a few routes for redirects, statuses, cookies, silence. */
function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const url = new URL(req.url ?? "/", "http://localhost");
  const status = /^\/status\/(\d{3})$/.exec(url.pathname);
  if (url.pathname === "/never") return; // never answers (the deadline test)
  if (url.pathname === "/redirect") {
    res.writeHead(302, { Location: "/echo?from=redirect" }).end("moving");
  } else if (status?.[1] !== undefined) {
    const reason = url.searchParams.get("reason");
    if (reason === null) res.writeHead(Number(status[1]), { "Content-Type": "text/plain" });
    else res.writeHead(Number(status[1]), reason, { "Content-Type": "text/plain" });
    res.end(`status ${status[1]}`);
  } else if (url.pathname === "/cookies") {
    res.setHeader("Set-Cookie", ["session=abc123; Path=/; HttpOnly", "theme=dark"]);
    res.setHeader("x-custom-thing", "custom");
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("héllo ✓");
  } else {
    const echo: Echo = { method: req.method ?? "", path: url.pathname, query: [...url.searchParams], headers: {}, body: body.toString() };
    for (const [name, values] of Object.entries(req.headersDistinct)) if (values) echo.headers[name] = values;
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(echo));
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = `http://${host}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const client = (): FunctionHttpClient => createHttpClient(Date.now() + 10_000);
const echoOf = (res: HttpResponse): Echo => JSON.parse(res.body.text()) as Echo;
const bad = (request: unknown): HttpRequest => request as HttpRequest;

describe("methods", () => {
  test.each(["get", "post", "put", "patch", "delete"] as const)("%s sends its method", async (method) => {
    const send = client()[method]; // a detached method works, as functions may destructure context.http
    const res = await send({ url: `${base}/echo/${method}` });
    expect(echoOf(res)).toMatchObject({ method: method.toUpperCase(), path: `/echo/${method}` });
  });

  test("head resolves with the headers and an empty body", async () => {
    const res = await client().head({ url: `${base}/echo` });
    expect(res.statusCode).toBe(200);
    expect(res.headers["Content-Type"]).toEqual(["application/json"]);
    expect(res.body.text()).toBe("");
    expect(res.contentLength).toBe(0);
  });
});

describe("target URL", () => {
  test("url with a query string", async () => {
    const echo = echoOf(await client().get({ url: `${base}/users?id=8675309&color=red&color=blue` }));
    expect(echo).toMatchObject({
      path: "/users",
      query: [
        ["id", "8675309"],
        ["color", "red"],
        ["color", "blue"],
      ],
    });
  });

  test("scheme, host, path and query arrays, as documented", async () => {
    const request = { scheme: "http", host, path: "/api/v1/users", query: { id: ["8675309"], color: ["red", "blue"] }, fragment: "frag" };
    const echo = echoOf(await client().get(request));
    expect(echo).toMatchObject({
      path: "/api/v1/users",
      query: [
        ["id", "8675309"],
        ["color", "red"],
        ["color", "blue"],
      ],
    });
  });

  test("scheme defaults to http; domain is host's alias; a path gets its leading slash", async () => {
    expect(echoOf(await client().get({ host, path: "a/b" })).path).toBe("/a/b");
    expect(echoOf(await client().get({ domain: host })).path).toBe("/");
  });
});

describe("request headers, authentication and cookies", () => {
  test("headers are arrays of values (a single string is accepted)", async () => {
    const headers = { "X-Multi": ["a", "b"], Accept: ["application/json"], "X-Single": "one" };
    const echo = echoOf(await client().get({ url: `${base}/echo`, headers }));
    // fetch sends the values of one name as one comma-joined line, which HTTP defines as equivalent
    expect(echo.headers).toMatchObject({ "x-multi": ["a, b"], accept: ["application/json"], "x-single": ["one"] });
  });

  test("username and password send basic authentication", async () => {
    const echo = echoOf(await client().get({ url: `${base}/echo`, username: "MyUser", password: "Mypassw0rd" }));
    expect(echo.headers.authorization).toEqual([`Basic ${Buffer.from("MyUser:Mypassw0rd").toString("base64")}`]);
  });

  test("credentials in the url send basic authentication, decoded", async () => {
    const echo = echoOf(await client().get({ url: `http://My%20User:p%40ss@${host}/echo` }));
    expect(echo.headers.authorization).toEqual([`Basic ${Buffer.from("My User:p@ss").toString("base64")}`]);
  });

  test("an Authorization header wins over username and password", async () => {
    const echo = echoOf(
      await client().get({ url: `${base}/echo`, username: "u", password: "p", headers: { Authorization: ["Bearer t"] } }),
    );
    expect(echo.headers.authorization).toEqual(["Bearer t"]);
  });

  test("cookies are sent in one Cookie header", async () => {
    const echo = echoOf(await client().get({ url: `${base}/echo`, cookies: { favoriteTeam: "Chicago Cubs", n: "1" } }));
    expect(echo.headers.cookie).toEqual(["favoriteTeam=Chicago Cubs; n=1"]);
  });
});

describe("request body", () => {
  test("a string body is sent as is", async () => {
    const echo = echoOf(
      await client().post({ url: `${base}/echo`, body: '{"msg":"hi"}', headers: { "Content-Type": ["application/json"] } }),
    );
    expect(echo).toMatchObject({ body: '{"msg":"hi"}', headers: { "content-type": ["application/json"] } });
  });

  test.each([
    ["BSON.Binary", new Binary(Buffer.from("bïnary"))],
    ["Buffer", Buffer.from("bïnary")],
    ["Uint8Array", new TextEncoder().encode("bïnary")],
  ])("a %s body is sent as its bytes", async (_, body) => {
    expect(echoOf(await client().put({ url: `${base}/echo`, body })).body).toBe("bïnary");
  });

  test("encodeBodyAsJSON sends EJSON.stringify(body) (relaxed) as application/json", async () => {
    const body = { msg: "This is in the body of a POST request!", n: 42, id: new ObjectId("65f0aaaaaaaaaaaaaaaaaaaa"), at: new Date(0) };
    const echo = echoOf(await client().post({ url: `${base}/echo`, body, encodeBodyAsJSON: true }));
    expect(echo.body).toBe(EJSON.stringify(body));
    expect(JSON.parse(echo.body)).toEqual({
      msg: body.msg,
      n: 42,
      id: { $oid: "65f0aaaaaaaaaaaaaaaaaaaa" },
      at: { $date: "1970-01-01T00:00:00Z" },
    });
    expect(echo.headers["content-type"]).toEqual(["application/json"]);
  });

  test("encodeBodyAsJSON keeps a Content-Type the request sets", async () => {
    const headers = { "Content-Type": ["application/vnd.api+json"] };
    const echo = echoOf(await client().patch({ url: `${base}/echo`, body: [1, 2], encodeBodyAsJSON: true, headers }));
    expect(echo).toMatchObject({ body: "[1,2]", headers: { "content-type": ["application/vnd.api+json"] } });
  });

  test("form is sent urlencoded", async () => {
    const echo = echoOf(await client().post({ url: `${base}/echo`, form: { "to-address": "name@example.com", tag: ["a", "b c"] } }));
    expect(echo.body).toBe("to-address=name%40example.com&tag=a&tag=b+c");
    expect(echo.headers["content-type"]?.[0]).toMatch(/^application\/x-www-form-urlencoded/);
  });

  test("form is sent as multipart/form-data when the request's Content-Type says so", async () => {
    const request = { url: `${base}/echo`, form: { subject: "test subject" }, headers: { "Content-Type": ["multipart/form-data"] } };
    const echo = echoOf(await client().post(request));
    expect(echo.headers["content-type"]?.[0]).toMatch(/^multipart\/form-data; boundary=/);
    expect(echo.body).toContain('Content-Disposition: form-data; name="subject"');
    expect(echo.body).toContain("test subject");
  });
});

test("a request built in a function's realm (node:vm sandbox) works", async () => {
  const sandbox = isolatedRealm().global;
  Object.assign(sandbox, { http: client(), base });
  const script = `Promise.all([
    http.put({ url: base + "/echo", headers: { "X-A": ["1"] }, body: new Uint8Array([104, 105]) }),
    http.post({ url: base + "/echo", body: { at: new Date(0), id: new BSON.ObjectId("65f0aaaaaaaaaaaaaaaaaaaa") }, encodeBodyAsJSON: true }),
  ]).then((all) => all.map((res) => res.body.text()))`;
  const [bytes, json] = (await vm.runInContext(script, sandbox)) as string[];
  expect(JSON.parse(bytes ?? "")).toMatchObject({ body: "hi", headers: { "x-a": ["1"] } });
  expect(JSON.parse(json ?? "")).toMatchObject({
    body: '{"at":{"$date":"1970-01-01T00:00:00Z"},"id":{"$oid":"65f0aaaaaaaaaaaaaaaaaaaa"}}',
  });
});

describe("response", () => {
  test("status, statusCode, canonical headers with arrays, cookies, body as BSON.Binary with text()", async () => {
    const res = await client().get({ url: `${base}/cookies` });
    expect(res).toMatchObject({ status: "200 OK", statusCode: 200, cookies: { session: "abc123", theme: "dark" } });
    expect(res.headers["Content-Type"]).toEqual(["text/plain; charset=utf-8"]);
    expect(res.headers["X-Custom-Thing"]).toEqual(["custom"]);
    expect(res.headers["Set-Cookie"]).toEqual(["session=abc123; Path=/; HttpOnly", "theme=dark"]);
    expect(res.body).toBeInstanceOf(Binary);
    expect(res.body.text()).toBe("héllo ✓");
    expect(res.contentLength).toBe(Buffer.byteLength("héllo ✓"));
  });

  test.each([
    [404, "", "404 Not Found"],
    [500, "", "500 Internal Server Error"],
    [418, "?reason=Custom%20Reason", "418 Custom Reason"],
  ])("a %i resolves, it does not reject", async (code, query, status) => {
    const res = await client().get({ url: `${base}/status/${code}${query}` });
    expect(res).toMatchObject({ statusCode: code, status });
    expect(res.body.text()).toBe(`status ${code}`);
  });

  test("redirects are not followed by default", async () => {
    const res = await client().get({ url: `${base}/redirect` });
    expect(res).toMatchObject({ statusCode: 302, status: "302 Found", headers: { Location: ["/echo?from=redirect"] } });
    expect(res.body.text()).toBe("moving");
  });

  test("followRedirects: true follows them", async () => {
    const res = await client().get({ url: `${base}/redirect`, followRedirects: true });
    expect(res.statusCode).toBe(200);
    expect(echoOf(res)).toMatchObject({ path: "/echo", query: [["from", "redirect"]] });
  });
});

describe("failures", () => {
  test("a refused connection rejects", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = client().get({ url: `http://127.0.0.1:${port}/path?key=secret` });
    await expect(refused).rejects.toThrow(/^context\.http\.get: GET http:\/\/127\.0\.0\.1:\d+\/path: request failed.*ECONNREFUSED/);
    await expect(refused).rejects.not.toThrow(/secret/);
  });

  test("a request still running at the deadline rejects as timed out", async () => {
    const pending = createHttpClient(Date.now() + 200).get({ url: `${base}/never` });
    await expect(pending).rejects.toThrow(/context\.http\.get: GET http:\/\/127\.0\.0\.1:\d+\/never: request timed out/);
  });

  test("a request made after the deadline rejects as timed out without being sent", async () => {
    const before = hits;
    await expect(createHttpClient(Date.now() - 1).post({ url: `${base}/echo`, body: "x" })).rejects.toThrow(/request timed out/);
    expect(hits).toBe(before);
  });
});

describe("bad arguments reject, naming the field", () => {
  const url = "http://127.0.0.1:9/";
  test.each<[string, keyof FunctionHttpClient, unknown, RegExp]>([
    ["no request", "get", undefined, /^context\.http\.get: invalid request: request must be a document/],
    ["an array", "get", [url], /request must be a document/],
    ["no url nor host", "get", {}, /url is required/],
    ["url not a string", "get", { url: 42 }, /url must be a string/],
    ["url not a URL", "get", { url: "not a url" }, /url is not a valid URL/],
    ["url not http(s)", "get", { url: "ftp://example.com/" }, /url must be http or https, not ftp/],
    ["url with host", "get", { url, host: "example.com" }, /host cannot be given with url/],
    ["bad scheme", "get", { host: "example.com", scheme: "ftp" }, /scheme must be "http" or "https"/],
    ["bad host", "get", { host: "example.com/path" }, /host is not a valid host/],
    ["query value a number", "get", { host: "example.com", query: { id: 1 } }, /query\.id must be a string or an array of strings/],
    ["headers not a document", "get", { url, headers: "Accept: x" }, /headers must be a document/],
    ["header value a number", "get", { url, headers: { "X-N": [1] } }, /headers\.X-N must be a string or an array of strings/],
    ["header name invalid", "get", { url, headers: { "bad name": ["x"] } }, /headers\.bad name is not a valid header/],
    ["cookie value a number", "get", { url, cookies: { a: 1 } }, /cookies\.a must be a string/],
    ["username not a string", "get", { url, username: 1 }, /username must be a string/],
    [
      "object body without encodeBodyAsJSON",
      "post",
      { url, body: { a: 1 } },
      /body must be a string, a BSON\.Binary or bytes.*encodeBodyAsJSON/,
    ],
    ["encodeBodyAsJSON not a boolean", "post", { url, body: {}, encodeBodyAsJSON: "yes" }, /encodeBodyAsJSON must be a boolean/],
    ["body with form", "post", { url, body: "x", form: { a: "b" } }, /form cannot be given with body/],
    ["body with GET", "get", { url, body: "x" }, /body cannot be sent with GET/],
    ["form with HEAD", "head", { url, form: { a: "b" } }, /form cannot be sent with HEAD/],
    ["followRedirects not a boolean", "get", { url, followRedirects: "yes" }, /followRedirects must be a boolean/],
    ["digestAuth", "get", { url, username: "u", password: "p", digestAuth: true }, /digestAuth is not supported \(digest authentication\)/],
    ["authUrl", "get", { url, authUrl: "http://127.0.0.1:9/auth" }, /authUrl is not supported/],
  ])("%s", async (_, method, request, message) => {
    const before = hits;
    let pending: Promise<HttpResponse> | undefined;
    expect(() => (pending = client()[method](bad(request)))).not.toThrow();
    await expect(pending).rejects.toThrow(message);
    expect(hits).toBe(before);
  });

  test("a body that EJSON cannot encode rejects", async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(client().post({ url: base, body: cyclic, encodeBodyAsJSON: true })).rejects.toThrow(/body cannot be encoded as EJSON/);
  });
});
