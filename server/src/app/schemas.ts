/**
 * The files of an exported App Services app, as the App Services CLI writes them, validated with
 * zod. Unknown fields are kept out (stripped), since exports carry fields this server has no use for.
 * @packageDocumentation
 */
import { z } from "zod";

/** `root_config.json` (`realm_config.json` / `config.json` in older exports). */
export const rootConfigSchema = z.object({
  name: z.string().min(1),
  app_id: z.string().min(1).optional(),
  environment: z.string().optional(),
  allowed_request_origins: z.array(z.string().min(1)).optional(),
  deployment_model: z.string().optional(),
  provider_region: z.string().optional(),
  config_version: z.number().optional(),
});

/** `.mdb/meta.json`, written by the App Services CLI. */
export const metaSchema = z.object({
  client_app_id: z.string().min(1).optional(),
  app_id: z.string().optional(),
  group_id: z.string().optional(),
  config_version: z.number().optional(),
});

const metadataField = z.object({ name: z.string().min(1), field_name: z.string().min(1).optional(), required: z.boolean().default(false) });

/** One provider of `auth/providers.json`. */
export const providerSchema = z.object({
  name: z.string().min(1).optional(),
  type: z.string().min(1),
  disabled: z.boolean().default(false),
  config: z.record(z.string(), z.unknown()).default({}),
  secret_config: z.record(z.string(), z.unknown()).default({}),
  metadata_fields: z.array(metadataField).default([]),
  redirect_uris: z.array(z.string()).optional(),
  domain_restrictions: z.array(z.string().min(1)).optional(),
});

/** `auth/providers.json`: providers by name. */
export const providersFileSchema = z.record(z.string(), providerSchema);

/** `config` of the `local-userpass` provider. */
export const userpassConfigSchema = z.object({
  autoConfirm: z.boolean().default(false),
  runConfirmationFunction: z.boolean().default(false),
  confirmationFunctionName: z.string().min(1).optional(),
  runResetFunction: z.boolean().default(false),
  resetFunctionName: z.string().min(1).optional(),
  emailConfirmationUrl: z.string().optional(),
  resetPasswordUrl: z.string().optional(),
});

/** `config` of the `custom-token` provider. */
export const customTokenConfigSchema = z.object({
  signingAlgorithm: z.enum(["HS256", "RS256"]).default("HS256"),
  audience: z.union([z.string(), z.array(z.string())]).optional(),
  requireAnyAudience: z.boolean().optional(),
  useJWKURI: z.boolean().default(false),
  jwkURI: z.string().optional(),
});

/** `config` of the `oauth2-google`, `oauth2-apple` and `oauth2-facebook` providers. */
export const oauthConfigSchema = z.object({
  // an empty client id is none
  clientId: z
    .string()
    .optional()
    .transform((id) => (id === "" ? undefined : id)),
});

/** `secret_config` of the `custom-token` provider. */
export const customTokenSecretsSchema = z.object({ signingKeys: z.array(z.string().min(1)).default([]) });

/** `config` of the `custom-function` provider. */
export const customFunctionConfigSchema = z.object({ authFunctionName: z.string().min(1) });

/** `auth/custom_user_data.json`. */
export const customUserDataSchema = z.object({
  enabled: z.boolean().default(false),
  mongo_service_name: z.string().min(1).optional(),
  database_name: z.string().min(1).optional(),
  collection_name: z.string().min(1).optional(),
  user_id_field: z.string().min(1).optional(),
  on_user_creation_function_name: z.string().optional(),
});

/** One entry of `functions/config.json`. */
export const functionConfigSchema = z.object({
  name: z.string().min(1),
  private: z.boolean().default(false),
  run_as_system: z.boolean().default(false),
  run_as_user_id: z.string().optional(),
  run_as_user_id_script_source: z.string().optional(),
  can_evaluate: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
  disable_arg_logs: z.boolean().optional(),
});

/** `functions/config.json`. */
export const functionsFileSchema = z.array(functionConfigSchema);

/** `data_sources/<name>/config.json`. */
export const dataSourceSchema = z.object({
  // `$` separates a database from its data source in the store (data/dataSources.ts)
  name: z
    .string()
    .min(1)
    .refine((name) => !/[$\0]/.test(name), "a data source name may not contain $"),
  type: z.string().min(1),
  config: z.record(z.string(), z.unknown()).default({}),
});

/** `values/<name>.json`. */
export const valueSchema = z.object({
  name: z.string().min(1),
  value: z.unknown(),
  from_secret: z.boolean().default(false),
});

/** `environments/<name>.json`. */
export const environmentSchema = z.object({ values: z.record(z.string(), z.unknown()).default({}) });

/** `sync/config.json`. */
export const syncSchema = z
  .object({
    type: z.string().optional(),
    state: z.string().optional(),
    development_mode_enabled: z.boolean().optional(),
  })
  .loose();

/** One entry of `https_endpoints/config.json` (or `http_endpoints/config.json`). */
export const endpointSchema = z
  .object({
    route: z.string(),
    http_method: z.string(),
    function_name: z.string().min(1),
    validation_method: z.string().optional(),
    verification_method: z.string().optional(),
    secret_name: z.string().optional(),
    respond_result: z.boolean().default(false),
    fetch_custom_user_data: z.boolean().default(false),
    create_user_on_auth: z.boolean().default(false),
    return_type: z.string().optional(),
    disabled: z.boolean().default(false),
    can_evaluate: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
  })
  .loose();

/** `https_endpoints/config.json` (or `http_endpoints/config.json`). */
export const endpointsSchema = z.array(endpointSchema);

/** `https_endpoints/data_api_config.json`. */
export const dataApiSchema = z
  .object({
    disabled: z.boolean().default(false),
    versions: z.array(z.string()).default(["v1"]),
    return_type: z.string().optional(),
    create_user_on_auth: z.boolean().default(false),
    run_as_system: z.boolean().default(false),
    run_as_user_id: z.string().optional(),
    run_as_user_id_script_source: z.string().optional(),
    validation_method: z.string().optional(),
    verification_method: z.string().optional(),
    secret_name: z.string().optional(),
    can_evaluate: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
  })
  .loose();
