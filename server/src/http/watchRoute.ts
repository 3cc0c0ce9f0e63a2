/**
 * `GET /app/:appId/functions/call?baas_request=…`: the streaming call used by `watch`, answered as
 * server-sent events of canonical EJSON change events.
 * @packageDocumentation
 */
import { EJSON } from "bson";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { parseBody } from "../auth/validate.js";
import { ServerError, type Caller, type ChangeEvent, type WatchArgs } from "../contracts.js";
import { bearerToken, requireAccess } from "./authenticate.js";
import { API_PREFIX, checkAppId, type HttpDeps } from "./deps.js";
import { sseDataFrame, sseErrorFrame } from "./streams.js";

type Query = { baas_request?: string; baas_at?: string };

const watchCall = z.object({
  name: z.literal("watch"),
  service: z.string().min(1),
  arguments: z.tuple([
    z.object({
      database: z.string().min(1),
      collection: z.string().min(1),
      ids: z.array(z.unknown()).optional(),
      filter: z.record(z.string(), z.unknown()).optional(),
    }),
  ]),
});

/**
 * Decodes `baas_request` (base64 of JSON, standard or URL-safe alphabet).
 * @throws ServerError 400 `MissingParameter` / `InvalidParameter`.
 */
export function decodeBaasRequest(raw: string | undefined): { service: string; args: WatchArgs } {
  if (raw === undefined || raw === "") throw new ServerError(400, "MissingParameter", "expected parameter 'baas_request' to be present");
  let decoded: unknown;
  try {
    decoded = EJSON.deserialize(JSON.parse(Buffer.from(raw, "base64").toString("utf8")) as Record<string, unknown>);
  } catch {
    throw new ServerError(400, "InvalidParameter", "invalid parameter 'baas_request': expected base64 of a JSON object");
  }
  const call = parseBody(watchCall, decoded);
  return { service: call.service, args: call.arguments[0] };
}

function openStream(request: FastifyRequest, reply: FastifyReply, deps: HttpDeps, service: string, args: WatchArgs, caller: Caller): void {
  let unsubscribe: (() => void) | undefined;
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    unregister();
    if (!reply.raw.writableEnded) reply.raw.end();
  };
  const unregister = deps.streams.add({ close });
  const onEvent = (event: ChangeEvent): void => {
    if (closed) return;
    try {
      reply.raw.write(sseDataFrame(EJSON.stringify(event, { relaxed: false })));
    } catch (err) {
      reply.raw.write(sseErrorFrame("InternalServerError", (err as Error).message));
      close();
    }
  };
  try {
    // A filter that fails off the main thread (e.g. over the query time limit) ends the stream.
    const onError = (err: ServerError): void => {
      if (closed) return;
      reply.raw.write(sseErrorFrame(err.errorCode, err.message));
      close();
    };
    unsubscribe = deps.mongo.watch(service, args, onEvent, caller, onError);
  } catch (err) {
    unregister();
    throw err;
  }
  reply.raw.on("close", close);
  reply.raw.on("error", close);
  reply.hijack();
  reply.raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  reply.raw.write(": stream open\n\n");
  request.log.debug({ service, args }, "watch stream opened");
}

/** Registers the streaming call route. */
export function registerWatchRoute(app: FastifyInstance, deps: HttpDeps): void {
  app.get<{ Params: { appId: string }; Querystring: Query }>(
    `${API_PREFIX}/app/:appId/functions/call`,
    { config: { kind: "watch" } },
    async (request, reply) => {
      checkAppId(deps.config, request.params.appId);
      const { user } = await requireAccess(request, deps.auth, bearerToken(request) ?? request.query.baas_at);
      const { service, args } = decodeBaasRequest(request.query.baas_request);
      if (!deps.mongo.hasService(service)) throw new ServerError(404, "ServiceNotFound", `service not found: '${service}'`);
      openStream(request, reply, deps, service, args, { user: await deps.auth.contextUser(user) });
    },
  );
}
