/**
 * The request hooks that count requests (and those their client abandoned) and apply injected faults.
 * @packageDocumentation
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { RouteKind } from "../http/deps.js";
import { sendError } from "../http/reply.js";
import type { Counters } from "./counters.js";
import type { Faults } from "./faults.js";

/** The route kind of a request (a login with `?link=true` counts as `link`), or undefined. */
export function routeKind(request: FastifyRequest): RouteKind | undefined {
  const kind = request.routeOptions.config?.kind;
  if (kind === "login" && (request.query as { link?: string } | undefined)?.link === "true") return "link";
  return kind;
}

/**
 * Installs the hooks: counting (also of requests whose client closed the connection before the
 * answer) and faults, which apply only when `faults` is given (admin enabled).
 */
export function installCountingHook(app: FastifyInstance, counters: Counters, faults: Faults | undefined): void {
  app.addHook("onRequestAbort", async (request) => {
    const kind = routeKind(request);
    if (kind !== undefined) counters.abandon(kind);
  });
  app.addHook("onRequest", async (request, reply) => {
    const kind = routeKind(request);
    if (kind === undefined) return;
    counters.hit(kind);
    const fault = faults?.take(kind);
    if (fault === undefined) return;
    if (fault.kind === "delay") {
      await sleep(fault.delayMs);
    } else if (fault.kind === "reset") {
      request.raw.socket.destroy();
      return reply.hijack();
    } else {
      return sendError(reply, fault.status, fault.errorCode ?? "InjectedFault", `injected fault for route '${kind}'`);
    }
  });
}
