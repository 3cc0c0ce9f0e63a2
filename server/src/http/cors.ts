/**
 * Which browser origins may call the server (CORS): the app's allowed origins when it lists them,
 * otherwise loopback origins only; `allowAnyOrigin` opens it. A request whose `Origin` is not
 * allowed is refused with 403 before it reaches a route, so a page elsewhere can neither read nor
 * write through requests that skip the preflight.
 * @packageDocumentation
 */
import cors from "@fastify/cors";
import type { FastifyInstance } from "fastify";
import type { ServerConfig } from "../config.js";
import { sendError } from "./reply.js";

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"]);

/**
 * True for an `http(s)` origin on a loopback host: `localhost`, `*.localhost`, `127.x.x.x` or `[::1]`.
 * @param origin - the `Origin` header
 */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (url.origin !== origin) return false;
  const host = url.hostname;
  return LOOPBACK_HOSTS.has(host) || host.endsWith(".localhost") || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * The origin check for a config.
 * @param config - `allowAnyOrigin` and `allowedOrigins`
 * @returns a predicate on the `Origin` header
 */
export function originCheck(config: Pick<ServerConfig, "allowAnyOrigin" | "allowedOrigins">): (origin: string) => boolean {
  if (config.allowAnyOrigin) return () => true;
  const listed = config.allowedOrigins?.filter((o) => o !== "");
  if (listed !== undefined && listed.length > 0) {
    const allowed = new Set(listed.map((o) => o.replace(/\/+$/, "")));
    return (origin) => allowed.has(origin);
  }
  return isLoopbackOrigin;
}

/**
 * Registers CORS for every route (the SSE route included): preflight for GET, POST, PUT and
 * DELETE with `Authorization`, `Content-Type` and `Accept`, for allowed origins only.
 * @param app - the fastify app
 * @param config - the origin settings
 */
export async function installCors(app: FastifyInstance, config: ServerConfig): Promise<void> {
  const allowed = originCheck(config);
  app.addHook("onRequest", async (request, reply) => {
    const origin = request.headers.origin;
    if (typeof origin === "string" && !allowed(origin)) {
      return sendError(reply, 403, "Forbidden", `origin not allowed: '${origin.slice(0, 200)}'`);
    }
  });
  await app.register(cors, {
    origin: (origin, done) => done(null, origin !== undefined && allowed(origin)),
    methods: ["GET", "POST", "PUT", "DELETE"],
    allowedHeaders: ["Authorization", "Content-Type", "Accept"],
    maxAge: 600,
  });
}
