/**
 * Ends a user's watch streams when the user logs out, is removed or deleted. The runtime calls this
 * from its commit path with the changes it committed; events on the BroadcastChannel are never
 * trusted for it (any script on the origin can post there).
 * @packageDocumentation
 */
import type { StateChange } from "../../src/protocol/snapshots.js";
import type { SharedWatches } from "./watchOnDemand.js";

const ENDING = new Set<string>(["logout", "remove", "delete"]);

/**
 * Ends the watch streams of every user that `changes` logged out, removed or deleted.
 * @param appKey - the app the changes were committed in
 */
export function endStreamsOnLogout(appKey: string, hub: Pick<SharedWatches, "endUser">, changes: readonly StateChange[]): void {
  for (const c of changes) {
    if (c.userId && ENDING.has(c.type)) hub.endUser(appKey, c.userId, `The user ${c.userId} logged out; its watch streams were closed`);
  }
}
