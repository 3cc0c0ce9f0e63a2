/**
 * What the HTTP routes need, and the route kinds used by counters and fault injection.
 * @packageDocumentation
 */
import type { ApiKeyStore } from "../auth/apiKeys.js";
import type { AuthService } from "../auth/service.js";
import type { UserpassFlows } from "../auth/userpassFlows.js";
import type { ServerConfig } from "../config.js";
import { ServerError, type FunctionRunner, type MongoService } from "../contracts.js";
import type { StreamRegistry } from "./streams.js";

/** Kinds of routes, as counted and as targeted by fault injection. */
export const ROUTE_KINDS = [
  "location",
  "login",
  "link",
  "profile",
  "refresh",
  "logout",
  "deleteUser",
  "apiKeys",
  "userpass",
  "functionCall",
  "watch",
  "endpoint",
  "graphql",
] as const;

/** A route kind. */
export type RouteKind = (typeof ROUTE_KINDS)[number];

declare module "fastify" {
  interface FastifyContextConfig {
    /** The route kind, for counters and fault injection. */
    kind?: RouteKind;
  }
}

/** Dependencies of the client API routes. */
export interface HttpDeps {
  config: ServerConfig;
  auth: AuthService;
  apiKeys: ApiKeyStore;
  /** Undefined when the email/password provider is disabled. */
  userpass: UserpassFlows | undefined;
  mongo: MongoService;
  runner: FunctionRunner;
  streams: StreamRegistry;
}

/**
 * Checks the `:appId` route parameter.
 * @throws ServerError 404 `AppNotFound` if it is not this server's app id.
 */
export function checkAppId(config: ServerConfig, appId: string): void {
  if (appId !== config.appId) throw new ServerError(404, "AppNotFound", `cannot find app using Client App ID '${appId}'`);
}

/** The path prefix of every client API route. */
export const API_PREFIX = "/api/client/v2.0";
