/**
 * An app's custom HTTPS endpoints, at `/app/:appId/endpoint/<route>` as App Services serves them
 * (no `/api/client/v2.0` prefix). A request is authenticated (unless the function runs as system) by
 * a bearer access token or by credential headers (`apiKey`, `email` and `password`,
 * `jwtTokenString`), validated by the endpoint's secret or payload signature, checked against
 * `can_evaluate`, and handed to the function as App Services' `Request` and `Response` objects, with
 * its body as raw bytes whatever its content type.
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ServerError, type Caller, type ContextUser, type EndpointOutcome } from "../contracts.js";
import { chooseFormat, CONTENT_TYPES, renderValue } from "../endpoints/format.js";
import type { EndpointTable } from "../endpoints/table.js";
import type { EndpointSpec } from "../endpoints/types.js";
import { checkValidation } from "../endpoints/validate.js";
import { bearerToken } from "./authenticate.js";
import { checkAppId, type HttpDeps } from "./deps.js";
import { canonicalHeaderName, requestInfo } from "./requestInfo.js";

/** What the endpoint routes need besides the client API's dependencies. */
export interface EndpointDeps {
  table: EndpointTable;
  /** Checks the endpoint's own `can_evaluate` for a caller. @throws ServerError 400 when it is false */
  checkRules(spec: EndpointSpec, caller: Caller): Promise<void>;
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** The credential headers, by the login body they make for their provider. */
const CREDENTIALS: { provider: string; headers: string[]; body: (h: Record<string, string>) => Record<string, unknown> | undefined }[] = [
  {
    provider: "api-key",
    headers: ["apikey", "api-key"],
    body: (h) => ((h["apikey"] ?? h["api-key"]) === undefined ? undefined : { key: h["apikey"] ?? h["api-key"] }),
  },
  {
    provider: "local-userpass",
    headers: ["email", "password"],
    body: (h) =>
      h["email"] === undefined && h["password"] === undefined ? undefined : { username: h["email"] ?? "", password: h["password"] ?? "" },
  },
  {
    provider: "custom-token",
    headers: ["jwttokenstring"],
    body: (h) => (h["jwttokenstring"] === undefined ? undefined : { token: h["jwttokenstring"] }),
  },
];

function singleHeaders(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === "string") out[name] = value;
    else if (Array.isArray(value) && value[0] !== undefined) out[name] = value[0];
  }
  return out;
}

/**
 * The caller's user and the headers its credentials came in (kept from the function), or no user
 * when the function runs as system.
 * @throws ServerError 401 `InvalidSession` without credentials, plus what authentication throws
 */
async function authenticate(request: FastifyRequest, spec: EndpointSpec, deps: HttpDeps): Promise<{ user?: ContextUser; used: string[] }> {
  if (spec.runAsSystem) return { used: [] };
  const token = bearerToken(request);
  if (token !== undefined) {
    const { user } = await deps.auth.fromAccessToken(token);
    return { user: await deps.auth.contextUser(user, spec.fetchCustomUserData), used: ["authorization"] };
  }
  const headers = singleHeaders(request);
  for (const credential of CREDENTIALS) {
    const body = credential.body(headers);
    if (body === undefined) continue;
    const user = await deps.auth.fromCredentials(credential.provider, body, spec.createUserOnAuth, { address: request.ip });
    return { user: await deps.auth.contextUser(user, spec.fetchCustomUserData), used: credential.headers };
  }
  throw new ServerError(
    401,
    "InvalidSession",
    "must authenticate first: send an access token (Authorization: Bearer) or credential headers (apiKey; email and password; jwtTokenString)",
  );
}

function functionHeaders(request: FastifyRequest, withheld: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(request.raw.headersDistinct)) {
    if (values !== undefined && !withheld.includes(name)) out[canonicalHeaderName(name)] = [...values];
  }
  return out;
}

/** Each query parameter's first value, without `secret` (App Services removes it, as from `rawQueryString`). */
function firstValues(query: unknown): { query: Record<string, string>; secret: string | undefined } {
  const out: Record<string, string> = {};
  let secret: string | undefined;
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const first: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
    if (typeof first !== "string") continue;
    if (key === "secret") secret = first;
    else out[key] = first;
  }
  return { query: out, secret };
}

function send(reply: FastifyReply, request: FastifyRequest, spec: EndpointSpec, outcome: EndpointOutcome): FastifyReply {
  if (!spec.respondResult) return reply.code(204).send();
  const { statusCode, headers, body } = outcome.response;
  reply.code(statusCode ?? 200);
  for (const [name, values] of Object.entries(headers)) reply.header(name, values.length === 1 ? values[0] : values);
  if (body !== undefined) return reply.send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  const format = chooseFormat(request.headers.accept, spec.returnType);
  if (!reply.hasHeader("content-type")) reply.header("content-type", CONTENT_TYPES[format]);
  return reply.send(Buffer.from(renderValue(outcome.value, format), "utf8"));
}

/**
 * Registers the endpoints' route. Its body parser, of its own, keeps every body as bytes.
 * @param app - the server
 * @param deps - the client API's dependencies
 * @param endpoints - the endpoints and their rules
 */
export function registerEndpointRoutes(app: FastifyInstance, deps: HttpDeps, endpoints: EndpointDeps): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
    scope.route<{ Params: { appId: string; "*": string } }>({
      method: [...METHODS],
      url: "/app/:appId/endpoint/*",
      config: { kind: "endpoint" },
      handler: async (request, reply) => {
        checkAppId(deps.config, request.params.appId);
        const route = `/${request.params["*"]}`;
        const found = endpoints.table.find(route, request.method);
        if (found === undefined) throw new ServerError(404, "EndpointNotFound", `no HTTPS endpoint has the route ${route}`);
        if (Array.isArray(found)) {
          reply.header("allow", found.includes("*") ? METHODS.join(", ") : found.join(", "));
          throw new ServerError(405, "MethodNotAllowed", `the HTTPS endpoint ${route} does not handle ${request.method}`);
        }
        const spec = found;
        const body = Buffer.isBuffer(request.body) ? request.body : undefined;
        const { query, secret } = firstValues(request.query);
        const signature = request.headers["endpoint-signature"];
        const { user, used } = await authenticate(request, spec, deps);
        checkValidation(spec.validation, {
          secret,
          signature: typeof signature === "string" ? signature : undefined,
          body: body ?? new Uint8Array(),
        });
        const info = { ...requestInfo(request, spec.functionName), webhookUrl: spec.route };
        const caller: Caller = { ...(user === undefined ? {} : { user }), request: info };
        await endpoints.checkRules(spec, caller);
        const outcome = await deps.runner.callEndpoint(
          spec.functionName,
          { headers: functionHeaders(request, used), query, ...(body === undefined || body.length === 0 ? {} : { body }) },
          caller,
        );
        return send(reply, request, spec, outcome);
      },
    });
  });
}
