/**
 * Every name realm-tabs claims in the origin's shared namespaces (BroadcastChannels, Web Locks,
 * IndexedDB databases, the SharedWorker), the build id, and the identifiers both sides agree on.
 * Tabs and the runtime build each name here, so the two ends of a channel or lock cannot drift.
 * This module imports nothing.
 * @packageDocumentation
 */

/** The version of the realm-tabs package (a test checks it against package.json). */
export const LIBRARY_VERSION = "0.1.0";

/**
 * The build id of this bundle: sent by tabs in the handshake and reported by the bundled runtime
 * (`stats().buildId`), unless the app passes its own.
 */
export const BUILD_ID = `realm-tabs@${LIBRARY_VERSION}`;

/** The id App Services sends for "no device id" (24 zeros); treated as no id at all. */
export const ZERO_ID = "000000000000000000000000";

/**
 * The runtime key of an app: its id and base URL (trailing slashes dropped). A tab computes it before
 * connecting so it can listen on {@link channelName} before the connect reply, and miss no event.
 * A runtime that uses another key still works: the tab then switches to the key of the reply.
 */
export function appKeyFor(id: string, baseUrl: string): string {
  return `${id}@${baseUrl.replace(/\/+$/, "")}`;
}

/** The BroadcastChannel that carries the events of one app runtime. */
export function channelName(appKey: string): string {
  return `realm-tabs:${appKey}`;
}

/**
 * The Web Lock a tab holds for its whole life. The runtime requests the same name: the grant means
 * the tab is gone (a MessagePort never reports closing).
 */
export function tabLockName(tabId: string): string {
  return `realm-tabs:tab:${tabId}`;
}

/** The Web Lock around the refresh of one user, shared by runtimes of different builds. */
export function refreshLockName(appKey: string, userId: string): string {
  return `realm-tabs:refresh:${appKey}:${userId}`;
}

/** The name of the bundled SharedWorker (tabs of one origin share one instance per script URL and name). */
export const WORKER_NAME = "realm-tabs";

/** The Web Lock the leader tab holds for its life (leader mode), per runtime name. */
export function leaderLockName(runtimeName: string): string {
  return `realm-tabs:leader:${runtimeName}`;
}

/** The BroadcastChannel that carries the RPC of leader mode, per runtime name. */
export function rpcChannelName(runtimeName: string): string {
  return `realm-tabs:rpc:${runtimeName}`;
}

/** The origin-wide BroadcastChannel on which tabs announce their build ids. */
export const BUILDS_CHANNEL = "realm-tabs:builds";

/** The IndexedDB database of the session state (written by the runtime only). */
export const DATABASE_NAME = "realm-tabs";

/** The IndexedDB database that holds the non-extractable key sealing stored tokens. */
export const KEYS_DATABASE_NAME = "realm-tabs-keys";
