/**
 * What rules (`%%request`) and functions (`context.request`) see of the HTTP request a call came in
 * with, in App Services' shape.
 * @packageDocumentation
 */
import type { FastifyRequest } from "fastify";
import type { RequestInfo } from "../contracts.js";
import { defineOwn } from "../data/bsonValues.js";

/** Every header that can carry App Services credentials (an HTTPS endpoint's credential headers among them). */
export const CREDENTIAL_HEADERS: readonly string[] = ["authorization", "apikey", "api-key", "email", "password", "jwttokenstring"];

/** Headers never handed to rules or functions as `context.request` (nor is the query's `baas_at`). */
const WITHHELD = new Set([...CREDENTIAL_HEADERS, "cookie"]);

/**
 * `user-agent` → `User-Agent`, as App Services names headers.
 * @param name - a header name as Node gives it (lower case)
 */
export function canonicalHeaderName(name: string): string {
  return name
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("-");
}

/** Query parameters never handed on: App Services removes `secret`; a watch stream's access token may travel as `baas_at`. */
const SECRET_PARAMS = new Set(["secret", "baas_at"]);

function paramName(pair: string): string {
  const name = pair.split("=", 1)[0] ?? "";
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
}

/**
 * A query string without its `secret` and `baas_at` parameters, however their names are encoded
 * (`secr%65t` too), and without empty pairs.
 * @param query - the query string, without its `?`
 */
function withoutSecretParams(query: string): string {
  return query
    .split("&")
    .filter((pair) => pair !== "" && !SECRET_PARAMS.has(paramName(pair)))
    .join("&");
}

/**
 * A URL as the request log may show it: without the query's `secret` and `baas_at` parameters.
 * @param url - a request's URL (path and query)
 */
export function loggableUrl(url: string): string {
  const query = url.indexOf("?");
  if (query < 0) return url;
  const kept = withoutSecretParams(url.slice(query + 1));
  return kept === "" ? url.slice(0, query) : `${url.slice(0, query)}?${kept}`;
}

/**
 * The request as App Services describes it.
 * @param request - the HTTP request
 * @param action - the function or service method called
 * @param service - the service of a service call
 */
export function requestInfo(request: FastifyRequest, action: string, service?: string): RequestInfo {
  const requestHeaders: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(request.raw.headersDistinct)) {
    if (values === undefined || WITHHELD.has(name)) continue;
    defineOwn(requestHeaders, canonicalHeaderName(name), [...values]);
  }
  const query = request.url.indexOf("?");
  const rawQueryString = query < 0 ? "" : withoutSecretParams(request.url.slice(query + 1));
  return {
    httpMethod: request.method,
    httpReferrer: requestHeaders["Referer"]?.join(", "),
    httpUserAgent: requestHeaders["User-Agent"]?.join(", "),
    rawQueryString,
    remoteIPAddress: request.ip,
    requestHeaders,
    ...(service === undefined ? {} : { service }),
    action,
  };
}

/**
 * A parsed query's first value of each parameter, without `secret` (App Services removes it, as
 * from `rawQueryString`), and that `secret`.
 * @param query - the query as fastify parsed it
 */
export function firstQueryValues(query: unknown): { query: Record<string, string>; secret: string | undefined } {
  const out: Record<string, string> = {};
  let secret: string | undefined;
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const first: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
    if (typeof first !== "string") continue;
    if (key === "secret") secret = first;
    else defineOwn(out, key, first);
  }
  return { query: out, secret };
}
