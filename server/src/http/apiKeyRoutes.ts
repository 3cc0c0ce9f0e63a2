/**
 * The six API-key routes (refresh-token authenticated).
 * @packageDocumentation
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { parseBody } from "../auth/validate.js";
import { ServerError } from "../contracts.js";
import { requireRefresh } from "./authenticate.js";
import { API_PREFIX, type HttpDeps } from "./deps.js";
import { sendEjson } from "./reply.js";

type KeyParams = { id: string };

const createBody = z.object({ name: z.string().min(1).max(256) });

/**
 * Checks a key id route parameter.
 * @throws ServerError 400 `InvalidParameter` unless it is a 24-digit hex ObjectId.
 */
function keyId(id: string): string {
  if (!/^[0-9a-f]{24}$/i.test(id)) throw new ServerError(400, "InvalidParameter", `invalid API key id '${id}'`);
  return id.toLowerCase();
}

/** Registers the API-key routes. */
export function registerApiKeyRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { auth, apiKeys } = deps;
  const base = `${API_PREFIX}/auth/api_keys`;
  const opts = { config: { kind: "apiKeys" as const } };

  app.post(base, opts, async (request, reply) => {
    const { user } = await requireRefresh(request, auth);
    const { name } = parseBody(createBody, request.body);
    return sendEjson(reply, apiKeys.create(user.id, name), 201);
  });

  app.get(base, opts, async (request, reply) => {
    const { user } = await requireRefresh(request, auth);
    return sendEjson(reply, apiKeys.list(user.id));
  });

  app.get<{ Params: KeyParams }>(`${base}/:id`, opts, async (request, reply) => {
    const { user } = await requireRefresh(request, auth);
    return sendEjson(reply, apiKeys.get(user.id, keyId(request.params.id)));
  });

  app.delete<{ Params: KeyParams }>(`${base}/:id`, opts, async (request, reply) => {
    const { user, session } = await requireRefresh(request, auth);
    const id = keyId(request.params.id);
    if (session.apiKeyId === id) throw new ServerError(403, "Forbidden", "cannot delete the API key used by the current session");
    apiKeys.delete(user.id, id);
    return sendEjson(reply, {});
  });

  for (const action of ["enable", "disable"] as const) {
    app.put<{ Params: KeyParams }>(`${base}/:id/${action}`, opts, async (request, reply) => {
      const { user, session } = await requireRefresh(request, auth);
      const id = keyId(request.params.id);
      if (action === "disable" && session.apiKeyId === id) {
        throw new ServerError(403, "Forbidden", "cannot disable the API key used by the current session");
      }
      apiKeys.setDisabled(user.id, id, action === "disable");
      return sendEjson(reply, {});
    });
  }
}
