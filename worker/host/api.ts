/**
 * The per-connection `SessionApi` object: validates each argument, finds the runtime by app key and
 * runs the operation. Each method validates before doing anything, so a bad call rejects alone.
 * @packageDocumentation
 */
import type { ConnectReply, RuntimeStats, SessionApi } from "../../src/protocol/rpc.js";
import * as ops from "../session/operations.js";
import type { AppRuntime } from "../session/runtime.js";
import { parseArgs, parseCredentials, parseOptionalString, parseString as str } from "./validate.js";
import { sdkSurfaceApi } from "./surface.js";
import type { WatchHub } from "../features/watchHub.js";

/** What the API object is built on (the host). */
export interface ApiCore {
  /** Validates and performs a connect. */
  connect(raw: unknown): Promise<ConnectReply>;
  /** The runtime of an app key a tab connected to. @throws {RealmTabsError} `invalid-argument` */
  runtime(appKey: unknown): AppRuntime;
  stats(): RuntimeStats;
  /** Shared watch streams (one server stream per watched target, for every tab). */
  watchHub: WatchHub;
}

/**
 * Builds the object one endpoint exposes. Its methods reject with `RealmTabsError`
 * (`invalid-argument`, `user-not-found`, `not-logged-in`, `protocol-mismatch`, `network`,
 * `timeout`, `storage`) or with the server's `MongoDBRealmError`.
 */
export function sessionApi(core: ApiCore): SessionApi {
  const rt = (k: unknown): AppRuntime => core.runtime(k);
  let tabId: string | null = null; // set by connect: the watches of this connection belong to that tab
  return {
    connect: async (req: unknown) => {
      const reply = await core.connect(req);
      tabId = (req as { tabId: string }).tabId; // validated by core.connect
      return reply;
    },
    logIn: async (k: unknown, c: unknown) => ops.logIn(rt(k), parseCredentials(c)),
    switchUser: async (k: unknown, u: unknown) => ops.switchUser(rt(k), str(u, "userId")),
    logOut: async (k: unknown, u: unknown) => ops.logOut(rt(k), str(u, "userId")),
    removeUser: async (k: unknown, u: unknown) => ops.removeUser(rt(k), str(u, "userId")),
    deleteUser: async (k: unknown, u: unknown) => ops.deleteUser(rt(k), str(u, "userId")),
    refreshAccessToken: async (k: unknown, u: unknown) => rt(k).refresh(str(u, "userId")),
    refreshCustomData: async (k: unknown, u: unknown) => rt(k).refresh(str(u, "userId")),
    refreshProfile: async (k: unknown, u: unknown) => ops.refreshProfile(rt(k), str(u, "userId")),
    linkCredentials: async (k: unknown, u: unknown, c: unknown) => ops.linkCredentials(rt(k), str(u, "userId"), parseCredentials(c)),
    callFunction: async (k: unknown, u: unknown, name: unknown, args: unknown, service?: unknown) =>
      ops.callFunction(rt(k), str(u, "userId"), str(name, "name"), parseArgs(args), parseOptionalString(service, "service")),
    stats: async () => core.stats(),
    snapshot: async (k: unknown) => rt(k).snapshot(),
    ...sdkSurfaceApi(rt, core.watchHub, () => tabId),
  } satisfies SessionApi;
}
