/**
 * The per-connection `SessionApi` methods of the SDK surface beyond sessions: watch, API keys,
 * email/password and the realm-web import, each validated before anything is sent.
 * @packageDocumentation
 */
import { RealmTabsError } from "../../src/protocol/errors.js";
import type { SessionApi } from "../../src/protocol/rpc.js";
import { accountFeatures } from "../features/lazy.js";
import type { AppRuntime } from "../session/runtime.js";
import { parsePort, parseString as str } from "./validate.js";
import type { SharedWatches } from "../features/watchOnDemand.js";

type Surface = Pick<SessionApi, "watch" | "unwatch" | "apiKeys" | "emailPassword" | "importRealmWeb">;

/**
 * Builds the methods. `tabId()` is the id the connection's tab sent in `connect`.
 * @throws {RealmTabsError} `invalid-argument` (from each method) for bad input or a watch before connect
 */
export function sdkSurfaceApi(rt: (k: unknown) => AppRuntime, hub: SharedWatches, tabId: () => string | null): Surface {
  return {
    watch: async (k: unknown, u: unknown, request: unknown, port: unknown) => {
      const runtime = rt(k);
      const userId = str(u, "userId");
      const sink = parsePort(port);
      const tab = tabId();
      if (!tab) throw new RealmTabsError("invalid-argument", "call connect before watch", { retryable: false });
      return hub.subscribe(runtime, userId, request, tab, sink); // the request is checked by the loaded watch module
    },
    unwatch: async (id: unknown) => hub.unsubscribe(str(id, "watchId")),
    apiKeys: async (k: unknown, u: unknown, op: unknown, arg?: unknown) => {
      const [runtime, userId] = [rt(k), str(u, "userId")];
      return (await accountFeatures()).apiKeyCall(runtime, userId, op, arg); // checks the operation and its argument
    },
    emailPassword: async (k: unknown, op: unknown, body: unknown) => {
      const [runtime, text] = [rt(k), str(body, "body")];
      return (await accountFeatures()).emailPasswordCall(runtime, op, text);
    },
    importRealmWeb: async (k: unknown, data: unknown) => {
      const runtime = rt(k);
      return (await accountFeatures()).importRealmWeb(runtime, data);
    },
  };
}
