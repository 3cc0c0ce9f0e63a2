/**
 * HTTP to the App Services server: location discovery, headers as realm-web sends them, deadlines,
 * and App Services error bodies turned into `MongoDBRealmError`.
 * @packageDocumentation
 */
import { MongoDBRealmError, RealmTabsError } from "../../src/protocol/errors.js";
import type { FetchLike } from "./deps.js";

/**
 * The longest deadline a request may ask for: 10 min. A request held that long keeps one of the
 * connections every tab shares (six per host over HTTP/1.1).
 */
export const MAX_REQUEST_TIMEOUT_MS = 600_000;

/** Prefix of every client route. */
export const API_PATH = "/api/client/v2.0";

/** Options of {@link createTransport}. */
export interface TransportOptions {
  /** The App Services app id. */
  appId: string;
  /** Base URL, e.g. `http://127.0.0.1:8787` (no trailing slash needed). */
  baseUrl: string;
  /** Send everything to `baseUrl` instead of asking `…/location` first. */
  skipLocationRequest: boolean;
  /** The fetch implementation. */
  fetch: FetchLike;
  /** Deadline of each request in ms. @default 15000 */
  timeoutMs?: number;
  /** Local clock for {@link TransportResponse.receivedAt}. @default Date.now */
  now?: () => number;
}

/** One request: `route` is relative to `/api/client/v2.0`, e.g. `/auth/profile`. */
export interface TransportRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  route: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string | null;
  /** A JSON (canonical EJSON) body, already serialized. */
  body?: string;
  /** Read a successful answer's body as bytes ({@link TransportResponse.bytes}) instead of text. */
  binary?: boolean;
  /**
   * This request's deadline in ms, when it should wait longer than the transport's
   * {@link TransportOptions.timeoutMs} (a function call, whose tab allows it more time); at most
   * {@link MAX_REQUEST_TIMEOUT_MS}.
   */
  timeoutMs?: number;
  /** Ends the request early when it aborts (the calling tab is gone). */
  signal?: AbortSignal;
}

/** The successful answer: status and body text (empty string for no body). */
export interface TransportResponse {
  status: number;
  /** The body as text; empty when the request asked for {@link TransportRequest.binary}. */
  text: string;
  /** The body's bytes, for a request that asked for {@link TransportRequest.binary}. */
  bytes?: ArrayBuffer;
  /** Local time (ms) when the response arrived, for clock-skew estimates. */
  receivedAt: number;
}

/** Sends requests to one app's server. */
export interface Transport {
  /** Sends one request; resolves for 2xx only. @throws see {@link createTransport} */
  send(req: TransportRequest): Promise<TransportResponse>;
  /** The resolved hostname (location request once, cached; reset when it fails). */
  hostname(): Promise<string>;
}

/**
 * Builds the transport of one app runtime.
 * `send` rejects with `MongoDBRealmError` for a non-2xx answer, `RealmTabsError("network")` when
 * the server cannot be reached, and `RealmTabsError("timeout")` after the deadline.
 */
export function createTransport(options: TransportOptions): Transport {
  const base = options.baseUrl.replace(/\/+$/, "");
  const defaultTimeoutMs = options.timeoutMs ?? 15_000;
  const now = options.now ?? Date.now;
  let location: Promise<string> | null = null;

  async function raw(
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: string,
    binary = false,
    longer?: number,
    cancel?: AbortSignal,
  ): Promise<TransportResponse> {
    // a longer deadline of the request's own, up to MAX_REQUEST_TIMEOUT_MS
    const timeoutMs = longer !== undefined && longer > defaultTimeoutMs ? Math.min(longer, MAX_REQUEST_TIMEOUT_MS) : defaultTimeoutMs;
    // the deadline covers the body too, and is cleared once it was read: a timer per request left
    // pending for the whole deadline would pile up in the worker under many calls
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError")), timeoutMs);
    const cancelled = (): void => deadline.abort();
    if (cancel?.aborted) cancelled(); // fetch rejects at once then
    cancel?.addEventListener("abort", cancelled);
    try {
      let response: Response;
      try {
        response = await options.fetch(url, { method, headers, body, signal: deadline.signal });
      } catch (e) {
        if (cancel?.aborted) throw new RealmTabsError("network", `${method} ${url}: its caller is gone`);
        throw networkError(method, url, e, timeoutMs);
      }
      if (binary && response.ok)
        return { status: response.status, text: "", bytes: await readBytes(response, method, url), receivedAt: now() };
      const text = await readText(response, method, url);
      if (!response.ok) throw errorFromResponse(method, url, response, text);
      return { status: response.status, text, receivedAt: now() };
    } finally {
      clearTimeout(timer);
      cancel?.removeEventListener("abort", cancelled);
    }
  }

  async function discover(): Promise<string> {
    const url = `${base}${API_PATH}/app/${encodeURIComponent(options.appId)}/location`;
    const res = await raw("GET", url, { Accept: "application/json" });
    const parsed = parseJSONObject(res.text);
    const hostname = parsed?.hostname;
    if (typeof hostname !== "string") throw new RealmTabsError("internal", "Expected response to contain a 'hostname'");
    return hostname.replace(/\/+$/, "");
  }

  function hostname(): Promise<string> {
    if (options.skipLocationRequest) return Promise.resolve(base);
    if (!location) {
      location = discover();
      location.catch(() => {
        location = null;
      });
    }
    return location;
  }

  async function send(req: TransportRequest): Promise<TransportResponse> {
    const host = await hostname();
    const headers: Record<string, string> = {};
    if (req.token) headers.Authorization = `Bearer ${req.token}`;
    if (req.body !== undefined && req.body !== "") headers["Content-Type"] = "application/json";
    headers.Accept = "application/json";
    return raw(req.method, `${host}${API_PATH}${req.route}`, headers, req.body, req.binary, req.timeoutMs, req.signal);
  }

  return { send, hostname };
}

async function readText(response: Response, method: string, url: string): Promise<string> {
  try {
    return await response.text();
  } catch (e) {
    throw new RealmTabsError("network", `Reading the response of ${method} ${url} failed`, { cause: e });
  }
}

async function readBytes(response: Response, method: string, url: string): Promise<ArrayBuffer> {
  try {
    return await response.arrayBuffer();
  } catch (e) {
    throw new RealmTabsError("network", `Reading the response of ${method} ${url} failed`, { cause: e });
  }
}

function networkError(method: string, url: string, e: unknown, timeoutMs: number): RealmTabsError {
  const name = (e as { name?: unknown } | null)?.name;
  if (name === "TimeoutError" || name === "AbortError") {
    return new RealmTabsError("timeout", `${method} ${url} got no answer within ${timeoutMs} ms`, { cause: e });
  }
  return new RealmTabsError("network", `${method} ${url} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}

/** Parses `text` as a JSON object, or returns null. */
export function parseJSONObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Turns a failed response into realm-web's error: `error`, `error_code` and `link` from a JSON body;
 * all undefined for a body that is not JSON.
 * @param method - request method
 * @param url - request URL
 * @param response - the non-2xx response (its body already read into `text`)
 * @param text - the body text
 */
export function errorFromResponse(method: string, url: string, response: Response, text: string): MongoDBRealmError {
  const body = parseJSONObject(text);
  const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  return new MongoDBRealmError(method, url, response.status, response.statusText, str(body?.error), str(body?.error_code), str(body?.link));
}
