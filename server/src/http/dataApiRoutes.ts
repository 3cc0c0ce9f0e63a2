/**
 * The generated Data API, as App Services served it: `POST /app/:appId/endpoint/data/<version>/action/<action>`
 * (GET with a body too)
 * with a body of (canonical or relaxed) Extended JSON, whether sent as `application/json` or
 * `application/ejson`. A request is validated (secret or payload signature), authenticated as
 * `data_api_config.json` says (the caller's credentials, the system, or one user), checked against
 * its `can_evaluate`, and run as one MongoDB service call under the app's rules; the answer is JSON
 * or canonical EJSON.
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ServerError, type Caller, type ContextUser } from "../contracts.js";
import { dataApiCall, isDataApiAction } from "../endpoints/dataApi.js";
import { chooseFormat, CONTENT_TYPES, renderValue } from "../endpoints/format.js";
import type { DataApiSpec } from "../endpoints/types.js";
import { checkValidation } from "../endpoints/validate.js";
import { parseEjsonText } from "./bodyParser.js";
import { checkAppId, type HttpDeps } from "./deps.js";
import { endpointUser } from "./endpointAuth.js";
import { readGetBody } from "./getBody.js";
import { firstQueryValues, requestInfo } from "./requestInfo.js";

/** What the Data API route needs besides the client API's dependencies. */
export interface DataApiDeps {
  spec: DataApiSpec;
  /**
   * Checks the Data API's `can_evaluate` for a caller.
   * @throws ServerError 400 `FunctionExecutionError` when it is false
   */
  checkRules(caller: Caller): Promise<void>;
}

/**
 * The user the Data API's script chooses: its function answers a user's id, or `{ runAsSystem:
 * true }` (no user: the system).
 * @throws ServerError 400 `FunctionExecutionError` when the script's choice is neither
 */
async function scriptUser(request: FastifyRequest, functionName: string, deps: HttpDeps): Promise<ContextUser | undefined> {
  const chosen = await deps.runner.call(functionName, [], { request: requestInfo(request, "runAsScript") });
  if (typeof chosen === "string" && chosen !== "") return deps.auth.contextUserById(chosen);
  if (typeof chosen === "object" && chosen !== null && (chosen as { runAsSystem?: unknown }).runAsSystem === true) return undefined;
  throw new ServerError(400, "FunctionExecutionError", "the Data API's run_as_user_id_script_source chose no user");
}

function userOf(request: FastifyRequest, spec: DataApiSpec, deps: HttpDeps): Promise<ContextUser | undefined> {
  const { auth } = deps;
  if (spec.runAs.kind === "system") return Promise.resolve(undefined);
  if (spec.runAs.kind === "user") return auth.contextUserById(spec.runAs.userId);
  if (spec.runAs.kind === "script") return scriptUser(request, spec.runAs.functionName, deps);
  // with its custom data: rules may read %%user.custom_data
  return endpointUser(request, { noCredentials: false, fetchCustomUserData: true, createUserOnAuth: spec.createUserOnAuth }, auth);
}

/**
 * Registers the Data API's route. Its body parser, of its own, keeps the body as bytes (a payload
 * signature is over those bytes).
 * @param app - the server
 * @param deps - the client API's dependencies
 * @param data - the Data API's settings and rules
 */
export function registerDataApiRoutes(app: FastifyInstance, deps: HttpDeps, data: DataApiDeps): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
    // POST, and GET with a body, as the docs' own findOne example sends it
    scope.route<{ Params: { appId: string; version: string; action: string }; Querystring: Record<string, unknown> }>({
      method: ["POST", "GET"],
      url: "/app/:appId/endpoint/data/:version/action/:action",
      config: { kind: "endpoint" },
      handler: async (request, reply) => {
        checkAppId(deps.config, request.params.appId);
        const { version, action } = request.params;
        if (!data.spec.versions.includes(version))
          throw new ServerError(404, "EndpointNotFound", `the Data API version ${version} is not enabled`);
        if (!isDataApiAction(action)) throw new ServerError(404, "EndpointNotFound", `the Data API has no action ${action}`);
        const body =
          (Buffer.isBuffer(request.body) ? request.body : await readGetBody(request, deps.config.bodyLimitBytes)) ?? Buffer.alloc(0);
        const signature = request.headers["endpoint-signature"];
        checkValidation(data.spec.validation, {
          secret: firstQueryValues(request.query).secret,
          signature: typeof signature === "string" ? signature : undefined,
          body,
        });
        const user = await userOf(request, data.spec, deps);
        const call = dataApiCall(action, parseEjsonText(body.toString("utf8")));
        if (!deps.mongo.hasService(call.dataSource))
          throw new ServerError(404, "ServiceNotFound", `service not found: '${call.dataSource}'`);
        const caller: Caller = { ...(user === undefined ? {} : { user }), request: requestInfo(request, action, call.dataSource) };
        await data.checkRules(caller);
        const result = await deps.mongo.call(call.dataSource, call.method, [call.args], caller);
        const format = chooseFormat(request.headers.accept, data.spec.returnType);
        return reply
          .code(200)
          .header("content-type", CONTENT_TYPES[format])
          .send(Buffer.from(renderValue(call.answer(result), format), "utf8"));
      },
    });
  });
}
