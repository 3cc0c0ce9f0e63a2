/**
 * From start options to what the server runs: the resolved config, the data access policy for
 * application users (an app's rules, `allowAllData`, or nothing), the app's functions, and the
 * warnings to print at start.
 * @packageDocumentation
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import {
  loadConfigFile,
  parseConfig,
  resolveConfig,
  type ConfigFile,
  type ConfigFileInput,
  type ConfigOverrides,
  type ServerConfig,
} from "../config.js";
import { ServerError } from "../contracts.js";
import { createRulesAccess, denyAllAccess, openAccess, RuleConfigError, type DataAccess, type Namespace } from "../rules/index.js";
import type { AppMetadataInput } from "../functions/appMetadata.js";
import type { DataApiSpec, EndpointSpec } from "../endpoints/types.js";
import type { TriggerSpec } from "../triggers/types.js";
import type { AppEnvironment } from "./files.js";
import type { AppFunctions } from "./functions.js";
import type { HostingSpec } from "./hosting.js";
import type { GraphqlApi } from "../graphql/schema.js";
import { loadApp } from "./loader.js";
import { choosePrimary, storedDatabase } from "../data/dataSources.js";
import type { SourceRecord } from "../data/sourceRecord.js";

/** The start options that decide config and data access (a subset of `StartServerOptions`). */
export interface SetupOptions extends ConfigOverrides {
  config?: ConfigFileInput | string | undefined;
  functionsDir?: string | undefined;
  appDir?: string | undefined;
  environment?: string | undefined;
  secrets?: Record<string, string> | string | undefined;
  allowAllData?: boolean | undefined;
}

/** What the server runs. */
export interface ServerSetup {
  config: ServerConfig;
  access: DataAccess;
  /** The app's functions (undefined without an app: `functionsDir` is used). */
  functions: AppFunctions | undefined;
  /** The app's triggers (none without an app). */
  triggers: TriggerSpec[];
  /** The app's HTTPS endpoints (none without an app). */
  endpoints: EndpointSpec[];
  /** The app's generated Data API, when enabled. */
  dataApi: DataApiSpec | undefined;
  /** The app's static hosting, when enabled. */
  hosting: HostingSpec | undefined;
  /** The app's GraphQL API (none without an app). */
  graphql: GraphqlApi | undefined;
  /** What the app says of itself for `context.app` (undefined without an app). */
  appMetadata: AppMetadataInput | undefined;
  /** `context.environment` and `%%environment`. */
  environment: AppEnvironment;
  /** The data source whose databases keep their own names in the store (data/dataSources.ts). */
  primaryService: string | undefined;
  /** Lines to print at start. */
  warnings: string[];
}

/** Config file fields an app directory defines itself. */
const APP_FIELDS = ["appId", "authProviders", "customUserData", "mongoServiceNames", "values"] as const;

const secretsSchema = z.record(z.string(), z.string());

function invalid(message: string): ServerError {
  return new ServerError(500, "InvalidConfig", message);
}

function readSecrets(secrets: SetupOptions["secrets"]): Record<string, string> {
  if (secrets === undefined) return {};
  let raw: unknown = secrets;
  if (typeof secrets === "string") {
    try {
      raw = JSON.parse(readFileSync(secrets, "utf8"));
    } catch (err) {
      throw invalid(`cannot read secrets file ${secrets}: ${(err as Error).message}`);
    }
  }
  const parsed = secretsSchema.safeParse(raw);
  if (!parsed.success)
    throw invalid(`invalid secrets${typeof secrets === "string" ? ` file ${secrets}` : ""}: expected an object of secret names to strings`);
  return parsed.data;
}

/** The custom user data collection as the access policies see requests: under its name in the store (data/dataSources.ts). */
function customDataNamespace(file: ConfigFile, primary: string | undefined): Namespace | undefined {
  const c = file.customUserData;
  if (c === undefined) return undefined;
  const databaseName = storedDatabase(c.serviceName, c.databaseName, primary);
  return { serviceName: c.serviceName, databaseName, collectionName: c.collectionName };
}

/** The warning printed when all data is open. */
export const ALLOW_ALL_DATA_WARNING =
  "allowAllData: every logged-in user, anonymous ones included, may read and change all data (except writing the custom user data collection); for anything but a quick start run an app directory with rules (--app DIR)";

/**
 * Resolves the config and the data access policy.
 * @param options - the start options
 * @param record - what the data directory records of its data sources, if anything
 * @returns config, policy, the app's functions and environment, warnings
 * @throws ServerError `InvalidConfig` for a bad config file, app directory, rules or secrets, or
 * conflicting options (`appDir` with `functionsDir`, `allowAllData` or app-level config fields;
 * `environment` or `secrets` without `appDir`)
 */
export function setUpServer(options: SetupOptions, record?: SourceRecord): ServerSetup {
  let file = typeof options.config === "string" ? loadConfigFile(options.config) : parseConfig(options.config ?? {});
  const overrides: ConfigOverrides = {
    appId: options.appId,
    adminToken: options.adminToken,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds,
    allowedOrigins: options.allowedOrigins,
    allowAnyOrigin: options.allowAnyOrigin,
    publicUrl: options.publicUrl,
    devOAuth: options.devOAuth,
  };
  if (options.appDir === undefined) {
    if (options.environment !== undefined || options.secrets !== undefined)
      throw invalid("environment (--environment) and secrets (--secrets) need an app directory (--app)");
    const config = resolveConfig(file, overrides);
    const { primary, warning } = choosePrimary(config.mongoServiceNames, record);
    const access = options.allowAllData === true ? openAccess(customDataNamespace(file, primary)) : denyAllAccess();
    const warnings = options.allowAllData === true ? [ALLOW_ALL_DATA_WARNING] : [];
    if (warning !== undefined) warnings.push(warning);
    return {
      config,
      access,
      functions: undefined,
      triggers: [],
      endpoints: [],
      dataApi: undefined,
      hosting: undefined,
      graphql: undefined,
      appMetadata: undefined,
      environment: { tag: "", values: {} },
      primaryService: primary,
      warnings,
    };
  }
  if (options.functionsDir !== undefined)
    throw invalid("functionsDir (--functions) cannot be combined with an app directory: the app's functions/ are used");
  if (options.allowAllData === true)
    throw invalid("allowAllData (--allow-all-data) cannot be combined with an app directory: the app's rules apply");
  const fromApp = APP_FIELDS.filter((k) => file[k] !== undefined);
  if (fromApp.length > 0)
    throw invalid(`the config file cannot set ${fromApp.join(", ")} together with an app directory, which defines them`);
  const app = loadApp(options.appDir, { appId: options.appId, environment: options.environment, secrets: readSecrets(options.secrets) });
  file = {
    ...file,
    authProviders: app.authProviders,
    customUserData: app.customUserData,
    mongoServiceNames: app.serviceNames,
    values: app.values,
  };
  // The app's allowed_request_origins, when it lists any; otherwise the options' (default loopback only).
  const allowedOrigins = app.allowedOrigins.length > 0 ? app.allowedOrigins : options.allowedOrigins;
  const config = resolveConfig(file, { ...overrides, appId: app.appId, allowedOrigins });
  const { primary, warning } = choosePrimary(app.serviceNames, record);
  let access: DataAccess;
  try {
    access = createRulesAccess({
      dataSources: app.rules,
      values: app.values,
      environment: app.environment,
      customUserData: customDataNamespace(file, primary),
      primaryService: primary,
    });
  } catch (err) {
    if (err instanceof RuleConfigError) throw invalid(`invalid app: ${err.message}`);
    throw err;
  }
  return {
    config,
    access,
    functions: app.functions,
    triggers: app.triggers,
    endpoints: app.endpoints,
    dataApi: app.dataApi,
    hosting: app.hosting,
    graphql: app.graphql,
    appMetadata: app.metadata,
    environment: app.environment,
    primaryService: primary,
    warnings: [...app.unsupported.map((line) => `not supported: ${line}`), ...(warning === undefined ? [] : [warning])],
  };
}
