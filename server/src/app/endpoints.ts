/**
 * Reads the custom HTTPS endpoints of an exported app: `https_endpoints/config.json` (the older
 * exports' `http_endpoints/config.json` too). Each names its route, HTTP method (`*` for all) and
 * function; how requests are validated (`validation_method`, with a secret by name); and whether it
 * answers with the function's result. Disabled endpoints are not served, and listed. Also the
 * generated Data API's settings (`data_api_config.json`).
 * @packageDocumentation
 */
import type { FunctionSpec } from "../functions/loader.js";
import { compileCanEvaluate, RuleConfigError, type RuleExpression } from "../rules/index.js";
import { ENDPOINT_METHODS, type DataApiSpec, type EndpointMethod, type EndpointSpec, type EndpointValidation } from "../endpoints/types.js";
import { appError, type AppFiles } from "./files.js";
import { dataApiSchema, endpointsSchema } from "./schemas.js";

/** The endpoints an app serves, and a line for each it does not. */
export interface AppEndpoints {
  endpoints: EndpointSpec[];
  /** The generated Data API, when enabled. */
  dataApi: DataApiSpec | undefined;
  unsupported: string[];
}

const DIRS = ["https_endpoints", "http_endpoints"];
const VALIDATIONS = new Set(["NO_VALIDATION", "SECRET_AS_QUERY_PARAM", "VERIFY_PAYLOAD"]);
/** A route: `/`, then path segments of URL path characters (no query, fragment or empty segment). */
const ROUTE = /^(\/[A-Za-z0-9\-._~!$&'()*+,;=:@%]+)+$|^\/$/;

function method(file: string, value: string): EndpointMethod {
  const upper = value.toUpperCase();
  const named = upper === "ANY" ? "*" : upper;
  const found = ENDPOINT_METHODS.find((m) => m === named);
  if (found === undefined) throw appError(file, `http_method ${JSON.stringify(value)}: expected one of ${ENDPOINT_METHODS.join(", ")}`);
  return found;
}

function validation(
  file: string,
  label: string,
  entry: { validation_method?: string | undefined; verification_method?: string | undefined; secret_name?: string | undefined },
  secrets: Record<string, string>,
  unsupported: string[],
): EndpointValidation {
  // The docs write both names; an export writes validation_method.
  const kind = entry.validation_method ?? entry.verification_method ?? "NO_VALIDATION";
  if (!VALIDATIONS.has(kind))
    throw appError(file, `${label}: validation_method ${JSON.stringify(kind)}: expected one of ${[...VALIDATIONS].join(", ")}`);
  if (kind === "NO_VALIDATION") return { kind };
  const secretName = entry.secret_name ?? "";
  if (secretName === "") throw appError(file, `${label}: validation_method ${kind} needs a secret_name`);
  const secret = Object.prototype.hasOwnProperty.call(secrets, secretName) ? secrets[secretName] : undefined;
  if (secret === undefined) {
    unsupported.push(
      `${file}: ${label} validates with the secret ${secretName}, which was not provided (--secrets FILE): its requests are refused`,
    );
  }
  return { kind: kind as "SECRET_AS_QUERY_PARAM" | "VERIFY_PAYLOAD", secretName, secret };
}

function decodedRoute(file: string, label: string, route: string): string {
  try {
    return decodeURIComponent(route);
  } catch {
    throw appError(file, `${label}: the route has an invalid percent-escape`);
  }
}

function returnType(file: string, label: string, value: string | undefined): "JSON" | "EJSON" {
  const upper = (value ?? "JSON").toUpperCase();
  if (upper !== "JSON" && upper !== "EJSON") throw appError(file, `${label}: return_type ${JSON.stringify(value)}: expected JSON or EJSON`);
  return upper;
}

function compiled(file: string, label: string, source: unknown): RuleExpression | undefined {
  try {
    return source === undefined ? undefined : compileCanEvaluate(source, `${file}, ${label}`);
  } catch (err) {
    if (err instanceof RuleConfigError) throw appError(file, err.message);
    throw err;
  }
}

const DATA_API_VERSIONS = new Set(["beta", "v1"]);

/**
 * The function that runs the Data API's `run_as_user_id_script_source` (no app function can have
 * this name: `:` is not allowed in one). Its script chooses the user it runs as; it answers that
 * user's id, or `{ runAsSystem: true }`.
 */
export const DATA_API_RUN_AS = "realm-tabs:data-api-run-as";

/** The function {@link DATA_API_RUN_AS}, for a script. */
export function dataApiRunAsFunction(script: string): FunctionSpec {
  return {
    name: DATA_API_RUN_AS,
    file: "https_endpoints/data_api_config.json",
    source: "exports = function () { return context.runningAsSystem() ? { runAsSystem: true } : context.user.id; };",
    runAsUserScript: script,
  };
}

function dataApi(files: AppFiles, dir: string, secrets: Record<string, string>, unsupported: string[]): DataApiSpec | undefined {
  const file = `${dir}/data_api_config.json`;
  const config = files.optionalJson(file, dataApiSchema);
  if (config === undefined) return undefined;
  if (config.disabled) return undefined;
  const unknown = config.versions.filter((v) => !DATA_API_VERSIONS.has(v));
  if (unknown.length > 0) throw appError(file, `versions: unknown ${unknown.map((v) => JSON.stringify(v)).join(", ")} (expected beta, v1)`);
  const userId = config.run_as_user_id ?? "";
  const script = config.run_as_user_id_script_source ?? "";
  const runAs: DataApiSpec["runAs"] = config.run_as_system
    ? { kind: "system" }
    : userId !== ""
      ? { kind: "user", userId }
      : script !== ""
        ? { kind: "script", functionName: DATA_API_RUN_AS, script }
        : { kind: "caller" };
  return {
    versions: config.versions,
    runAs,
    validation: validation(file, "the Data API", config, secrets, unsupported),
    createUserOnAuth: config.create_user_on_auth,
    returnType: returnType(file, "the Data API", config.return_type),
    canEvaluate: compiled(file, "the Data API", config.can_evaluate),
  };
}

/**
 * Reads the endpoints.
 * @param files - the app directory
 * @param functions - the app's functions (an endpoint's function must be one of them)
 * @param secrets - secret values by name
 * @returns the endpoints to serve, and a line per endpoint or part not served
 * @throws ServerError `InvalidConfig` naming the file for an invalid entry, an unknown function, or
 * two endpoints of the same route and method
 */
export function readEndpoints(files: AppFiles, functions: readonly FunctionSpec[], secrets: Record<string, string>): AppEndpoints {
  const byName = new Map(functions.map((spec) => [spec.name, spec]));
  const endpoints: EndpointSpec[] = [];
  const unsupported: string[] = [];
  const seen = new Set<string>();
  let data: DataApiSpec | undefined;
  for (const dir of DIRS) {
    data ??= dataApi(files, dir, secrets, unsupported);
    const file = `${dir}/config.json`;
    for (const entry of files.optionalJson(file, endpointsSchema) ?? []) {
      const httpMethod = method(file, entry.http_method);
      const label = `${httpMethod} ${entry.route}`;
      if (!ROUTE.test(entry.route)) throw appError(file, `${label}: a route begins with / and is a URL path`);
      if (entry.disabled) {
        unsupported.push(`${file}: HTTPS endpoint ${label} is disabled: not served`);
        continue;
      }
      const fn = byName.get(entry.function_name);
      if (fn === undefined) throw appError(file, `${label}: function ${entry.function_name} is not defined in functions/`);
      // requests are matched on their decoded path, so a route's escapes are decoded here too
      const route = decodedRoute(file, label, entry.route);
      if (seen.has(`${httpMethod} ${route}`)) throw appError(file, `${label}: defined twice`);
      seen.add(`${httpMethod} ${route}`);
      const canEvaluate = compiled(file, `endpoint ${label}`, entry.can_evaluate);
      endpoints.push({
        route,
        method: httpMethod,
        functionName: fn.name,
        noCredentials: fn.runAsSystem === true || fn.runAsUserId !== undefined || fn.runAsUserScript !== undefined,
        validation: validation(file, `HTTPS endpoint ${label}`, entry, secrets, unsupported),
        respondResult: entry.respond_result,
        fetchCustomUserData: entry.fetch_custom_user_data,
        createUserOnAuth: entry.create_user_on_auth,
        returnType: returnType(file, label, entry.return_type),
        canEvaluate,
      });
    }
  }
  return { endpoints, dataApi: data, unsupported };
}
