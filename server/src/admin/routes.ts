/**
 * The admin/test-support API under `/admin/v1`, registered only when an admin token is configured.
 * Every route needs `Authorization: Bearer <adminToken>`. Documented in docs/server.md.
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { UserStore } from "../auth/users.js";
import type { UserpassStore } from "../auth/userpass.js";
import { parseBody } from "../auth/validate.js";
import { ServerError } from "../contracts.js";
import { sendPlainJson } from "../http/reply.js";
import type { StreamRegistry } from "../http/streams.js";
import type { Counters } from "./counters.js";
import { faultSchema, type Faults } from "./faults.js";
import { isAdminAuthorization } from "./token.js";

/** What the admin routes need. */
export interface AdminDeps {
  adminToken: string;
  counters: Counters;
  faults: Faults;
  streams: StreamRegistry;
  users: UserStore;
  userpass: UserpassStore;
  /** Wipes users, sessions, keys, accounts and all stored documents. */
  resetAll: () => void;
}

/** The admin API path prefix. */
export const ADMIN_PREFIX = "/admin/v1";

const tokenQuery = z.object({ email: z.string().min(1), kind: z.enum(["confirm", "reset"]).default("confirm") });

function checkAdmin(request: FastifyRequest, adminToken: string): void {
  if (!isAdminAuthorization(request.headers.authorization, adminToken)) {
    throw new ServerError(401, "Unauthorized", "admin token required: 'Authorization: Bearer <admin token>'");
  }
}

/** Registers the admin routes. */
export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  void app.register(
    async (admin) => {
      admin.addHook("onRequest", async (request) => checkAdmin(request, deps.adminToken));
      admin.get("/counters", async (_req, reply) => sendPlainJson(reply, deps.counters.snapshot(deps.streams.size)));
      admin.post("/counters/reset", async (_req, reply) => {
        deps.counters.reset();
        return sendPlainJson(reply, {});
      });
      admin.get("/faults", async (_req, reply) => sendPlainJson(reply, deps.faults.list()));
      admin.post("/faults", async (request, reply) => {
        deps.faults.add(parseBody(faultSchema, request.body));
        return sendPlainJson(reply, deps.faults.list(), 201);
      });
      admin.delete("/faults", async (_req, reply) => {
        deps.faults.clear();
        return sendPlainJson(reply, {});
      });
      admin.post<{ Params: { userId: string } }>("/users/:userId/revoke-sessions", async (request, reply) => {
        return sendPlainJson(reply, { revoked: deps.users.revokeUserSessions(request.params.userId) });
      });
      // as App Services' admin API: 204 on success; disabling ends the user's sessions and streams
      for (const [action, disabled] of [
        ["disable", true],
        ["enable", false],
      ] as const) {
        admin.put<{ Params: { userId: string } }>(`/users/:userId/${action}`, async (request, reply) => {
          if (!deps.users.setDisabled(request.params.userId, disabled)) {
            throw new ServerError(404, "UserNotFound", `user not found: '${request.params.userId}'`);
          }
          return reply.code(204).send();
        });
      }
      admin.get("/userpass/tokens", async (request, reply) => {
        const { email, kind } = parseBody(tokenQuery, request.query);
        const pair = deps.userpass.lastToken(email, kind);
        if (pair === undefined) throw new ServerError(404, "UserpassTokenNotFound", `no ${kind} token for '${email}'`);
        return sendPlainJson(reply, pair);
      });
      admin.post("/reset", async (_req, reply) => {
        deps.resetAll();
        return sendPlainJson(reply, {});
      });
    },
    { prefix: ADMIN_PREFIX },
  );
}
