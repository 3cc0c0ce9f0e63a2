/**
 * An HTTPS endpoint as the server serves it (read from an exported app's
 * `https_endpoints/config.json` by app/endpoints.ts).
 * @packageDocumentation
 */
import type { RuleExpression } from "../rules/index.js";

/** The HTTP methods an endpoint can handle; `*` handles them all. */
export const ENDPOINT_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "*"] as const;

/** An endpoint's HTTP method. */
export type EndpointMethod = (typeof ENDPOINT_METHODS)[number];

/**
 * How a request proves it may call the endpoint, besides authentication: nothing, the `secret`
 * query parameter, or an `Endpoint-Signature: sha256=<hex>` header (HMAC-SHA256 of the body). The
 * secret is undefined when the app names one that was not provided: every request is refused then.
 */
export type EndpointValidation =
  { kind: "NO_VALIDATION" } | { kind: "SECRET_AS_QUERY_PARAM" | "VERIFY_PAYLOAD"; secretName: string; secret: string | undefined };

/** One endpoint. */
export interface EndpointSpec {
  /** The route, beginning with `/` (`/hello/latest`). */
  route: string;
  /** The HTTP method it handles (`*`: all). */
  method: EndpointMethod;
  /** The function that handles its requests. */
  functionName: string;
  /**
   * True when the function runs as system, or as a user its settings choose (`run_as_user_id` or its
   * script): requests need no credentials (System, User ID and Script authentication).
   */
  noCredentials: boolean;
  /** How requests prove they may call it, besides authentication. */
  validation: EndpointValidation;
  /** Answer with the function's response (or its return value); false: always 204 with no body. */
  respondResult: boolean;
  /** Read the user's custom data into `context.user.custom_data`; false: it is `{}`. */
  fetchCustomUserData: boolean;
  /** Create a user for credentials that prove an identity no user has yet. */
  createUserOnAuth: boolean;
  /** The format of a returned value when the request's `Accept` does not choose one. */
  returnType: "JSON" | "EJSON";
  /** The endpoint's own `can_evaluate`, if any (the function's applies too). */
  canEvaluate?: RuleExpression | undefined;
}

/** The generated Data API (`data_api_config.json`), when it is enabled. */
export interface DataApiSpec {
  /** The versions requests may name (`v1`, `beta`). */
  versions: string[];
  /** Who requests run as: the caller (Application authentication), the system, or one user. */
  runAs:
    | { kind: "caller" }
    | { kind: "system" }
    | { kind: "user"; userId: string }
    /**
     * Script authentication: `script` (`run_as_user_id_script_source`) chooses the user; the
     * function `functionName` runs it and answers that user's id.
     */
    | { kind: "script"; functionName: string; script: string };
  validation: EndpointValidation;
  createUserOnAuth: boolean;
  /** The format of the answers when the request's `Accept` does not choose one. */
  returnType: "JSON" | "EJSON";
  canEvaluate?: RuleExpression | undefined;
}
