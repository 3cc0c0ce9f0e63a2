/**
 * MessagePorts across the leader-mode RPC channel. A BroadcastChannel cannot carry a port, so a
 * call that transfers one (e.g. `watch`, whose change events the runtime posts to a port) is
 * tunnelled: the tab keeps the port and sends a placeholder `{ [PORT_TAG]: portId }`; the leader
 * replaces it with a {@link VirtualPort} whose `postMessage` posts an addressed `port` message
 * (`{ from: leaderId, to: tabId, port: portId, data }`) on the same channel, which the tab forwards
 * into the port it kept. `close()` on the leader's side posts `close: true`, and the tab closes its end.
 * @packageDocumentation
 */
import { RPC_NS, type ChannelLike } from "./wire.js";

/** Marks a tunnelled port in a message. */
export const PORT_TAG = "realm-tabs:port";

/** A port's stand-in on the leader: what the runtime's watch hub posts events to. */
export interface VirtualPort {
  postMessage(data: unknown): void;
  close(): void;
}

function isPlaceholder(x: unknown): x is { [PORT_TAG]: string } {
  return typeof x === "object" && x !== null && typeof (x as Record<string, unknown>)[PORT_TAG] === "string";
}

/**
 * Rebuilds `value` with `swap` applied to every nested value it recognises (plain objects and
 * arrays only); `swap` returns undefined for a value it does not replace.
 */
function mapDeep(value: unknown, swap: (x: unknown) => unknown, depth = 0): unknown {
  const swapped = swap(value);
  if (swapped !== undefined) return swapped;
  if (depth > 8 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => mapDeep(v, swap, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapDeep(v, swap, depth + 1)]));
}

/** The tab side: the ports this tab handed to the current leader. */
export class TabTunnels {
  private readonly ports = new Map<string, MessagePort>();

  /**
   * Keeps the transferred ports and returns `data` with placeholders in their place.
   * @param transfer - the transfer list of the message (only MessagePorts are supported)
   */
  wrap(data: unknown, transfer: readonly Transferable[]): unknown {
    const ids = new Map<unknown, string>();
    for (const t of transfer) {
      if (typeof MessagePort === "undefined" || !(t instanceof MessagePort))
        throw new TypeError("only MessagePorts can be transferred to the leader");
      const id = crypto.randomUUID();
      ids.set(t, id);
      this.ports.set(id, t);
      t.start();
    }
    return mapDeep(data, (x) => (ids.has(x) ? { [PORT_TAG]: ids.get(x)! } : undefined));
  }

  /** Forwards a `port` message from the leader into the port it names. */
  deliver(portId: string, data: unknown, close: boolean): void {
    const port = this.ports.get(portId);
    if (!port) return;
    if (close) {
      this.ports.delete(portId);
      port.close();
    } else {
      port.postMessage(data);
    }
  }

  /**
   * The leader that held the other ends went away: `farewell` may post a last message into each
   * port (e.g. a retryable error), then every port is closed and forgotten.
   */
  orphan(farewell: (port: MessagePort) => void): void {
    for (const port of this.ports.values()) {
      try {
        farewell(port);
      } catch {
        /* a closed port */
      }
      port.close();
    }
    this.ports.clear();
  }

  /** Ports held now. */
  get size(): number {
    return this.ports.size;
  }
}

/**
 * The leader side: replaces the placeholders in a message from `clientId` with virtual ports that
 * post addressed messages on `channel`.
 */
export function unwrapPorts(data: unknown, channel: ChannelLike, leaderId: string, clientId: string): unknown {
  return mapDeep(data, (x) => {
    if (!isPlaceholder(x)) return undefined;
    const port = x[PORT_TAG];
    let closed = false;
    const post = (extra: { data?: unknown; close?: true }): void => {
      channel.postMessage({ ns: RPC_NS, t: "port", from: leaderId, to: clientId, port, ...extra });
    };
    const virtual: VirtualPort = {
      postMessage: (d) => {
        if (!closed) post({ data: d });
      },
      close: () => {
        if (closed) return;
        closed = true;
        post({ close: true });
      },
    };
    return virtual;
  });
}
