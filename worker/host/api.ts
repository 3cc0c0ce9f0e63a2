/**
 * The per-connection `SessionApi` object: validates each argument, finds the runtime by app key and
 * runs the operation. Each method validates before doing anything, so a bad call rejects alone.
 * @packageDocumentation
 */
import type { ConnectReply, MutationReply, RuntimeStats, SessionApi } from "../../src/protocol/rpc.js";
import type { AppSnapshot } from "../../src/protocol/snapshots.js";
import { revealRefreshTokens } from "../session/state.js";
import * as ops from "../session/operations.js";
import type { AppRuntime } from "../session/runtime.js";
import { parseArgs, parseCredentials, parseOptionalString, parseString as str } from "./validate.js";
import { sdkSurfaceApi } from "./surface.js";
import { accountFeatures } from "../features/lazy.js";
import type { SharedWatches } from "../features/watchOnDemand.js";

/** What the API object is built on (the host). */
export interface ApiCore {
  /**
   * Validates and performs a connect.
   * @returns the reply, and whether this connection gets refresh tokens (it opted in over a private port)
   */
  connect(raw: unknown): Promise<{ reply: ConnectReply; revealRefreshTokens: boolean }>;
  /** The runtime of an app key a tab connected to. @throws {RealmTabsError} `invalid-argument` */
  runtime(appKey: unknown): AppRuntime;
  stats(): RuntimeStats;
  /** Shared watch streams (one server stream per watched target, for every tab), loaded on first use. */
  watchHub: SharedWatches;
  /** A signal that aborts when the tab `tabId` (one that connected) is gone. */
  tabGone(tabId: string): AbortSignal;
}

/**
 * Builds the object one endpoint exposes. Its methods reject with `RealmTabsError`
 * (`invalid-argument`, `user-not-found`, `not-logged-in`, `protocol-mismatch`, `network`,
 * `timeout`, `storage`) or with the server's `MongoDBRealmError`.
 */
export function sessionApi(core: ApiCore): SessionApi {
  const rt = (k: unknown): AppRuntime => core.runtime(k);
  let tabId: string | null = null; // set by connect: the watches of this connection belong to that tab
  // set by connect: this connection's tab opted in to refresh tokens, and its port is private
  let reveal = false;
  // set by connect: the tab's deadline of a call, which its function calls' requests get too
  let callTimeoutMs: number | undefined;
  // set by connect: ends this tab's function calls' requests when the tab is gone
  let gone: AbortSignal | undefined;
  const shown = (runtime: AppRuntime, snapshot: AppSnapshot): AppSnapshot =>
    reveal ? revealRefreshTokens(snapshot, runtime.state()) : snapshot;
  /** Runs a mutation on the app `k`; its reply shows refresh tokens to an opted-in tab only. */
  const mutate = async (k: unknown, run: (runtime: AppRuntime) => Promise<MutationReply>): Promise<MutationReply> => {
    const runtime = rt(k);
    const reply = await run(runtime);
    return reveal ? { ...reply, snapshot: shown(runtime, reply.snapshot) } : reply;
  };
  const surface = sdkSurfaceApi(rt, core.watchHub, () => tabId);
  return {
    connect: async (req: unknown) => {
      const { reply, revealRefreshTokens: optedIn } = await core.connect(req);
      // validated by core.connect
      const request = req as { tabId: string; config: { callTimeoutMs?: number } };
      tabId = request.tabId;
      callTimeoutMs = request.config.callTimeoutMs;
      gone = core.tabGone(tabId);
      reveal = optedIn;
      return reveal ? { ...reply, snapshot: shown(rt(reply.appKey), reply.snapshot) } : reply;
    },
    logIn: async (k: unknown, c: unknown) => mutate(k, (r) => ops.logIn(r, parseCredentials(c))),
    switchUser: async (k: unknown, u: unknown) => mutate(k, (r) => ops.switchUser(r, str(u, "userId"))),
    logOut: async (k: unknown, u: unknown) => mutate(k, (r) => ops.logOut(r, str(u, "userId"))),
    removeUser: async (k: unknown, u: unknown) => mutate(k, (r) => ops.removeUser(r, str(u, "userId"))),
    // deleteUser, refreshProfile and linkCredentials load the account features; their arguments are checked first
    deleteUser: async (k: unknown, u: unknown) => {
      const [, userId] = [rt(k), str(u, "userId")];
      const { deleteUser } = await accountFeatures();
      return mutate(k, (r) => deleteUser(r, userId));
    },
    refreshAccessToken: async (k: unknown, u: unknown) => mutate(k, (r) => r.refresh(str(u, "userId"))),
    // custom data the app just changed is in a token minted after this call only
    refreshCustomData: async (k: unknown, u: unknown) => mutate(k, (r) => r.refresh(str(u, "userId"), { fresh: true })),
    refreshProfile: async (k: unknown, u: unknown) => {
      const [, userId] = [rt(k), str(u, "userId")];
      const { refreshProfile } = await accountFeatures();
      return mutate(k, (r) => refreshProfile(r, userId));
    },
    linkCredentials: async (k: unknown, u: unknown, c: unknown) => {
      const [, userId, credentials] = [rt(k), str(u, "userId"), parseCredentials(c)];
      const { linkCredentials } = await accountFeatures();
      return mutate(k, (r) => linkCredentials(r, userId, credentials));
    },
    callFunction: async (k: unknown, u: unknown, name: unknown, args: unknown, service?: unknown) =>
      ops.callFunction(rt(k), str(u, "userId"), str(name, "name"), parseArgs(args), parseOptionalString(service, "service"), {
        timeoutMs: callTimeoutMs,
        signal: gone,
      }),
    stats: async () => core.stats(),
    snapshot: async (k: unknown) => {
      const runtime = rt(k);
      return shown(runtime, runtime.snapshot());
    },
    ...surface,
    redirectLoginUrl: async (k: unknown, p: unknown, url: unknown, state: unknown) => {
      const [runtime, provider, redirectUrl, st] = [rt(k), str(p, "providerType"), str(url, "redirectUrl"), str(state, "state")];
      return (await accountFeatures()).redirectLoginUrl(runtime, provider, redirectUrl, st);
    },
    completeRedirectLogin: async (k: unknown, p: unknown, ua: unknown) => {
      rt(k); // an unknown app key rejects before anything loads
      const [provider, userAuth] = [str(p, "providerType"), str(ua, "userAuth")];
      const { completeRedirectLogin } = await accountFeatures();
      return mutate(k, (r) => completeRedirectLogin(r, provider, userAuth));
    },
    // the surface validates both arguments itself
    importRealmWeb: async (k: unknown, data: unknown) =>
      mutate(k, () => (surface.importRealmWeb as (k: unknown, data: unknown) => Promise<MutationReply>)(k, data)),
  } satisfies SessionApi;
}
