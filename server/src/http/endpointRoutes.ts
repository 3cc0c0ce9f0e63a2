/**
 * An app's custom HTTPS endpoints, at `/app/:appId/endpoint/<route>` as App Services serves them
 * (no `/api/client/v2.0` prefix). A request is authenticated (unless the function runs as system or as a chosen user) by
 * a bearer access token or by credential headers (`apiKey`, `email` and `password`,
 * `jwtTokenString`), validated by the endpoint's secret or payload signature, checked against
 * `can_evaluate`, and handed to the function as App Services' `Request` and `Response` objects, with
 * its body as raw bytes whatever its content type.
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ServerError, type Caller, type EndpointOutcome } from "../contracts.js";
import { defineOwn } from "../data/bsonValues.js";
import { chooseFormat, CONTENT_TYPES, renderValue } from "../endpoints/format.js";
import type { EndpointTable } from "../endpoints/table.js";
import type { EndpointSpec } from "../endpoints/types.js";
import { checkValidation } from "../endpoints/validate.js";
import { endpointUser } from "./endpointAuth.js";
import { readGetBody } from "./getBody.js";
import { checkAppId, type HttpDeps } from "./deps.js";
import { canonicalHeaderName, CREDENTIAL_HEADERS, firstQueryValues, requestInfo } from "./requestInfo.js";

/** What the endpoint routes need besides the client API's dependencies. */
export interface EndpointDeps {
  table: EndpointTable;
  /**
   * Checks the endpoint's own `can_evaluate` for a caller.
   * @throws ServerError 400 `FunctionExecutionError` when it is false
   */
  checkRules(spec: EndpointSpec, caller: Caller): Promise<void>;
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/**
 * The request's headers for the function: without any credential header, unless the function runs
 * as system or as a user its settings choose (its endpoint takes no credentials, so such a header
 * belongs to a scheme of the app's own).
 */
function functionHeaders(request: FastifyRequest, spec: EndpointSpec): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(request.raw.headersDistinct)) {
    if (values !== undefined && (spec.noCredentials || !CREDENTIAL_HEADERS.includes(name)))
      defineOwn(out, canonicalHeaderName(name), [...values]);
  }
  return out;
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
          reply.header("allow", found.join(", "));
          throw new ServerError(405, "MethodNotAllowed", `the HTTPS endpoint ${route} does not handle ${request.method}`);
        }
        const spec = found;
        const body = Buffer.isBuffer(request.body)
          ? request.body
          : request.method === "GET"
            ? await readGetBody(request, deps.config.bodyLimitBytes)
            : undefined;
        const { query, secret } = firstQueryValues(request.query);
        const signature = request.headers["endpoint-signature"];
        // validated before authentication, which may create a user
        checkValidation(spec.validation, {
          secret,
          signature: typeof signature === "string" ? signature : undefined,
          body: body ?? new Uint8Array(),
        });
        const user = await endpointUser(request, spec, deps.auth);
        const info = { ...requestInfo(request, spec.functionName), webhookUrl: spec.route };
        const caller: Caller = { ...(user === undefined ? {} : { user }), request: info };
        await endpoints.checkRules(spec, caller);
        const outcome = await deps.runner.callEndpoint(
          spec.functionName,
          { headers: functionHeaders(request, spec), query, ...(body === undefined || body.length === 0 ? {} : { body }) },
          caller,
        );
        return send(reply, request, spec, outcome);
      },
    });
  });
}
