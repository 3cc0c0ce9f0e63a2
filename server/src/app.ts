/**
 * Wires the server: the shared SQLite database, the MongoDB service (server/data), the function
 * runner (server/functions) and the HTTP app (server/http).
 * @packageDocumentation
 */
import type { FastifyInstance } from "fastify";
import type { ServerConfig } from "./config.js";
import { ServerError, type Caller, type FunctionRunner, type MongoService } from "./contracts.js";
import { createMongoService } from "./data/index.js";
import { openDatabase, type Db, type DbLocation } from "./db.js";
import { appMetadata, type AppMetadataInput } from "./functions/appMetadata.js";
import { createFunctionRunner } from "./functions/index.js";
import { withClientRules } from "./functions/policy.js";
import { EndpointTable } from "./endpoints/table.js";
import type { DataApiSpec, EndpointSpec } from "./endpoints/types.js";
import type { AuthService } from "./auth/service.js";
import type { UserLookup } from "./functions/runAs.js";
import { buildHttpApp } from "./http/build.js";
import type { AppFunctions } from "./app/functions.js";
import type { HostingSpec } from "./app/hosting.js";
import type { GraphqlApi } from "./graphql/schema.js";
import { canEvaluateHolds, checkEndpointCall, denyAllAccess, RulesAccess, type DataAccess, type RuleExpression } from "./rules/index.js";
import { startTriggers, type RunningTriggers, type TriggerSpec } from "./triggers/index.js";

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  config: ServerConfig;
  location: DbLocation;
  /** Folder of App Services-style function sources, or undefined for none. */
  functionsDir: string | undefined;
  /** An app's functions with their settings (instead of `functionsDir`). */
  functions?: AppFunctions | undefined;
  /** `context.environment` and `%%environment`. */
  environment?: { tag: string; values: Record<string, unknown> } | undefined;
  /** How application users reach the data; default: not at all. */
  access?: DataAccess | undefined;
  logger?: boolean;
  /** What the app says of itself, for `context.app` (default: its app id only). */
  appMetadata?: AppMetadataInput | undefined;
  /** An app's triggers (their functions run as the system user). */
  triggers?: readonly TriggerSpec[] | undefined;
  /** Receives a line for each trigger failure; default: printed to stderr. */
  onTriggerError?: ((line: string) => void) | undefined;
  /** An app's HTTPS endpoints. */
  endpoints?: readonly EndpointSpec[] | undefined;
  /** An app's generated Data API, when enabled. */
  dataApi?: DataApiSpec | undefined;
  /** An app's static hosting, when enabled. */
  hosting?: HostingSpec | undefined;
  /** An app's GraphQL API (served for apps loaded from a directory). */
  graphql?: GraphqlApi | undefined;
  /** The data source whose databases keep their own names in the store. */
  primaryService?: string | undefined;
}

/** The wired server, not yet listening. */
export interface AppHandle {
  app: FastifyInstance;
  db: Db;
  mongo: MongoService;
  runner: FunctionRunner;
  /** Closes streams, the HTTP app, the runner, the data layer and the database, in that order. */
  close(): Promise<void>;
}

/**
 * Creates the wired app.
 * @throws Error if the database cannot be opened or the functions folder cannot be loaded; ServerError
 * 500 `InvalidConfig` when the user creation function is not among the functions.
 */
export async function createApp(options: CreateAppOptions): Promise<AppHandle> {
  const { config } = options;
  const db = openDatabase(options.location);
  const access = options.access ?? denyAllAccess();
  const mongo = createMongoService({
    db,
    serviceNames: config.mongoServiceNames,
    primaryService: options.primaryService,
    access,
    limits: config.limits,
    // a transaction waits at most the functions' time limit to start, and then lives at most that long
    transactionLifetimeMs: config.functionTimeoutMs,
    resume: { maxEvents: config.limits.watchResumeEvents, maxAgeMs: config.limits.watchResumeSeconds * 1000 },
  });
  const environment = options.environment ?? { tag: "", values: {} };
  // functions that run as a specific user find it through the auth service, built with the HTTP app
  // (after the triggers, which may call such a function at once: the lookup waits, within the call's deadline)
  let authBuilt: (auth: AuthService) => void = () => undefined;
  const authReady = new Promise<AuthService>((resolve) => (authBuilt = resolve));
  const users: UserLookup = async (userId) => (await authReady).contextUserById(userId);
  let runner: FunctionRunner;
  try {
    runner = await createFunctionRunner({
      dir: options.functionsDir,
      functions: options.functions?.specs,
      environment,
      timeoutMs: config.functionTimeoutMs,
      values: config.values,
      mongo,
      memoryLimitMb: config.limits.functionMemoryMb,
      app: appMetadata(config.appId, options.appMetadata, new Date()),
      dependencies: options.functions?.dependencies,
      users,
    });
    const creationFunction = config.customUserData?.onUserCreationFunction;
    if (creationFunction !== undefined && !runner.has(creationFunction)) {
      await runner.close();
      throw new ServerError(500, "InvalidConfig", `invalid config: customUserData.onUserCreationFunction: no function ${creationFunction}`);
    }
  } catch (err) {
    await mongo.close();
    db.close();
    throw err;
  }
  const internal = runner;
  // `%function` in rules runs as the request's caller, private functions included.
  if (access instanceof RulesAccess) access.bindFunctions((name, args, caller) => internal.call(name, args, caller));
  if (options.functions !== undefined)
    runner = withClientRules(runner, options.functions.clientRules, { values: config.values, environment });
  let triggers: RunningTriggers;
  try {
    const report = options.onTriggerError ?? ((line: string) => process.stderr.write(`realm-tabs-server: ${line}\n`));
    triggers = startTriggers(options.triggers ?? [], mongo, { call: (name, args) => internal.call(name, args, {}), report });
  } catch (err) {
    await runner.close();
    await mongo.close();
    db.close();
    throw err;
  }
  /** An endpoint's (or the Data API's) own `can_evaluate` for a caller. */
  const checkCanEvaluate = async (label: string, canEvaluate: RuleExpression | undefined, caller: Caller): Promise<void> => {
    if (canEvaluate === undefined) return;
    const ctx = { values: config.values, environment, callFunction: (fn: string, args: unknown[]) => internal.call(fn, args, caller) };
    if (!(await canEvaluateHolds(canEvaluate, [], caller, ctx)))
      throw new ServerError(400, "FunctionExecutionError", `rule not matched for ${label}`);
  };
  /** A custom resolver's function: private ones too, as for an HTTPS endpoint, if `can_evaluate` holds. */
  const resolverCall = async (name: string, args: unknown[], caller: Caller): Promise<unknown> => {
    const own = options.functions?.clientRules.get(name);
    if (own !== undefined) {
      await checkEndpointCall(name, own, caller, {
        values: config.values,
        environment,
        callFunction: (fn: string, fnArgs: unknown[]) => internal.call(fn, fnArgs, caller),
      });
    }
    return internal.call(name, args, caller);
  };
  let http: Awaited<ReturnType<typeof buildHttpApp>>;
  try {
    http = await buildHttpApp({
      config,
      db,
      mongo,
      runner,
      logger: options.logger ?? false,
      onAuthEvent: triggers.onAuthEvent,
      afterReset: () => triggers.resubscribe(),
      endpoints: {
        table: new EndpointTable(options.endpoints ?? []),
        checkRules: (spec, caller) => checkCanEvaluate(`the HTTPS endpoint ${spec.method} ${spec.route}`, spec.canEvaluate, caller),
      },
      hosting: options.hosting,
      graphql: options.graphql === undefined ? undefined : { api: options.graphql, callFunction: resolverCall },
      dataApi:
        options.dataApi === undefined
          ? undefined
          : { spec: options.dataApi, checkRules: (caller) => checkCanEvaluate("the Data API", options.dataApi?.canEvaluate, caller) },
    });
  } catch (err) {
    triggers.stop();
    await runner.close();
    await mongo.close();
    db.close();
    throw err;
  }
  const { app, streams } = http;
  authBuilt(http.auth);
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      triggers.stop();
      streams.closeAll();
      await app.close();
      await runner.close();
      await mongo.close();
      db.close();
    })();
    return closed;
  };
  return { app, db, mongo, runner, close };
}
