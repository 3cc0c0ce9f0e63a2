/**
 * Options of `new App(…)` and their defaults.
 * @packageDocumentation
 */
import { RealmTabsError } from "./protocol/errors.js";
import type { AppConfigWire } from "./protocol/rpc.js";
import type { WorkerFactory } from "./connection.js";
import type { ModeOption } from "./modes/select.js";
import type { Storage } from "./compat/storage.js";

/** The App Services cloud base URL (realm-web's default). */
export const DEFAULT_BASE_URL = "https://services.cloud.mongodb.com";

/** Options of {@link App}. */
export interface AppConfiguration {
  /** The App Services app id. */
  id: string;
  /** Base URL of the server. @default "https://services.cloud.mongodb.com" */
  baseUrl?: string;
  /** Send every request to `baseUrl` instead of asking `…/location` first. @default false */
  skipLocationRequest?: boolean;
  /** This web app's name and version, sent with logins as device information (the version only with a name). */
  app?: { name?: string; version?: string };
  /**
   * Accepted for realm-web compatibility and ignored (one console warning): requests are made by
   * the session runtime (a SharedWorker, or another tab), where a function of this page cannot run.
   */
  fetch?: unknown;
  /**
   * Where this tab keeps the non-secret copy of the last known state that `new App` starts from
   * (see {@link App.currentUser}); keys are prefixed `realm-tabs:`. @default localStorage
   */
  storage?: Storage;
  /**
   * How to start the session runtime: a function returning a `SharedWorker`, or a `MessagePort`
   * (or any Comlink endpoint) to it. @default the SharedWorker bundled with realm-tabs
   */
  worker?: WorkerFactory;
  /**
   * Let this App (this tab) read `user.refreshToken`. Off by default: the refresh token stays in
   * the worker, so script running in a page cannot take a long-lived credential away. The opt-in
   * is per App object: the worker sends the tokens only to it, over its private port; it is never
   * stored, never posted on a BroadcastChannel and never reaches other tabs. In leader mode (no
   * SharedWorker) the runtime's replies travel on a BroadcastChannel, so the opt-in is refused with
   * a `refresh-token-withheld` warning and `refreshToken` stays null. @default false
   */
  exposeRefreshToken?: boolean;
  /**
   * Deadline of every call to the runtime (the start included), in ms. The request of a function
   * call (`user.functions`, `callFunction`, collection methods) waits a second less for the
   * server's answer, up to 10 min, where the runtime's other requests (login, refresh, the reset
   * password function) give up after 15 s: raise it for functions or aggregations that run longer
   * (App Services ended them at 300 s). A hung runtime is then also noticed that late.
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * Where the session runtime runs: `auto` tries a SharedWorker, then a leader tab, then this page
   * (see docs/modes.md); `app.mode` tells which one is in use. @default "auto"
   */
  mode?: ModeOption;
  /**
   * This deploy's build id (e.g. a commit hash from your bundler). Tabs of different builds open
   * at once are told through the App's `outdated` event. @default the realm-tabs version
   */
  buildId?: string;
}

/**
 * Validates the options and fills in defaults.
 * @throws {RealmTabsError} `invalid-argument` for a missing id or a malformed base URL (a relative one
 *   resolves against the page's URL; outside a page it is malformed)
 */
export function normalizeConfig(
  idOrConfig: string | AppConfiguration,
): Required<Pick<AppConfiguration, "id" | "baseUrl" | "exposeRefreshToken">> & AppConfiguration {
  const config = typeof idOrConfig === "string" ? { id: idOrConfig } : idOrConfig;
  if (typeof config !== "object" || config === null || typeof config.id !== "string" || config.id.length === 0) {
    throw new RealmTabsError("invalid-argument", "an App needs an id: new App('my-app-id') or new App({ id, baseUrl })", {
      retryable: false,
    });
  }
  // as realm-web: an empty baseUrl is the default, and a relative one is the page's (a reverse proxy)
  const given = config.baseUrl || DEFAULT_BASE_URL;
  let baseUrl: string;
  try {
    // outside a page (no `location`) a relative one throws here too
    baseUrl = URL.canParse(given) ? given : new URL(given, location.href).href;
  } catch (cause) {
    throw new RealmTabsError("invalid-argument", `baseUrl is not a URL: ${given}`, { cause, retryable: false });
  }
  // a timer longer than 2^31 - 1 ms fires at once
  if (config.timeoutMs !== undefined && !(config.timeoutMs > 0 && config.timeoutMs < 2 ** 31)) {
    throw new RealmTabsError("invalid-argument", "timeoutMs must be a positive number of ms, under 2^31", { retryable: false });
  }
  if (config.mode !== undefined && !["auto", "shared-worker", "leader", "in-page"].includes(config.mode)) {
    throw new RealmTabsError("invalid-argument", `mode must be auto, shared-worker, leader or in-page, not ${String(config.mode)}`, {
      retryable: false,
    });
  }
  return { ...config, baseUrl: baseUrl.replace(/\/+$/, ""), exposeRefreshToken: config.exposeRefreshToken ?? false };
}

/** The configuration as it crosses to the runtime. */
export function toConfigWire(config: ReturnType<typeof normalizeConfig>): AppConfigWire {
  return {
    id: config.id,
    baseUrl: config.baseUrl,
    skipLocationRequest: config.skipLocationRequest ?? false,
    exposeRefreshToken: config.exposeRefreshToken,
    ...(config.app?.name ? { app: { name: config.app.name, ...(config.app.version ? { version: config.app.version } : {}) } } : {}),
  };
}
