/**
 * `POST /api/client/v2.0/app/:appId/graphql` (and `GET`, for queries): the app's GraphQL API.
 * The request authenticates as App Services' GraphQL API accepts it: an `Authorization: Bearer`
 * access token, else the credential headers (`email` and `password`, `apiKey`, `jwtTokenString`).
 * The body is plain JSON (`query`, `variables`, `operationName`); the answer is GraphQL's
 * `{ data, errors }`, with status 200 even when it holds errors, as GraphQL over HTTP answers
 * `application/json` requests.
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { ServerError, type Caller } from "../contracts.js";
import type { GraphqlContext } from "../graphql/context.js";
import { runGraphql, type GraphqlRequest } from "../graphql/execute.js";
import type { GraphqlApi } from "../graphql/schema.js";
import { endpointUser } from "./endpointAuth.js";
import { requestInfo } from "./requestInfo.js";
import { API_PREFIX, checkAppId, type HttpDeps } from "./deps.js";

/** What the route needs besides the client API's dependencies. */
export interface GraphqlDeps {
  api: GraphqlApi;
  /** Runs a custom resolver's function (see `GraphqlContext.callFunction`). */
  callFunction: GraphqlContext["callFunction"];
}

const requestSchema = z.object({
  query: z.string({ error: "a GraphQL request needs a query string" }).min(1, "a GraphQL request needs a query string"),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

function badRequest(message: string): ServerError {
  return new ServerError(400, "BadRequest", message);
}

function parsedJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`malformed JSON ${what}: ${(err as Error).message}`);
  }
}

function graphqlRequest(raw: unknown): GraphqlRequest {
  const parsed = requestSchema.safeParse(raw ?? {});
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => i.message).join("; "));
  const { query, variables, operationName } = parsed.data;
  return { query, variables: variables ?? undefined, operationName: operationName ?? undefined };
}

function fromQueryString(request: FastifyRequest): GraphqlRequest {
  const params = request.query as Record<string, unknown>;
  const one = (name: string): string | undefined => {
    const value = params[name];
    return typeof value === "string" ? value : Array.isArray(value) && typeof value[0] === "string" ? value[0] : undefined;
  };
  const variables = one("variables");
  return graphqlRequest({
    query: one("query"),
    variables: variables === undefined || variables === "" ? undefined : parsedJson(variables, "variables"),
    operationName: one("operationName"),
  });
}

/**
 * Registers the GraphQL route.
 * @param app - the server
 * @param deps - the client API's dependencies
 * @param graphql - the schema and the custom resolvers' function runner
 */
export function registerGraphqlRoute(app: FastifyInstance, deps: HttpDeps, graphql: GraphqlDeps): void {
  void app.register(async (scope) => {
    // plain JSON: GraphQL variables are not Extended JSON
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(["application/json", "application/graphql-response+json"], { parseAs: "string" }, (_request, body, done) => {
      try {
        const text = body.toString();
        done(null, text.trim() === "" ? undefined : parsedJson(text, "body"));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    scope.route<{ Params: { appId: string } }>({
      method: ["POST", "GET"],
      url: `${API_PREFIX}/app/:appId/graphql`,
      config: { kind: "graphql" },
      handler: async (request, reply) => {
        checkAppId(deps.config, request.params.appId);
        const params = request.method === "GET" ? fromQueryString(request) : graphqlRequest(request.body);
        const user = await endpointUser(request, { noCredentials: false, fetchCustomUserData: true, createUserOnAuth: false }, deps.auth);
        const caller: Caller = { ...(user === undefined ? {} : { user }), request: requestInfo(request, "graphql") };
        const context: GraphqlContext = { mongo: deps.mongo, callFunction: graphql.callFunction, caller };
        const outcome = await runGraphql(graphql.api, params, context, request.method);
        const body = {
          ...(outcome.refused ? {} : { data: outcome.result.data ?? null }),
          ...(outcome.result.errors === undefined ? {} : { errors: outcome.result.errors.map((e) => e.toJSON()) }),
        };
        if (outcome.notAllowed) void reply.header("allow", "POST");
        return reply
          .code(outcome.notAllowed ? 405 : 200)
          .header("content-type", "application/json; charset=utf-8")
          .send(JSON.stringify(body));
      },
    });
  });
}
