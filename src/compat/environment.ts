/**
 * realm-web's execution environment (`getEnvironment` / `setEnvironment`) and the OAuth 2.0
 * redirect handler (`handleAuthRedirect`) that the provider's redirect page calls.
 * @packageDocumentation
 */
import { defaultRootStorage, type Storage } from "./storage.js";

/** Values specific to the runtime environment, as realm-web defines them. */
export interface Environment {
  /** The storage the OAuth redirect flow hands its result over in (`realm-web:`-prefixed localStorage). */
  defaultStorage: Storage;
  /** Opens a browser window (the OAuth provider's login page). */
  openWindow: (url: string) => Window | null;
  /** The name of the executing platform. */
  platform: string;
  /** The version of the executing platform. */
  platformVersion: string;
  /** Decodes buffers into strings. */
  TextDecoder: typeof TextDecoder;
}

function openWindow(url: string): Window | null {
  const open = (globalThis as { open?: (url: string) => Window | null }).open;
  if (typeof open === "function") return open(url);
  console.log(`Please open ${url}`);
  return null;
}

let environment: Environment | null = null;

/** Replaces the environment (call it before creating an App). */
export function setEnvironment(e: Environment): void {
  environment = e;
}

/** The environment: the one set with {@link setEnvironment}, or the browser's default. */
export function getEnvironment(): Environment {
  environment ??= {
    defaultStorage: defaultRootStorage().prefix("realm-web"),
    openWindow,
    platform: "web",
    platformVersion: "0.0.0",
    TextDecoder,
  };
  return environment;
}

/** The `#…` parameters of an OAuth redirect, and the names realm-web stores them under. */
const REDIRECT_FIELDS = {
  _baas_client_app_id: "appId",
  _baas_ua: "userAuth",
  _baas_link: "link",
  _baas_error: "error",
  _baas_state: "state",
} as const;

/** What the redirect page received: the user's tokens (`userAuth`) or an error, and the state. */
export type OAuthRedirectResult = Partial<Record<(typeof REDIRECT_FIELDS)[keyof typeof REDIRECT_FIELDS], string>>;

/** Parses the hash of an OAuth redirect (`_baas_state=…&_baas_ua=…`). */
export function parseRedirectHash(hash: string): OAuthRedirectResult {
  const params = new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash);
  const result: OAuthRedirectResult = {};
  for (const [param, field] of Object.entries(REDIRECT_FIELDS)) {
    const value = params.get(param);
    if (value) result[field] = value;
  }
  return result;
}

/** The storage the result of the OAuth flow with this state is handed over in. */
export function stateStorage(storage: Storage, state: string): Storage {
  return storage.prefix("oauth2").prefix(`state(${state})`);
}

/**
 * Completes an OAuth 2.0 redirect login: call it on the page the provider redirects to. It stores
 * the result where the tab that started the login waits for it (that tab then logs the user in,
 * in every tab). It never throws: a bad redirect is reported with `console.warn`.
 * @param location - the redirect's location @default the window's location
 * @param storage - where to hand the result over @default `getEnvironment().defaultStorage`
 */
export function handleAuthRedirect(location?: Pick<Location, "hash">, storage?: Storage): void {
  try {
    const where = location ?? (globalThis as { location?: Location }).location;
    if (!where) throw new Error("Failed to handle OAuth 2.0 redirect: no location");
    const result = parseRedirectHash(where.hash);
    if (typeof result.state !== "string") {
      throw new Error(result.error ? `Failed to handle OAuth 2.0 redirect: ${result.error}` : "Failed to handle OAuth 2.0 redirect.");
    }
    stateStorage(storage ?? getEnvironment().defaultStorage, result.state).set("result", JSON.stringify(result));
  } catch (error) {
    console.warn(error);
  }
}
