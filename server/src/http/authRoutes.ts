/**
 * Client API routes for location, login/link, profile, session refresh/logout and user deletion.
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { bearerToken, requireAccess, requireRefresh } from "./authenticate.js";
import { API_PREFIX, checkAppId, type HttpDeps } from "./deps.js";
import { sendEjson } from "./reply.js";
import { ServerError } from "../contracts.js";

type AppParams = { appId: string };
type LoginParams = AppParams & { provider: string };

/**
 * The base URL `/location` answers: the configured public URL, else the address the server
 * listens on (for a wildcard bind, the local address this connection reached). Never the Host
 * header, which the client controls.
 */
function serverBaseUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl !== undefined) return publicUrl.replace(/\/+$/, "");
  const bound = request.server.server.address();
  let host = typeof bound === "object" && bound !== null ? bound.address : "127.0.0.1";
  const port = typeof bound === "object" && bound !== null ? bound.port : request.socket.localPort;
  if (host === "0.0.0.0" || host === "::") host = request.socket.localAddress ?? "127.0.0.1";
  host = host.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body))
    throw new ServerError(400, "InvalidParameter", "expected the request body to be an object");
  return body as Record<string, unknown>;
}

/** Registers the auth routes. */
export function registerAuthRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { auth, config } = deps;

  app.get<{ Params: AppParams }>(`${API_PREFIX}/app/:appId/location`, { config: { kind: "location" } }, async (request, reply) => {
    checkAppId(config, request.params.appId);
    const origin = serverBaseUrl(request, config.publicUrl);
    return sendEjson(reply, {
      deployment_model: "LOCAL",
      location: "US-VA",
      hostname: origin,
      ws_hostname: origin.replace(/^http/, "ws"),
    });
  });

  app.post<{ Params: LoginParams; Querystring: { link?: string } }>(
    `${API_PREFIX}/app/:appId/auth/providers/:provider/login`,
    { config: { kind: "login" } },
    async (request, reply) => {
      checkAppId(config, request.params.appId);
      const body = objectBody(request.body);
      if (request.query.link === "true") {
        const principal = await requireAccess(request, auth);
        try {
          return sendEjson(reply, await auth.link(principal, request.params.provider, body, { address: request.ip }));
        } catch (err) {
          // realm-web refreshes and retries, without end, a request made with an access token that
          // gets 401 "unauthorized": a wrong password while linking is told in other words
          if (err instanceof ServerError && err.errorCode === "InvalidPassword")
            throw new ServerError(401, "InvalidPassword", "invalid username/password");
          throw err;
        }
      }
      return sendEjson(reply, await auth.logIn(request.params.provider, body, { address: request.ip }));
    },
  );

  app.get(`${API_PREFIX}/auth/profile`, { config: { kind: "profile" } }, async (request, reply) => {
    const { user } = await requireAccess(request, auth);
    return sendEjson(reply, auth.profile(user));
  });

  app.post(`${API_PREFIX}/auth/session`, { config: { kind: "refresh" } }, async (request, reply) => {
    const principal = await requireRefresh(request, auth);
    return sendEjson(reply, { access_token: await auth.accessToken(principal.session) });
  });

  app.delete(`${API_PREFIX}/auth/session`, { config: { kind: "logout" } }, async (request, reply) => {
    auth.logOut(
      await requireRefresh(request, auth).catch(async (err: unknown) => {
        // realm-web's logOut (also run by deleteUser after the user is gone) ignores exactly this
        // message: a well-signed refresh token whose session no longer exists.
        if (await auth.isSignedRefreshToken(bearerToken(request))) {
          throw new ServerError(401, "InvalidSession", "failed to find refresh token");
        }
        throw err;
      }),
    );
    return sendEjson(reply, {});
  });

  app.delete(`${API_PREFIX}/auth/delete`, { config: { kind: "deleteUser" } }, async (request, reply) => {
    const principal = await requireAccess(request, auth);
    auth.deleteUser(principal);
    return sendEjson(reply, {});
  });
}
