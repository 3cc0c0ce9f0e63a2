/**
 * What rules (`%%request`) and functions (`context.request`) see of the HTTP request a call came in
 * with, in App Services' shape.
 * @packageDocumentation
 */
import type { FastifyRequest } from "fastify";
import type { RequestInfo } from "../contracts.js";

/**
 * Headers that carry credentials (also an HTTPS endpoint's credential headers): never handed to
 * rules or functions as `context.request` (nor is the query's `baas_at`).
 */
const WITHHELD = new Set(["authorization", "cookie", "apikey", "api-key", "password", "jwttokenstring"]);

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
    requestHeaders[canonicalHeaderName(name)] = [...values];
  }
  const query = request.url.indexOf("?");
  // App Services removes `secret` parameters; a watch stream's access token may travel in the query
  // (`baas_at`): left out as the headers are
  const rawQueryString =
    query < 0
      ? ""
      : request.url
          .slice(query + 1)
          .split("&")
          .filter((pair) => pair !== "" && !/^(secret|baas_at)(=|$)/.test(pair))
          .join("&");
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
