/**
 * Builds of the app open at once. Every tab announces its build id on the origin-wide channel
 * `realm-tabs:builds` when it starts; a tab that hears of a different build started after it is
 * outdated (the newest deploy is assumed to be the last one opened), and a newer tab answers an
 * older one's announcement so the older learns of it too. This works across runtimes: two builds
 * whose workers have different URLs never share a runtime, but they share the channel.
 * @packageDocumentation
 */
import type { ChannelLike } from "./wire.js";

/** Marks a build announcement (and its format version) on the builds channel. */
const NOTICE_NS = "realm-tabs-builds/1";

/** An announcement on the builds channel. */
interface BuildNotice {
  ns: typeof NOTICE_NS;
  buildId: string;
  startedAt: number;
}

function isNotice(x: unknown): x is BuildNotice {
  const m = x as Partial<BuildNotice> | null;
  return typeof m === "object" && m !== null && m.ns === NOTICE_NS && typeof m.buildId === "string" && typeof m.startedAt === "number";
}

/**
 * Announces this tab's build and calls `onOutdated` (once) when a newer build shows up.
 * @param channel - the builds channel (a `BroadcastChannel` named `BUILDS_CHANNEL`, see protocol/names.ts)
 * @param buildId - this tab's build
 * @param startedAt - when this tab started (ms since the epoch)
 * @param onOutdated - called with the newer build's id
 * @returns stops watching (and closes the channel)
 */
export function watchBuilds(channel: ChannelLike, buildId: string, startedAt: number, onOutdated: (newer: string) => void): () => void {
  const notice: BuildNotice = { ns: NOTICE_NS, buildId, startedAt };
  let told = false;
  const onMessage = (event: MessageEvent): void => {
    const m: unknown = event.data;
    if (!isNotice(m) || m.buildId === buildId) return;
    if (m.startedAt > startedAt || (m.startedAt === startedAt && m.buildId > buildId)) {
      if (!told) {
        told = true;
        onOutdated(m.buildId);
      }
    } else {
      channel.postMessage(notice); // tell the older tab about this newer build
    }
  };
  channel.addEventListener("message", onMessage);
  channel.postMessage(notice);
  return () => {
    channel.removeEventListener("message", onMessage);
    channel.close();
  };
}
