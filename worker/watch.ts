/**
 * Ends a user's watch streams when the user logs out, is removed or deleted: the runtime listens on
 * its own app channel (every commit is published there) and tells the hub.
 * @packageDocumentation
 */
import { channelName, isSessionEvent } from "../src/protocol/events.js";
import type { WatchHub } from "./watchHub.js";

const ENDING = new Set(["logout", "remove", "delete"]);

/**
 * Starts listening for the app `appKey`. A no-op where `BroadcastChannel` does not exist.
 * @returns a function that stops listening
 */
export function endStreamsOnLogout(appKey: string, hub: WatchHub): () => void {
  if (typeof BroadcastChannel === "undefined") return () => undefined;
  const channel = new BroadcastChannel(channelName(appKey));
  channel.onmessage = (m: MessageEvent) => {
    const e: unknown = m.data;
    if (!isSessionEvent(e) || e.kind !== "state") return;
    for (const c of e.changes) {
      if (c.userId && ENDING.has(c.type)) hub.endUser(appKey, c.userId, `The user ${c.userId} logged out; its watch streams were closed`);
    }
  };
  (channel as { unref?: () => void }).unref?.();
  return () => channel.close();
}
