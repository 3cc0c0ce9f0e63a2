/**
 * `GET /app/:appId/functions/call?baas_request=…`: the streaming call used by `watch`, answered as
 * server-sent events of canonical EJSON change events. A `Last-Event-ID` header resumes after that
 * event. Each user may hold a bounded number of streams; every open stream is checked against its
 * session (see `StreamRegistry.watchSessions`).
 * @packageDocumentation
 */
import { EJSON } from "bson";
import type { FastifyInstance } from "fastify";
import { decodeJwt } from "jose";
import { z } from "zod";
import { parseBody } from "../auth/validate.js";
import { keepRegexOperators, malformedWrapper } from "./ejsonCheck.js";
import { ServerError, type WatchArgs } from "../contracts.js";
import { bearerToken, requireAccess } from "./authenticate.js";
import { API_PREFIX, checkAppId, type HttpDeps } from "./deps.js";
import { openWatchStream } from "./watchStream.js";
import { requestInfo } from "./requestInfo.js";

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
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, "base64").toString("utf8"));
  } catch {
    throw new ServerError(400, "InvalidParameter", "invalid parameter 'baas_request': expected base64 of a JSON object");
  }
  keepRegexOperators(json);
  const malformed = malformedWrapper(json);
  if (malformed !== undefined) throw new ServerError(400, "InvalidParameter", `invalid parameter 'baas_request': ${malformed}`);
  let decoded: unknown;
  try {
    decoded = EJSON.deserialize(json as Record<string, unknown>);
  } catch {
    throw new ServerError(400, "InvalidParameter", "invalid parameter 'baas_request': expected base64 of a JSON object");
  }
  const call = parseBody(watchCall, decoded);
  return { service: call.service, args: call.arguments[0] };
}

/** The `Last-Event-ID` header, if it names an event. */
function lastEventId(header: string | string[] | undefined): { resumeAfter: string } | Record<string, never> {
  return typeof header === "string" && header !== "" ? { resumeAfter: header } : {};
}

/**
 * Registers the streaming call route and the periodic session check of open streams.
 * @throws nothing; the route answers 401 `InvalidSession`, 404 `ServiceNotFound`, 429 `TooManyRequests`
 * (per-user stream cap) and 400 `ChangeStreamHistoryLost` (a resume point no longer kept)
 */
export function registerWatchRoute(app: FastifyInstance, deps: HttpDeps): void {
  const { limits } = deps.config;
  deps.streams.watchSessions((userId, sessionId) => deps.auth.sessionAlive(userId, sessionId));
  app.get<{ Params: { appId: string }; Querystring: Query }>(
    `${API_PREFIX}/app/:appId/functions/call`,
    { config: { kind: "watch" } },
    async (request, reply) => {
      checkAppId(deps.config, request.params.appId);
      const token = bearerToken(request) ?? request.query.baas_at;
      const { user, session } = await requireAccess(request, deps.auth, token);
      const { service, args } = decodeBaasRequest(request.query.baas_request);
      if (!deps.mongo.hasService(service)) throw new ServerError(404, "ServiceNotFound", `service not found: '${service}'`);
      if (deps.streams.countFor(user.id) >= limits.watchStreamsPerUser) {
        throw new ServerError(429, "TooManyRequests", `too many open watch streams for this user (limit ${limits.watchStreamsPerUser})`);
      }
      const caller = { user: await deps.auth.contextUser(user), request: requestInfo(request, "watch", service) };
      // the token was verified above, so its expiry claim is there
      const owner = { userId: user.id, sessionId: session.id, expiresAt: (decodeJwt(token ?? "").exp ?? 0) * 1000 };
      const streamDeps = { mongo: deps.mongo, streams: deps.streams, limits };
      openWatchStream(request, reply, streamDeps, owner, {
        service,
        args: { ...args, ...lastEventId(request.headers["last-event-id"]) },
        caller,
      });
    },
  );
}
