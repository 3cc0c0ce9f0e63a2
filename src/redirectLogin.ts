/**
 * The tab's half of the OAuth 2.0 redirect login, as realm-web runs it: the tab opens the server's
 * login URL in a window; the provider's login ends on the app's redirect page, whose
 * `handleAuthRedirect()` writes the result to localStorage under a random state
 * (`realm-web:oauth2:state(<state>):result`); this tab hears of it through the `storage` event,
 * closes the window and hands the result to the runtime, which logs the user in for every tab.
 * @packageDocumentation
 */
import { getEnvironment, stateStorage, type Environment, type OAuthRedirectResult } from "./compat/environment.js";
import { RealmTabsError } from "./protocol/errors.js";

/** How long a redirect login may take (a person signs in), in ms. */
export const REDIRECT_LOGIN_TIMEOUT_MS = 10 * 60_000;
/** How often the window is checked for having been closed, in ms. */
const CLOSED_CHECK_MS = 200;

/** What {@link runRedirectLogin} needs. */
export interface RedirectLoginDeps<T> {
  /** The login URL for `state` (asks the runtime: it knows the server's location). */
  url(state: string): Promise<string>;
  /** Completes the login with the `_baas_ua` value the redirect page received. */
  complete(userAuth: string): Promise<T>;
  /** Where the window is opened and the result is handed over. @default getEnvironment() */
  environment?: Pick<Environment, "openWindow" | "defaultStorage">;
  /** Deadline of the whole login. @default {@link REDIRECT_LOGIN_TIMEOUT_MS} */
  timeoutMs?: number;
}

/** 12 random lowercase letters, as realm-web's state. */
export function randomState(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => String.fromCharCode(97 + (b % 26))).join("");
}

function parseResult(text: string): OAuthRedirectResult {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === "object" && parsed !== null) return parsed;
  } catch {
    // reported below
  }
  throw new RealmTabsError("redirect-failed", "the OAuth 2.0 redirect handed back a result that is not JSON", { retryable: false });
}

/**
 * Runs one redirect login.
 * @throws {RealmTabsError} `window-blocked` if the window could not be opened (a popup blocker),
 *   `window-closed` if it was closed before the login finished, `timeout` after the deadline,
 *   `redirect-failed` if the provider or server reported an error (`_baas_error`) or the result is malformed;
 *   anything `url` or `complete` rejects with
 */
export async function runRedirectLogin<T>(deps: RedirectLoginDeps<T>): Promise<T> {
  const env = deps.environment ?? getEnvironment();
  const state = randomState();
  const handover = stateStorage(env.defaultStorage, state);
  const url = await deps.url(state);
  let cleanup = (): void => {};
  const result = new Promise<string>((resolve, reject) => {
    const check = (): boolean => {
      const text = handover.get("result");
      if (text === null) return false;
      resolve(text);
      return true;
    };
    handover.addListener(check);
    const popup = env.openWindow(url);
    if (!popup) {
      cleanup = () => {
        handover.removeListener(check);
        handover.clear();
      };
      reject(
        new RealmTabsError("window-blocked", "the OAuth 2.0 login window could not be opened (a popup blocker?)", { retryable: false }),
      );
      return;
    }
    const deadline = setTimeout(
      () => reject(new RealmTabsError("timeout", "the OAuth 2.0 login did not finish in time", { retryable: false })),
      deps.timeoutMs ?? REDIRECT_LOGIN_TIMEOUT_MS,
    );
    const closedTimer = setInterval(() => {
      // the result may have been written just before the window closed
      if (popup.closed && !check()) {
        reject(
          new RealmTabsError("window-closed", "the OAuth 2.0 login window was closed before the login finished", { retryable: false }),
        );
      }
    }, CLOSED_CHECK_MS);
    cleanup = () => {
      handover.removeListener(check);
      clearInterval(closedTimer);
      clearTimeout(deadline);
      handover.clear();
      try {
        if (!popup.closed) popup.close();
      } catch (e) {
        console.warn("[realm-tabs] could not close the OAuth 2.0 login window", e);
      }
    };
  });
  let text: string;
  try {
    text = await result;
  } finally {
    cleanup();
  }
  const parsed = parseResult(text);
  if (parsed.error !== undefined) {
    throw new RealmTabsError("redirect-failed", `the OAuth 2.0 login failed: ${parsed.error}`, { retryable: false });
  }
  if (parsed.state !== state || typeof parsed.userAuth !== "string") {
    throw new RealmTabsError("redirect-failed", "the OAuth 2.0 redirect handed back no user for this login", { retryable: false });
  }
  return deps.complete(parsed.userAuth);
}

// reaches every module the start and the runtime connection need too, so that they share
// their chunks (see laterShared.ts)
export * as sharedWithAttachment from "./attachment.js";
