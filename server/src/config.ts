/**
 * The server's JSON config file format (validated with zod) and the resolved config the rest of the
 * server reads. See docs/server.md for the documented format.
 * @packageDocumentation
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ServerError } from "./contracts.js";
import { limitsSchema, resolveLimits, type Limits } from "./limits.js";

const metadataField = z.object({
  /** Dotted path of the claim in the custom JWT. */
  name: z.string().min(1),
  /** Key in the user's profile `data`; defaults to the last segment of `name`. */
  fieldName: z.string().min(1).optional(),
  required: z.boolean().default(false),
});

const publicKey = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);
const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), { message: "must be an http(s) URL" });

const customTokenSchema = z
  .object({
    algorithm: z.enum(["HS256", "RS256"]),
    /** HS256 shared secret, or up to three (a token signed with any of them is valid). */
    secret: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(3)]).optional(),
    /** RS256 public key: a PEM (SPKI) string or a JWK object, or up to three of them. */
    publicKey: z.union([publicKey, z.array(publicKey).min(1).max(3)]).optional(),
    /** RS256 keys fetched from this URL (a JWK Set, or one JWK), as App Services' `jwkURI`. */
    jwkUri: httpUrl.optional(),
    /** The audience(s) a token's `aud` must hold; absent with `jwkUri`: the app id. */
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** As App Services' `requireAnyAudience`: true, a token needs one of the audiences; false or absent, all of them. */
    requireAnyAudience: z.boolean().optional(),
    metadataFields: z.array(metadataField).default([]),
  })
  .refine(
    (c) =>
      c.algorithm === "HS256"
        ? c.secret !== undefined && c.publicKey === undefined && c.jwkUri === undefined
        : c.secret === undefined && (c.publicKey === undefined) !== (c.jwkUri === undefined),
    { message: "custom-token needs `secret` for HS256, or one of `publicKey` and `jwkUri` for RS256" },
  );

const localUserpassSchema = z.object({
  autoConfirm: z.boolean().default(true),
  /** Function run by register and confirm/call when autoConfirm is off; returns `{status}`. */
  confirmationFunctionName: z.string().min(1).optional(),
  /** Function run by reset/call; returns `{status: "success" | "pending" | "fail"}`. */
  resetFunctionName: z.string().min(1).optional(),
});

/**
 * An OAuth 2.0 provider. Its redirect logins run through the development stand-in (`devOAuth`); its
 * ID token logins (Google, Apple) are verified with the provider's published keys.
 */
const oauthProviderSchema = z
  .object({
    /** Redirect URLs a login may return to (as App Services' `redirect_uris`); none listed: any loopback URL. */
    redirectUris: z.array(z.string().url()).optional(),
    /** The OAuth client id (Google's client ID, Apple's Services ID or bundle ID): an ID token's audience. */
    clientId: z.string().min(1).optional(),
    /** Email domains allowed to log in (Google's `domain_restrictions`); none: any. */
    domainRestrictions: z.array(z.string().min(1)).optional(),
  })
  .strict();

/**
 * Where the server fetches the keys that sign Google's and Apple's ID tokens, when not at the
 * providers' public addresses (a proxy, or a test's own key server).
 */
const oauthKeysSchema = z
  .object({
    "oauth2-google": httpUrl.optional(),
    "oauth2-apple": httpUrl.optional(),
  })
  .strict();

const providersSchema = z
  .object({
    "anon-user": z.object({ enabled: z.boolean().default(true) }).optional(),
    "local-userpass": localUserpassSchema.extend({ enabled: z.boolean().default(true) }).optional(),
    "api-key": z.object({ enabled: z.boolean().default(true) }).optional(),
    "custom-token": customTokenSchema.optional(),
    "custom-function": z.object({ functionName: z.string().min(1) }).optional(),
    "oauth2-google": oauthProviderSchema.optional(),
    "oauth2-facebook": oauthProviderSchema.optional(),
    "oauth2-apple": oauthProviderSchema.optional(),
  })
  .strict();

/** The OAuth 2.0 provider types the development stand-in serves. */
export const OAUTH_PROVIDER_TYPES = ["oauth2-google", "oauth2-facebook", "oauth2-apple"] as const;
/** One of {@link OAUTH_PROVIDER_TYPES}. */
export type OAuthProviderType = (typeof OAUTH_PROVIDER_TYPES)[number];
/** The OAuth 2.0 providers whose ID tokens log in (`{id_token}`). */
export const ID_TOKEN_PROVIDER_TYPES = ["oauth2-google", "oauth2-apple"] as const;
/** One of {@link ID_TOKEN_PROVIDER_TYPES}. */
export type IdTokenProviderType = (typeof ID_TOKEN_PROVIDER_TYPES)[number];
/** Settings of one OAuth 2.0 provider. */
export type OAuthProviderConfig = z.infer<typeof oauthProviderSchema>;

/** The JSON config file schema. Every field is optional. */
export const configFileSchema = z
  .object({
    appId: z.string().min(1).optional(),
    accessTokenTtlSeconds: z.number().int().positive().optional(),
    refreshTokenTtlSeconds: z.number().int().positive().optional(),
    authProviders: providersSchema.optional(),
    customUserData: z
      .object({
        serviceName: z.string().min(1).default("mongodb-atlas"),
        databaseName: z.string().min(1),
        collectionName: z.string().min(1),
        userIdField: z.string().min(1),
        /** The function run before each user is created, with its metadata object; if it throws, no user is created. */
        onUserCreationFunction: z.string().min(1).optional(),
      })
      .optional(),
    mongoServiceNames: z.array(z.string().min(1)).min(1).optional(),
    values: z.record(z.string(), z.unknown()).optional(),
    functionTimeoutMs: z.number().int().positive().optional(),
    adminToken: z.string().min(8).optional(),
    bodyLimitBytes: z.number().int().positive().optional(),
    maxFailedLogins: z.number().int().positive().optional(),
    limits: limitsSchema.optional(),
    /**
     * Development only: OAuth 2.0 providers log in through an authorization page this server
     * serves (pick an identity) instead of Google, Facebook or Apple. Refused when
     * `NODE_ENV=production`.
     */
    devOAuth: z.boolean().optional(),
    /** JWK Set URLs of the ID token providers, instead of Google's and Apple's public ones. */
    oauthKeyUrls: oauthKeysSchema.optional(),
  })
  .strict();

/** The parsed config file (defaults filled in). */
export type ConfigFile = z.infer<typeof configFileSchema>;
/** The config file as written (fields with defaults may be left out). */
export type ConfigFileInput = z.input<typeof configFileSchema>;
/** Settings of the custom JWT provider. */
export type CustomTokenConfig = z.infer<typeof customTokenSchema>;
/** Settings of the email/password provider. */
export type LocalUserpassConfig = z.infer<typeof localUserpassSchema> & { enabled: boolean };

/** The resolved config: file values, then overrides, then defaults. */
export interface ServerConfig {
  appId: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  providers: {
    anon: boolean;
    apiKey: boolean;
    localUserpass: LocalUserpassConfig | undefined;
    customToken: CustomTokenConfig | undefined;
    customFunction: { functionName: string } | undefined;
    /** Enabled OAuth 2.0 providers by type. */
    oauth: Partial<Record<OAuthProviderType, OAuthProviderConfig>>;
  };
  /** OAuth 2.0 logins run through the development stand-in authorization page. */
  devOAuth: boolean;
  /** JWK Set URLs of ID token providers that replace their public ones. */
  oauthKeyUrls: Partial<Record<IdTokenProviderType, string>>;
  customUserData: ConfigFile["customUserData"];
  mongoServiceNames: string[];
  values: Record<string, unknown>;
  functionTimeoutMs: number;
  adminToken: string | undefined;
  bodyLimitBytes: number;
  maxFailedLogins: number;
  /** Protective limits (see limits.ts): throttles, query evaluation, streams, connections. */
  limits: Limits;
  /** Origins allowed to call from a browser (CORS); undefined: loopback origins only. */
  allowedOrigins?: string[] | undefined;
  /** Any origin may call from a browser (`--allow-any-origin`). */
  allowAnyOrigin: boolean;
  /** The URL clients reach the server at, answered by `/location`; undefined: the listening address. */
  publicUrl?: string | undefined;
}

/** Default app id when neither the options nor the config file name one. */
export const DEFAULT_APP_ID = "realm-tabs-demo";

/**
 * Reads and validates a config file.
 * @throws ServerError `InvalidConfig` if the file cannot be read, is not JSON, or fails validation.
 */
export function loadConfigFile(path: string): ConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ServerError(500, "InvalidConfig", `cannot read config file ${path}: ${(err as Error).message}`);
  }
  return parseConfig(raw, path);
}

/**
 * Validates a config object.
 * @throws ServerError `InvalidConfig` naming every invalid field.
 */
export function parseConfig(raw: unknown, source = "config"): ConfigFile {
  const result = configFileSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new ServerError(500, "InvalidConfig", `invalid ${source}: ${issues}`);
  }
  return result.data;
}

/** Overrides that take precedence over the config file (from options or the CLI). */
export interface ConfigOverrides {
  appId?: string | undefined;
  accessTokenTtlSeconds?: number | undefined;
  refreshTokenTtlSeconds?: number | undefined;
  adminToken?: string | undefined;
  allowedOrigins?: string[] | undefined;
  allowAnyOrigin?: boolean | undefined;
  publicUrl?: string | undefined;
  /** Enables the development OAuth stand-in (`--dev-oauth`) even if the file does not; it cannot turn it off. */
  devOAuth?: boolean | undefined;
}

/**
 * Merges a config file with overrides and fills in the defaults.
 * @throws ServerError 500 `InvalidConfig` for `devOAuth` (file or override) when `NODE_ENV` is `production`
 */
export function resolveConfig(file: ConfigFile, overrides: ConfigOverrides = {}): ServerConfig {
  const p = file.authProviders;
  const devOAuth = file.devOAuth === true || overrides.devOAuth === true;
  if (devOAuth && process.env.NODE_ENV === "production") {
    throw new ServerError(
      500,
      "InvalidConfig",
      "devOAuth (--dev-oauth: the development stand-in for OAuth providers) is refused when NODE_ENV=production",
    );
  }
  const oauth: Partial<Record<OAuthProviderType, OAuthProviderConfig>> = {};
  for (const type of OAUTH_PROVIDER_TYPES) {
    const settings = p?.[type];
    if (settings) oauth[type] = settings;
  }
  const userpass = p === undefined ? { enabled: true, autoConfirm: true } : p["local-userpass"];
  return {
    appId: overrides.appId ?? file.appId ?? DEFAULT_APP_ID,
    accessTokenTtlSeconds: overrides.accessTokenTtlSeconds ?? file.accessTokenTtlSeconds ?? 30 * 60,
    refreshTokenTtlSeconds: overrides.refreshTokenTtlSeconds ?? file.refreshTokenTtlSeconds ?? 60 * 24 * 3600,
    providers: {
      anon: p === undefined ? true : p["anon-user"]?.enabled === true,
      apiKey: p === undefined ? true : p["api-key"]?.enabled === true,
      localUserpass: userpass?.enabled === true ? userpass : undefined,
      customToken: p?.["custom-token"],
      customFunction: p?.["custom-function"],
      oauth,
    },
    devOAuth,
    oauthKeyUrls: file.oauthKeyUrls ?? {},
    customUserData: file.customUserData,
    mongoServiceNames: file.mongoServiceNames ?? ["mongodb-atlas"],
    values: file.values ?? {},
    functionTimeoutMs: file.functionTimeoutMs ?? 10_000,
    adminToken: overrides.adminToken ?? file.adminToken,
    bodyLimitBytes: file.bodyLimitBytes ?? 16 * 1024 * 1024,
    maxFailedLogins: file.maxFailedLogins ?? 5,
    limits: resolveLimits(file.limits, file.maxFailedLogins),
    allowedOrigins: overrides.allowedOrigins,
    allowAnyOrigin: overrides.allowAnyOrigin ?? false,
    publicUrl: overrides.publicUrl,
  };
}
