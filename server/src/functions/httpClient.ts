/**
 * `context.http` for functions: App Services' built-in HTTP client (`get`, `post`, `put`, `patch`,
 * `delete`, `head`) on Node's `fetch`, every request aborted at the function call's deadline.
 * Responses have App Services' shape: `status` "200 OK", canonical header names (`Content-Type`)
 * with arrays of values, `cookies`, and `body` a `BSON.Binary` with `text()`.
 * @packageDocumentation
 */
import { Binary, EJSON } from "bson";
import { STATUS_CODES } from "node:http";
import { messageOf } from "./errors.js";

/** One string or an array of strings: the value of a header, query parameter or form field. */
export type HttpValues = string | string[];

/**
 * The argument of every `context.http` method: App Services' HTTP action request document. The
 * target is `url`, or `host` (alias `domain`) with `scheme` (`"http"` default, or `"https"`), `path`,
 * `query` (`{ color: ["red", "blue"] }`) and `fragment`. `null` fields count as absent.
 */
export interface HttpRequest {
  /** The target URL, `http` or `https`; credentials in it become basic authentication. */
  url?: string;
  scheme?: string;
  host?: string;
  /** Same as `host`, as App Services' request authentication examples write it. */
  domain?: string;
  path?: string;
  query?: Record<string, HttpValues>;
  fragment?: string;
  /** Basic authentication (overrides credentials in `url`; an `Authorization` header wins over both). */
  username?: string;
  password?: string;
  /** Request headers, each with its values: `{ "Content-Type": ["application/json"] }`. */
  headers?: Record<string, HttpValues>;
  /** Cookies to send, `{ name: value }`, or a `Cookie` header line. */
  cookies?: Record<string, string> | string;
  /** A string, a `BSON.Binary` or bytes; with `encodeBodyAsJSON`, any value. Not with GET or HEAD. */
  body?: unknown;
  /** Send a non-string `body` as `EJSON.stringify(body)` (relaxed), `Content-Type: application/json` unless set. */
  encodeBodyAsJSON?: boolean;
  /** Form fields instead of `body`: urlencoded, or multipart when `headers` say `Content-Type: multipart/form-data`. */
  form?: Record<string, HttpValues>;
  /** Follow redirects. Default false: a 3xx response resolves as is. */
  followRedirects?: boolean;
  /** Not supported: `true` rejects. */
  digestAuth?: boolean;
  /** Not supported: any value rejects. */
  authUrl?: string;
}

/** A response body: a `BSON.Binary` whose `text()` decodes it as UTF-8, as in App Services. */
export class HttpBody extends Binary {
  /** @returns the bytes decoded as UTF-8 */
  text(): string {
    return new TextDecoder().decode(this.value());
  }
}

/** What every `context.http` method resolves to, whatever the status (non-2xx included). */
export interface HttpResponse {
  /** Status code and reason: `"200 OK"`. */
  status: string;
  statusCode: number;
  /** Bytes in `body`. */
  contentLength: number;
  /** Canonical header names (`Content-Type`), each with its values (one per `Set-Cookie`). */
  headers: Record<string, string[]>;
  /** Cookies the response sets: `{ name: value }`. */
  cookies: Record<string, string>;
  body: HttpBody;
}

/**
 * `context.http`. Each method rejects, never throws: with an Error naming the field when the request
 * is invalid or asks for an unsupported feature (`digestAuth`, `authUrl`), with "request timed out"
 * at the deadline, and with "request failed" on a network error.
 */
export interface FunctionHttpClient {
  get(request: HttpRequest): Promise<HttpResponse>;
  post(request: HttpRequest): Promise<HttpResponse>;
  put(request: HttpRequest): Promise<HttpResponse>;
  patch(request: HttpRequest): Promise<HttpResponse>;
  delete(request: HttpRequest): Promise<HttpResponse>;
  head(request: HttpRequest): Promise<HttpResponse>;
}

type Obj = Record<string, unknown>;
type Prepared = { url: URL; headers: Headers; body: RequestBody | undefined; redirect: "follow" | "manual" };
type RequestBody = NonNullable<RequestInit["body"]>;
type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";
const URL_PARTS = ["scheme", "host", "domain", "path", "query", "fragment"];

/**
 * The `context.http` of one function call.
 * @param deadline - the call's deadline (epoch ms): requests still running then are aborted
 * @returns the client, whose methods never throw but reject: with "invalid request" naming the field
 * (unsupported `digestAuth`/`authUrl` included), "request timed out", or "request failed" (network
 * error); a non-2xx status resolves
 */
export function createHttpClient(deadline: number): FunctionHttpClient {
  const method = (name: Method) => (request: HttpRequest) => send(name, request, deadline);
  return {
    get: method("GET"),
    post: method("POST"),
    put: method("PUT"),
    patch: method("PATCH"),
    delete: method("DELETE"),
    head: method("HEAD"),
  };
}

async function send(method: Method, request: unknown, deadline: number): Promise<HttpResponse> {
  const where = `context.http.${method.toLowerCase()}`;
  let init: Prepared;
  try {
    init = prepare(method, request);
  } catch (err) {
    throw new Error(`${where}: invalid request: ${messageOf(err)}`, { cause: err });
  }
  // No query in messages, which reach the caller: it may hold keys.
  const target = `${where}: ${method} ${init.url.origin}${init.url.pathname}`;
  const timedOut = `${target}: request timed out (the function's time limit was reached)`;
  const remaining = deadline - Date.now();
  if (remaining <= 0) throw new Error(timedOut);
  try {
    const { url, headers, body, redirect } = init;
    const res = await fetch(url, { method, headers, body, redirect, signal: AbortSignal.timeout(remaining) });
    return toResponse(res, new Uint8Array(await res.arrayBuffer()));
  } catch (err) {
    const name = typeof err === "object" && err !== null && "name" in err ? err.name : undefined;
    if (name === "TimeoutError" || name === "AbortError") throw new Error(timedOut, { cause: err });
    const cause = err instanceof Error && err.cause !== undefined ? `: ${messageOf(err.cause)}` : "";
    throw new Error(`${target}: request failed: ${messageOf(err)}${cause}`, { cause: err });
  }
}

function prepare(method: Method, request: unknown): Prepared {
  if (!isDocument(request)) fail("request", "must be a document");
  if (flag(request, "digestAuth")) fail("digestAuth", "is not supported (digest authentication)");
  if (given(request.authUrl)) fail("authUrl", "is not supported (an authorization cookie URL)");
  const url = targetUrl(request);
  const username = credential(request, url, "username");
  const password = credential(request, url, "password");
  url.username = url.password = "";
  const headers = new Headers();
  for (const [name, values] of entries(request, "headers"))
    for (const value of values) attempt(() => headers.append(name, value), `headers.${name}`, "is not a valid header");
  if ((username || password) && !headers.has("authorization"))
    headers.set("authorization", `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`);
  addCookies(request, headers);
  const body = requestBody(method, request, headers);
  return { url, headers, body, redirect: flag(request, "followRedirects") ? "follow" : "manual" };
}

function credential(request: Obj, url: URL, part: "username" | "password"): string {
  return optString(request, part) ?? attempt(() => decodeURIComponent(url[part]), "url", "has malformed credentials");
}

function targetUrl(request: Obj): URL {
  const url = optString(request, "url");
  if (url !== undefined) {
    const extra = URL_PARTS.find((part) => given(request[part]));
    if (extra !== undefined) fail(extra, "cannot be given with url");
    return parseUrl(url, "url");
  }
  const host = optString(request, "host") ?? optString(request, "domain") ?? fail("url", "is required (or host)");
  if (/[/?#@\s]/.test(host) || host === "") fail("host", `is not a valid host: ${host}`);
  const scheme = (optString(request, "scheme") ?? "http").toLowerCase();
  if (scheme !== "http" && scheme !== "https") fail("scheme", `must be "http" or "https", not "${scheme}"`);
  const target = parseUrl(`${scheme}://${host}`, "host");
  const path = optString(request, "path") ?? "/";
  target.pathname = path.startsWith("/") ? path : `/${path}`;
  for (const [name, values] of entries(request, "query")) for (const value of values) target.searchParams.append(name, value);
  target.hash = optString(request, "fragment") ?? "";
  return target;
}

function parseUrl(text: string, field: string): URL {
  const url = attempt(() => new URL(text), field, `is not a valid URL: ${text}`);
  if (url.protocol !== "http:" && url.protocol !== "https:") fail(field, `must be http or https, not ${url.protocol.slice(0, -1)}`);
  return url;
}

function addCookies(request: Obj, headers: Headers): void {
  const cookies = request.cookies;
  const line =
    typeof cookies === "string"
      ? cookies
      : entries(request, "cookies")
          .flatMap(([name, values]) => values.map((v) => `${name}=${v}`))
          .join("; ");
  const existing = headers.get("cookie");
  if (line !== "") headers.set("cookie", existing ? `${existing}; ${line}` : line);
}

function requestBody(method: Method, request: Obj, headers: Headers): RequestBody | undefined {
  const { body, form } = request;
  const json = flag(request, "encodeBodyAsJSON");
  const hasBody = given(body);
  const hasForm = given(form);
  if (!hasBody && !hasForm) return undefined;
  if (method === "GET" || method === "HEAD") fail(hasBody ? "body" : "form", `cannot be sent with ${method}`);
  if (hasBody && hasForm) fail("form", "cannot be given with body");
  if (hasForm) return formBody(request, headers);
  if (json && !headers.has("content-type")) headers.set("content-type", "application/json");
  if (typeof body === "string") return body;
  if (json) return attempt(() => EJSON.stringify(body), "body", "cannot be encoded as EJSON");
  // copied into ArrayBuffer-backed arrays, which every fetch typing accepts (not SharedArrayBuffer ones)
  if (body instanceof Binary) return new Uint8Array(body.value());
  if (ArrayBuffer.isView(body)) return new Uint8Array(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  return fail("body", "must be a string, a BSON.Binary or bytes (a document needs encodeBodyAsJSON: true)");
}

function formBody(request: Obj, headers: Headers): RequestBody {
  const fields = entries(request, "form");
  if (!/^multipart\/form-data\b/i.test(headers.get("content-type") ?? "")) {
    return new URLSearchParams(fields.flatMap(([name, values]) => values.map((value): [string, string] => [name, value])));
  }
  const data = new FormData();
  for (const [name, values] of fields) for (const value of values) data.append(name, value);
  headers.delete("content-type"); // fetch writes it with the boundary
  return data;
}

function toResponse(res: Response, bytes: Uint8Array): HttpResponse {
  const headers: Record<string, string[]> = {};
  for (const [name, value] of res.headers) (headers[canonicalHeader(name)] ??= []).push(value);
  const cookies: Record<string, string> = {};
  for (const cookie of res.headers.getSetCookie()) {
    const pair = cookie.split(";", 1)[0] ?? "";
    const eq = pair.indexOf("=");
    if (eq > 0) cookies[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  const reason = res.statusText || STATUS_CODES[res.status] || "";
  const status = `${res.status} ${reason}`.trim();
  return { status, statusCode: res.status, contentLength: bytes.byteLength, headers, cookies, body: new HttpBody(bytes) };
}

/** `content-type` → `Content-Type`, as Go's `http.CanonicalHeaderKey` (App Services) writes it. */
function canonicalHeader(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

function entries(request: Obj, field: string): [string, string[]][] {
  const doc = request[field];
  if (!given(doc)) return [];
  if (!isDocument(doc)) fail(field, "must be a document");
  return Object.entries(doc).map(([name, value]): [string, string[]] => {
    if (typeof value === "string") return [name, [value]];
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) return [name, value];
    return fail(`${field}.${name}`, "must be a string or an array of strings");
  });
}

function isDocument(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value) && !(value instanceof Binary);
}

function optString(request: Obj, field: string): string | undefined {
  const value = request[field];
  if (!given(value)) return undefined;
  return typeof value === "string" ? value : fail(field, "must be a string");
}

function flag(request: Obj, field: string): boolean {
  const value = request[field];
  if (!given(value)) return false;
  return typeof value === "boolean" ? value : fail(field, "must be a boolean");
}

/** False for `undefined` and `null`: functions written for App Services pass `null` for "none". */
function given(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function attempt<T>(run: () => T, field: string, problem: string): T {
  try {
    return run();
  } catch (err) {
    return fail(field, `${problem} (${messageOf(err)})`);
  }
}

function fail(field: string, problem: string): never {
  throw new Error(`${field} ${problem}`);
}
