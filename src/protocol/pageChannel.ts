/**
 * The per-app event channel, and its stand-in where the browser has no BroadcastChannel. Without
 * BroadcastChannel realm-tabs runs in-page: the runtime lives in the page, and the page's own tab
 * side must still hear its events. The stand-in delivers a message to every other open channel of
 * the same name in this JavaScript realm (this page), structured-cloned and in a later task, as
 * BroadcastChannel does; it never reaches other tabs.
 * @packageDocumentation
 */

/** What the runtime and the tab side use of a BroadcastChannel. */
export interface PageChannel {
  /** Called with each message another channel of this name posted. */
  onmessage: ((event: MessageEvent) => void) | null;
  /** Sends a structured clone of `message` to every other channel of this name. */
  postMessage(message: unknown): void;
  /** Stops sending and receiving. */
  close(): void;
}

const openChannels = new Map<string, Set<LocalChannel>>();

/** A channel that reaches the other channels of its name in this realm only. */
class LocalChannel implements PageChannel {
  onmessage: ((event: MessageEvent) => void) | null = null;
  private closed = false;

  constructor(private readonly name: string) {
    let peers = openChannels.get(name);
    if (!peers) openChannels.set(name, (peers = new Set()));
    peers.add(this);
  }

  postMessage(message: unknown): void {
    if (this.closed) return;
    for (const peer of openChannels.get(this.name) ?? []) {
      if (peer === this) continue;
      const data: unknown = structuredClone(message);
      setTimeout(() => peer.deliver(data), 0);
    }
  }

  private deliver(data: unknown): void {
    if (!this.closed) this.onmessage?.(new MessageEvent("message", { data }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const peers = openChannels.get(this.name);
    peers?.delete(this);
    if (peers?.size === 0) openChannels.delete(this.name);
  }
}

/**
 * Opens the channel `name`: a BroadcastChannel, or, in a realm without one, the in-realm stand-in.
 * @param name - the channel name
 */
export function openPageChannel(name: string): PageChannel {
  return typeof BroadcastChannel === "undefined" ? new LocalChannel(name) : new BroadcastChannel(name);
}
