/**
 * `POST /app/:appId/functions/call`: user functions through the runner, service methods through the
 * MongoDB service.
 * @packageDocumentation
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { parseBody } from "../auth/validate.js";
import { ServerError, type Caller } from "../contracts.js";
import { requireAccess } from "./authenticate.js";
import { requestInfo } from "./requestInfo.js";
import { API_PREFIX, checkAppId, type HttpDeps } from "./deps.js";
import { sendEjson } from "./reply.js";

/** The body of a function call. */
export const callBody = z.object({
  name: z.string().min(1),
  arguments: z.array(z.unknown()).default([]),
  service: z.string().min(1).optional(),
});

/**
 * Runs a call: a service method if `service` is set, else a user function.
 * @throws ServerError 404 `ServiceNotFound` for an unknown service, plus whatever the runner or service throws.
 */
export function dispatchCall(deps: HttpDeps, call: z.infer<typeof callBody>, caller: Caller): Promise<unknown> {
  if (call.service === undefined) return deps.runner.call(call.name, call.arguments, caller);
  if (!deps.mongo.hasService(call.service)) {
    throw new ServerError(404, "ServiceNotFound", `service not found: '${call.service}'`);
  }
  return deps.mongo.call(call.service, call.name, call.arguments, caller);
}

/** Registers the function call route. */
export function registerFunctionRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.post<{ Params: { appId: string } }>(
    `${API_PREFIX}/app/:appId/functions/call`,
    { config: { kind: "functionCall" } },
    async (request, reply) => {
      checkAppId(deps.config, request.params.appId);
      const { user } = await requireAccess(request, deps.auth);
      const call = parseBody(callBody, request.body);
      const caller = { user: await deps.auth.contextUser(user), request: requestInfo(request, call.name, call.service) };
      const result = await dispatchCall(deps, call, caller);
      return sendEjson(reply, result);
    },
  );
}
