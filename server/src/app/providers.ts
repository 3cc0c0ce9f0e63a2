/**
 * `auth/providers.json` and `auth/custom_user_data.json` mapped onto the server's own provider and
 * custom user data settings.
 * @packageDocumentation
 */
import type { z } from "zod";
import type { ConfigFile } from "../config.js";
import { appError, type AppFiles } from "./files.js";
import {
  customFunctionConfigSchema,
  customTokenConfigSchema,
  customTokenSecretsSchema,
  customUserDataSchema,
  providersFileSchema,
  userpassConfigSchema,
} from "./schemas.js";

type Providers = NonNullable<ConfigFile["authProviders"]>;
const PROVIDERS = "auth/providers.json";

function parse<S extends z.ZodType>(schema: S, raw: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(raw);
  if (!result.success)
    throw appError(PROVIDERS, `${where}: ${result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  return result.data;
}

function customToken(
  provider: z.infer<typeof providersFileSchema>[string],
  secrets: Record<string, string>,
  unsupported: string[],
): Providers["custom-token"] {
  const config = parse(customTokenConfigSchema, provider.config, "custom-token config");
  if (config.useJWKURI) {
    unsupported.push(
      `${PROVIDERS}: custom-token with useJWKURI (${config.jwkURI ?? "no URI"}) is not supported: custom JWT logins are refused`,
    );
    return undefined;
  }
  const { signingKeys } = parse(customTokenSecretsSchema, provider.secret_config, "custom-token secret_config");
  const keys = signingKeys.map((name) => secrets[name]).filter((k): k is string => typeof k === "string" && k !== "");
  if (keys.length === 0) {
    unsupported.push(
      `${PROVIDERS}: custom-token signing key secret(s) ${signingKeys.join(", ") || "(none named)"} not provided (--secrets FILE): custom JWT logins are refused`,
    );
    return undefined;
  }
  if (keys.length > 1) unsupported.push(`${PROVIDERS}: custom-token has ${keys.length} signing keys; only the first is used`);
  const key = keys[0] as string;
  const audience = config.audience === "" || (Array.isArray(config.audience) && config.audience.length === 0) ? undefined : config.audience;
  return {
    algorithm: config.signingAlgorithm,
    ...(config.signingAlgorithm === "HS256" ? { secret: key } : { publicKey: key }),
    ...(audience === undefined ? {} : { audience }),
    ...(config.requireAnyAudience === undefined ? {} : { requireAnyAudience: config.requireAnyAudience }),
    metadataFields: provider.metadata_fields.map((f) => ({
      name: f.name,
      required: f.required,
      ...(f.field_name ? { fieldName: f.field_name } : {}),
    })),
  };
}

/**
 * Reads the enabled providers.
 * @param files - the app directory
 * @param secrets - secret values by name
 * @param unsupported - receives a line per provider or setting this server cannot honour
 * @returns the server's provider settings (only the providers listed are enabled)
 * @throws ServerError `InvalidConfig` naming the file for an invalid provider
 */
export function readProviders(files: AppFiles, secrets: Record<string, string>, unsupported: string[]): Providers {
  const file = files.optionalJson(PROVIDERS, providersFileSchema) ?? {};
  const out: Providers = {};
  for (const [name, provider] of Object.entries(file)) {
    if (provider.disabled) continue;
    switch (provider.type) {
      case "anon-user":
        out["anon-user"] = { enabled: true };
        break;
      case "api-key":
        out["api-key"] = { enabled: true };
        break;
      case "local-userpass": {
        const c = parse(userpassConfigSchema, provider.config, "local-userpass config");
        const confirmWithFunction = !c.autoConfirm && c.runConfirmationFunction && c.confirmationFunctionName !== undefined;
        if (!c.autoConfirm && !confirmWithFunction)
          unsupported.push(`${PROVIDERS}: local-userpass confirmation emails are not sent; read confirmation tokens through the admin API`);
        const resetWithFunction = c.runResetFunction && c.resetFunctionName !== undefined;
        if (!resetWithFunction)
          unsupported.push(`${PROVIDERS}: local-userpass password reset emails are not sent; read reset tokens through the admin API`);
        out["local-userpass"] = {
          enabled: true,
          autoConfirm: c.autoConfirm,
          ...(confirmWithFunction ? { confirmationFunctionName: c.confirmationFunctionName } : {}),
          ...(resetWithFunction ? { resetFunctionName: c.resetFunctionName } : {}),
        };
        break;
      }
      case "custom-token": {
        const settings = customToken(provider, secrets, unsupported);
        if (settings !== undefined) out["custom-token"] = settings;
        break;
      }
      case "custom-function":
        out["custom-function"] = {
          functionName: parse(customFunctionConfigSchema, provider.config, "custom-function config").authFunctionName,
        };
        break;
      case "oauth2-google":
      case "oauth2-facebook":
      case "oauth2-apple": {
        const uris = (provider.redirect_uris ?? []).filter((u) => URL.canParse(u));
        out[provider.type] = uris.length > 0 ? { redirectUris: uris } : {};
        unsupported.push(
          `${PROVIDERS}: ${provider.type} cannot reach ${provider.type.slice(7)}; its redirect logins work only with devOAuth (the development stand-in), else they are refused`,
        );
        break;
      }
      default:
        unsupported.push(`${PROVIDERS}: provider ${name} (${provider.type}) is not supported: its logins are refused`);
    }
  }
  return out;
}

/**
 * Reads `auth/custom_user_data.json`.
 * @param files - the app directory
 * @returns the server's custom user data settings (with the user creation function's name), or
 * undefined when disabled
 * @throws ServerError `InvalidConfig` naming the file when enabled without its fields
 */
export function readCustomUserData(files: AppFiles): ConfigFile["customUserData"] {
  const file = "auth/custom_user_data.json";
  const c = files.optionalJson(file, customUserDataSchema);
  if (c === undefined || !c.enabled) return undefined;
  if (!c.mongo_service_name || !c.database_name || !c.collection_name || !c.user_id_field) {
    throw appError(file, "enabled custom user data needs mongo_service_name, database_name, collection_name and user_id_field");
  }
  return {
    serviceName: c.mongo_service_name,
    databaseName: c.database_name,
    collectionName: c.collection_name,
    userIdField: c.user_id_field,
    ...(c.on_user_creation_function_name ? { onUserCreationFunction: c.on_user_creation_function_name } : {}),
  };
}
