/**
 * A small HTTP client for the server's tests and for scripts: sends canonical EJSON, parses
 * responses with relaxed EJSON, and gives every request a deadline.
 * @packageDocumentation
 */
import { EJSON } from "bson";

/** A parsed response. */
export interface ClientResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The EJSON-parsed body (relaxed), or undefined if the body is not JSON. */
  body: unknown;
}

/** Options of one request. */
export interface RequestOptions {
  token?: string;
  /** Sent as canonical EJSON. */
  body?: unknown;
  /** Sent verbatim (takes precedence over `body`). */
  rawBody?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** Talks to one server. */
export class TestClient {
  /** Client API base, e.g. `http://127.0.0.1:1234/api/client/v2.0`. */
  readonly api: string;

  /**
   * @param url - the server's base URL
   * @param appId - the app id used by {@link TestClient.app}
   */
  constructor(
    readonly url: string,
    readonly appId: string,
  ) {
    this.api = `${url}/api/client/v2.0`;
  }

  /** A path under `/app/<appId>`. */
  app(path: string): string {
    return `/app/${this.appId}${path}`;
  }

  /**
   * Sends a request to a client API path (or an absolute URL).
   * @throws Error (TimeoutError) if no response arrives within the deadline (default 10 s).
   */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<ClientResponse> {
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (options.token !== undefined) headers["authorization"] = `Bearer ${options.token}`;
    let payload: string | undefined = options.rawBody;
    if (payload === undefined && options.body !== undefined) payload = EJSON.stringify(options.body, { relaxed: false });
    if (payload !== undefined) headers["content-type"] ??= "application/json";
    const url = path.startsWith("http") ? path : `${this.api}${path}`;
    const init: RequestInit = { method, headers, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) };
    if (payload !== undefined) init.body = payload;
    const response = await fetch(url, init);
    const text = await response.text();
    let body: unknown;
    try {
      body = text === "" ? undefined : EJSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, text, body };
  }

  /** Logs in with a provider; returns the login response body. */
  async logIn(provider: string, payload: Record<string, unknown> = {}): Promise<LoginBody> {
    const res = await this.request("POST", this.app(`/auth/providers/${provider}/login`), {
      body: { ...payload, options: { device: { sdkVersion: "test" } } },
    });
    if (res.status !== 200) throw new Error(`login via ${provider} failed: ${res.status} ${res.text}`);
    return res.body as LoginBody;
  }
}

/** The login response body. */
export interface LoginBody {
  access_token: string;
  refresh_token: string;
  user_id: string;
  device_id: string;
}

/** Decodes a JWT's payload without verifying it. */
export function jwtPayload(token: string): Record<string, unknown> {
  const part = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
}
