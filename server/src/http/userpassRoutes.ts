/**
 * The seven `local-userpass` routes (no token needed; realm-web may send one and it is ignored).
 * @packageDocumentation
 */
import type { FastifyInstance } from "fastify";
import type { UserpassFlows } from "../auth/userpassFlows.js";
import { ServerError } from "../contracts.js";
import { API_PREFIX, checkAppId, type HttpDeps } from "./deps.js";
import { sendEjson } from "./reply.js";

type Flow = (flows: UserpassFlows, body: unknown) => Promise<void>;

const FLOWS: Record<string, Flow> = {
  register: (f, b) => f.register(b),
  confirm: (f, b) => f.confirm(b),
  "confirm/send": (f, b) => f.resendConfirmation(b),
  "confirm/call": (f, b) => f.retryConfirmation(b),
  reset: (f, b) => f.reset(b),
  "reset/send": (f, b) => f.sendReset(b),
  "reset/call": (f, b) => f.callReset(b),
};

/** Registers the email/password routes. */
export function registerUserpassRoutes(app: FastifyInstance, deps: HttpDeps): void {
  for (const [path, flow] of Object.entries(FLOWS)) {
    app.post<{ Params: { appId: string } }>(
      `${API_PREFIX}/app/:appId/auth/providers/local-userpass/${path}`,
      { config: { kind: "userpass" } },
      async (request, reply) => {
        checkAppId(deps.config, request.params.appId);
        if (deps.userpass === undefined) {
          throw new ServerError(404, "AuthProviderNotFound", "authentication via 'local-userpass' is unsupported");
        }
        await flow(deps.userpass, request.body);
        return sendEjson(reply, {});
      },
    );
  }
}
