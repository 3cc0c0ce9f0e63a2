/**
 * `auth/providers.json` and `auth/custom_user_data.json` mapped onto the server's own provider and
 * custom user data settings.
 * @packageDocumentation
 */
import type { z } from "zod";
import type { ConfigFile, OAuthProviderConfig } from "../config.js";
import { appError, type AppFiles } from "./files.js";
import {
  customFunctionConfigSchema,
  customTokenConfigSchema,
  customTokenSecretsSchema,
  customUserDataSchema,
  oauthConfigSchema,
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
  let keys: Pick<NonNullable<Providers["custom-token"]>, "algorithm" | "secret" | "publicKey" | "jwkUri">;
  if (config.useJWKURI) {
    const uri = config.jwkURI ?? "";
    if (!/^https?:\/\//i.test(uri) || !URL.canParse(uri))
      throw appError(PROVIDERS, `custom-token jwkURI must be an http(s) URL, not '${uri}'`);
    // the JWK URI's keys are RS256 (App Services sets the algorithm with it)
    keys = { algorithm: "RS256", jwkUri: uri };
    const { signingKeys } = parse(customTokenSecretsSchema, provider.secret_config, "custom-token secret_config");
    if (signingKeys.length > 0)
      unsupported.push(`${PROVIDERS}: custom-token uses its JWK URI; its signing keys (${signingKeys.join(", ")}) are not used`);
  } else {
    const { signingKeys } = parse(customTokenSecretsSchema, provider.secret_config, "custom-token secret_config");
    const values = signingKeys.map((name) => secrets[name]).filter((k): k is string => typeof k === "string" && k !== "");
    if (values.length === 0 || values.length < signingKeys.length) {
      const missing = signingKeys.filter((name) => !secrets[name]);
      unsupported.push(
        `${PROVIDERS}: custom-token signing key secret(s) ${missing.join(", ") || "(none named)"} not provided (--secrets FILE): ${
          values.length === 0 ? "custom JWT logins are refused" : "tokens signed with them are refused"
        }`,
      );
      if (values.length === 0) return undefined;
    }
    const chosen = values.slice(0, 3);
    if (values.length > 3)
      unsupported.push(
        `${PROVIDERS}: custom-token has ${values.length} signing keys; App Services uses up to three, and so does this server`,
      );
    keys = config.signingAlgorithm === "HS256" ? { algorithm: "HS256", secret: chosen } : { algorithm: "RS256", publicKey: chosen };
  }
  // an empty audience (as exports write one) is none
  const listed = (Array.isArray(config.audience) ? config.audience : [config.audience ?? ""]).filter((a) => a !== "");
  const audience = listed.length === 0 ? undefined : Array.isArray(config.audience) ? listed : listed[0];
  return {
    ...keys,
    ...(audience === undefined ? {} : { audience }),
    ...(config.requireAnyAudience === undefined ? {} : { requireAnyAudience: config.requireAnyAudience }),
    metadataFields: provider.metadata_fields.map((f) => ({
      name: f.name,
      required: f.required,
      ...(f.field_name ? { fieldName: f.field_name } : {}),
    })),
  };
}

function oauth(provider: z.infer<typeof providersFileSchema>[string], unsupported: string[]): OAuthProviderConfig {
  const type = provider.type;
  const name = type.slice("oauth2-".length);
  const config = parse(oauthConfigSchema, provider.config, `${type} config`);
  const uris = (provider.redirect_uris ?? []).filter((u) => URL.canParse(u));
  const domains = provider.domain_restrictions ?? [];
  const idTokens = type !== "oauth2-facebook" && config.clientId !== undefined;
  unsupported.push(
    `${PROVIDERS}: ${type} cannot reach ${name}: its redirect logins work only with devOAuth (the development stand-in)${
      idTokens ? "; ID token logins are verified with its published keys" : ""
    }; ${type === "oauth2-facebook" ? "access token" : type === "oauth2-google" ? "authorization code" : "other"} logins are refused`,
  );
  if (provider.metadata_fields.length > 0)
    unsupported.push(`${PROVIDERS}: ${type} metadata fields are not read: the users' profiles have no data from ${name}`);
  return {
    ...(uris.length > 0 ? { redirectUris: uris } : {}),
    ...(idTokens ? { clientId: config.clientId } : {}),
    ...(domains.length > 0 ? { domainRestrictions: domains } : {}),
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
      case "oauth2-apple":
        out[provider.type] = oauth(provider, unsupported);
        break;
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
