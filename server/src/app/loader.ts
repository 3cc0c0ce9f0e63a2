/**
 * Reads an exported App Services app directory (the App Services CLI's format): root config, auth
 * providers, custom user data, functions, data sources with their rules, values, the selected
 * environment, triggers and HTTPS endpoints; and lists what this server cannot run.
 * @packageDocumentation
 */
import { resolve } from "node:path";
import type { ConfigFile } from "../config.js";
import type { DataSourceRules } from "../rules/index.js";
import type { AppMetadataInput } from "../functions/appMetadata.js";
import type { TriggerSpec } from "../triggers/types.js";
import type { DataApiSpec, EndpointSpec } from "../endpoints/types.js";
import { readDataSources } from "./dataSources.js";
import { dataApiRunAsFunction, readEndpoints } from "./endpoints.js";
import { appError, AppFiles, type AppEnvironment } from "./files.js";
import { readGraphql } from "./graphql.js";
import { readHosting, type HostingSpec } from "./hosting.js";
import type { GraphqlApi } from "../graphql/schema.js";
import { readFunctions, type AppFunctions } from "./functions.js";
import { readCustomUserData, readProviders } from "./providers.js";
import { environmentSchema, metaSchema, rootConfigSchema, valueSchema } from "./schemas.js";
import { readTriggers } from "./triggers.js";
import { unsupportedParts } from "./unsupported.js";

/** Options of {@link loadApp}. */
export interface LoadAppOptions {
  /** The app id, instead of the one the export names. */
  appId?: string | undefined;
  /** The environment, instead of `root_config.json`'s `environment`. */
  environment?: string | undefined;
  /** Secret values by name (exports name secrets but never contain them). */
  secrets?: Record<string, string> | undefined;
}

/** An app directory, read. */
export interface LoadedApp {
  /** The directory (absolute). */
  dir: string;
  /** From `--app-id`, else `.mdb/meta.json` `client_app_id`, else `app_id` in the root config, else its `name`. */
  appId: string;
  name: string;
  environment: AppEnvironment;
  /** Values by name (secret-backed values hold the secret's value, or are absent). */
  values: Record<string, unknown>;
  /** `allowed_request_origins` of the root config (empty: not restricted by the app). */
  allowedOrigins: string[];
  authProviders: NonNullable<ConfigFile["authProviders"]>;
  customUserData: ConfigFile["customUserData"];
  /** The MongoDB data sources' names. */
  serviceNames: string[];
  functions: AppFunctions;
  rules: DataSourceRules[];
  /** The triggers it runs. */
  triggers: TriggerSpec[];
  /** The HTTPS endpoints it serves. */
  endpoints: EndpointSpec[];
  /** The generated Data API, when enabled. */
  dataApi: DataApiSpec | undefined;
  /** The app's static hosting, when enabled. */
  hosting: HostingSpec | undefined;
  /** The app's GraphQL API. */
  graphql: GraphqlApi;
  /** What `context.app` shows of it. */
  metadata: AppMetadataInput;
  /** One line per part of the app this server does not run. */
  unsupported: string[];
}

const ROOT_FILES = ["root_config.json", "realm_config.json", "config.json"];

function readValues(files: AppFiles, secrets: Record<string, string>, unsupported: string[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const entry of files.list("values")) {
    if (!entry.endsWith(".json")) continue;
    const value = files.json(`values/${entry}`, valueSchema);
    if (!value.from_secret) {
      values[value.name] = value.value;
      continue;
    }
    const secretName = typeof value.value === "string" ? value.value : "";
    if (Object.prototype.hasOwnProperty.call(secrets, secretName)) values[value.name] = secrets[secretName];
    else
      unsupported.push(
        `values/${entry}: value ${value.name} comes from the secret ${secretName || "(unnamed)"}, which was not provided (--secrets FILE): it is undefined`,
      );
  }
  return values;
}

/**
 * Reads an app directory.
 * @param dir - the directory
 * @param options - app id and environment overrides, secrets
 * @returns the app
 * @throws ServerError `InvalidConfig` naming the file for anything invalid or missing
 */
export function loadApp(dir: string, options: LoadAppOptions = {}): LoadedApp {
  const files = new AppFiles(resolve(dir));
  if (!files.isDir(".")) throw appError(dir, "not a directory");
  const rootFile = ROOT_FILES.find((f) => files.exists(f));
  if (rootFile === undefined) throw appError("root_config.json", "missing: not an exported App Services app");
  const root = files.json(rootFile, rootConfigSchema);
  const meta = files.optionalJson(".mdb/meta.json", metaSchema);
  const tag = options.environment ?? root.environment ?? "";
  const envFile = `environments/${tag === "" ? "no-environment" : tag}.json`;
  files.env = { tag, values: files.optionalJson(envFile, environmentSchema)?.values ?? {} };
  const secrets = options.secrets ?? {};
  const unsupported: string[] = [];
  const authProviders = readProviders(files, secrets, unsupported);
  const customUserData = readCustomUserData(files);
  const functions = readFunctions(files, unsupported);
  const creationFunction = customUserData?.onUserCreationFunction;
  if (creationFunction !== undefined && !functions.specs.some((spec) => spec.name === creationFunction)) {
    throw appError("auth/custom_user_data.json", `the user creation function ${creationFunction} is not defined in functions/`);
  }
  const data = readDataSources(files, unsupported);
  const values = readValues(files, secrets, unsupported);
  const triggers = readTriggers(files, new Set(functions.specs.map((spec) => spec.name)));
  const endpoints = readEndpoints(files, functions.specs, secrets);
  // the Data API's Script authentication runs its script through a function of the server's
  const runAs = endpoints.dataApi?.runAs;
  if (runAs?.kind === "script") {
    functions.specs.push(dataApiRunAsFunction(runAs.script));
    functions.clientRules.set(runAs.functionName, { private: true, canEvaluate: undefined });
  }
  const graphql = readGraphql(files, data.rules, data.relationships, new Set(functions.specs.map((spec) => spec.name)), unsupported);
  unsupported.push(...triggers.unsupported, ...endpoints.unsupported, ...unsupportedParts(files));
  return {
    dir: files.dir,
    appId: options.appId ?? meta?.client_app_id ?? root.app_id ?? root.name,
    name: root.name,
    environment: files.env,
    values,
    allowedOrigins: root.allowed_request_origins ?? [],
    authProviders,
    customUserData,
    serviceNames: data.serviceNames,
    functions,
    rules: data.rules,
    triggers: triggers.triggers,
    endpoints: endpoints.endpoints,
    dataApi: endpoints.dataApi,
    hosting: readHosting(files, unsupported),
    graphql,
    metadata: {
      id: meta?.app_id ?? options.appId ?? meta?.client_app_id ?? root.app_id ?? root.name,
      name: root.name,
      projectId: meta?.group_id ?? "",
      deployment: { model: root.deployment_model ?? "LOCAL", providerRegion: root.provider_region ?? "" },
    },
    unsupported,
  };
}
