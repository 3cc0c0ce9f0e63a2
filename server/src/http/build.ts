/**
 * Builds the fastify app from its parts: stores, auth service, client API routes, admin API, CORS,
 * body parser and error handlers. The MongoDB service and function runner are passed in.
 * @packageDocumentation
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { Counters } from "../admin/counters.js";
import { Faults } from "../admin/faults.js";
import { installCountingHook } from "../admin/hooks.js";
import { registerAdminRoutes } from "../admin/routes.js";
import { sendError } from "./reply.js";
import { ApiKeyStore } from "../auth/apiKeys.js";
import { CustomTokenVerifier } from "../auth/customToken.js";
import { IdTokenVerifier } from "../auth/idTokens.js";
import { AnonymousLoginLimiter, LoginThrottle } from "../auth/rateLimit.js";
import { AuthService } from "../auth/service.js";
import { TokenService } from "../auth/tokens.js";
import { UserpassStore } from "../auth/userpass.js";
import { UserpassFlows } from "../auth/userpassFlows.js";
import { UserStore } from "../auth/users.js";
import { ID_TOKEN_PROVIDER_TYPES, type ServerConfig } from "../config.js";
import type { ContextUser, FunctionRunner, MongoService } from "../contracts.js";
import type { AuthEvent } from "../triggers/types.js";
import { tokenSecret, wipeAuthTables, type Db } from "../db.js";
import { registerApiKeyRoutes } from "./apiKeyRoutes.js";
import { registerAuthRoutes } from "./authRoutes.js";
import { installBodyParser } from "./bodyParser.js";
import { answerClientError } from "./clientErrors.js";
import { installCors } from "./cors.js";
import type { HttpDeps } from "./deps.js";
import { installErrorHandlers } from "./errors.js";
import { registerDataApiRoutes, type DataApiDeps } from "./dataApiRoutes.js";
import { registerEndpointRoutes, type EndpointDeps } from "./endpointRoutes.js";
import { registerFunctionRoutes } from "./functionRoutes.js";
import { registerGraphqlRoute, type GraphqlDeps } from "./graphqlRoute.js";
import { registerHostingRoutes } from "./hostingRoutes.js";
import type { HostingSpec } from "../app/hosting.js";
import { StreamRegistry } from "./streams.js";
import { registerOAuthRoutes } from "./oauthRoutes.js";
import { loggableUrl } from "./requestInfo.js";
import { registerUserpassRoutes } from "./userpassRoutes.js";
import { registerWatchRoute } from "./watchRoute.js";

/** The parts the HTTP app is built from. */
export interface HttpAppParts {
  config: ServerConfig;
  db: Db;
  mongo: MongoService;
  runner: FunctionRunner;
  /** Log requests to stderr (pino); off by default. */
  logger?: boolean;
  /** Receives each login, user creation and user deletion (for authentication triggers). */
  onAuthEvent?: ((event: AuthEvent) => void) | undefined;
  /** Called after the admin API's reset wiped the data (and so ended every watch). */
  afterReset?: (() => void) | undefined;
  /** The app's HTTPS endpoints (none when absent). */
  endpoints?: EndpointDeps | undefined;
  /** The app's generated Data API (not served when absent). */
  dataApi?: DataApiDeps | undefined;
  /** The app's static hosting (not served when absent). */
  hosting?: HostingSpec | undefined;
  /** The app's GraphQL API (not served when absent). */
  graphql?: GraphqlDeps | undefined;
}

/** The built app and the handles its owner needs. */
export interface HttpApp {
  app: FastifyInstance;
  streams: StreamRegistry;
  counters: Counters;
  /** The auth service (functions that run as a specific user look it up there). */
  auth: AuthService;
}

type Deps = HttpDeps & { users: UserStore; userpassStore: UserpassStore; throttle: LoginThrottle; anonymousLimiter: AnonymousLoginLimiter };

function idTokenVerifiers(config: ServerConfig): Partial<Record<string, IdTokenVerifier>> {
  const out: Partial<Record<string, IdTokenVerifier>> = {};
  for (const type of ID_TOKEN_PROVIDER_TYPES) {
    const settings = config.providers.oauth[type];
    if (settings?.clientId !== undefined)
      out[type] = new IdTokenVerifier(type, { ...settings, clientId: settings.clientId }, config.oauthKeyUrls[type]);
  }
  return out;
}

function makeDeps(parts: HttpAppParts, streams: StreamRegistry): Deps {
  const { config, db, mongo, runner } = parts;
  const { limits } = config;
  const users = new UserStore(db);
  const apiKeys = new ApiKeyStore(db);
  const userpassStore = new UserpassStore(db, { tokenTtlMs: limits.userpassTokenTtlSeconds * 1000 });
  const throttle = new LoginThrottle({
    perAccount: limits.failedLoginsPerAccount,
    perAddress: limits.failedLoginsPerAddress,
    decayMs: limits.failedLoginDecaySeconds * 1000,
  });
  const anonymousLimiter = new AnonymousLoginLimiter({ burst: limits.anonymousLoginBurst, perMinute: limits.anonymousLoginsPerMinute });
  const tokens = new TokenService(tokenSecret(db), config.accessTokenTtlSeconds, config.refreshTokenTtlSeconds);
  const customToken =
    config.providers.customToken === undefined ? undefined : new CustomTokenVerifier(config.providers.customToken, config.appId);
  const providerDeps = {
    config,
    userpass: userpassStore,
    apiKeys,
    customToken,
    idTokens: idTokenVerifiers(config),
    runner,
    throttle,
    anonymousLimiter,
  };
  const creationFunction = config.customUserData?.onUserCreationFunction;
  const onUserCreation =
    creationFunction === undefined ? undefined : (user: ContextUser) => runner.call(creationFunction, [user], {}).then(() => undefined);
  const auth = new AuthService({ users, tokens, providerDeps, mongo, onEvent: parts.onAuthEvent, onUserCreation });
  const userpassConfig = config.providers.localUserpass;
  const passwordChanged = (accountId: string): void => {
    const userId = users.findByIdentity("local-userpass", accountId);
    if (userId !== undefined) users.revokeUserSessions(userId);
  };
  const userpass = userpassConfig === undefined ? undefined : new UserpassFlows(userpassStore, userpassConfig, runner, { passwordChanged });
  return { config, auth, apiKeys, userpass, mongo, runner, streams, users, userpassStore, throttle, anonymousLimiter };
}

/**
 * Request, idle and keep-alive timeouts. The idle timeout is kept above the function time limit,
 * so a long function call is not cut; watch streams stay active through their heartbeats.
 */
function connectionOptions(config: ServerConfig): {
  requestTimeout: number;
  connectionTimeout: number;
  keepAliveTimeout: number;
  http: { headersTimeout: number; connectionsCheckingInterval: number };
} {
  const { requestTimeoutMs, connectionTimeoutMs, keepAliveTimeoutMs } = config.limits;
  return {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: Math.max(connectionTimeoutMs, config.functionTimeoutMs + 5_000, config.limits.queryTimeoutMs + 5_000),
    keepAliveTimeout: keepAliveTimeoutMs,
    // Node checks request deadlines on this interval (30 s by default): keep it well under the deadline.
    http: {
      headersTimeout: Math.min(60_000, requestTimeoutMs),
      connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(requestTimeoutMs / 4))),
    },
  };
}

/** Builds the app (not yet listening). */
export async function buildHttpApp(parts: HttpAppParts): Promise<HttpApp> {
  const { config } = parts;
  // Logs go to stderr so that stdout carries only the CLI's listening line.
  const app = Fastify({
    logger:
      parts.logger === true
        ? {
            stream: process.stderr,
            // the log never shows an endpoint's secret or a watch's access token (query parameters)
            serializers: {
              req: (request: FastifyRequest) => ({
                method: request.method,
                url: loggableUrl(request.url),
                hostname: request.hostname,
                remoteAddress: request.ip,
                remotePort: request.socket.remotePort,
              }),
            },
          }
        : false,
    bodyLimit: config.bodyLimitBytes,
    forceCloseConnections: true,
    ...connectionOptions(config),
    // a request that is not HTTP at all, too
    clientErrorHandler: answerClientError,
    // a malformed URL (bad percent-encoding) is answered before routing: keep the App Services error body
    frameworkErrors: (err, _request, reply) => {
      sendError(reply, err.statusCode !== undefined && err.statusCode < 500 ? err.statusCode : 400, "BadRequest", err.message);
    },
  });
  app.server.maxConnections = config.limits.maxConnections;
  const streams = new StreamRegistry();
  const counters = new Counters();
  const deps = makeDeps(parts, streams);
  installErrorHandlers(app);
  installBodyParser(app);
  await installCors(app, config);
  const faults = config.adminToken === undefined ? undefined : new Faults();
  installCountingHook(app, counters, faults);
  registerAuthRoutes(app, deps);
  registerOAuthRoutes(app, deps);
  registerApiKeyRoutes(app, deps);
  registerUserpassRoutes(app, deps);
  registerFunctionRoutes(app, deps);
  registerWatchRoute(app, deps);
  if (parts.endpoints !== undefined && parts.endpoints.table.size > 0) registerEndpointRoutes(app, deps, parts.endpoints);
  if (parts.dataApi !== undefined) registerDataApiRoutes(app, deps, parts.dataApi);
  if (parts.graphql !== undefined) registerGraphqlRoute(app, deps, parts.graphql);
  if (parts.hosting !== undefined) registerHostingRoutes(app, parts.hosting);
  if (config.adminToken !== undefined && faults !== undefined) {
    registerAdminRoutes(app, {
      adminToken: config.adminToken,
      counters,
      faults,
      streams,
      users: deps.users,
      userpass: deps.userpassStore,
      resetAll: () => {
        streams.closeAll();
        wipeAuthTables(parts.db);
        parts.mongo.reset?.();
        parts.afterReset?.();
        deps.throttle.clear();
        deps.anonymousLimiter.clear();
        counters.reset();
        faults.clear();
      },
    });
  }
  app.addHook("onClose", async () => streams.dispose());
  return { app, streams, counters, auth: deps.auth };
}
