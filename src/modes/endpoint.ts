/**
 * Comlink endpoints over one shared BroadcastChannel. A BroadcastChannel reaches every tab, so
 * each Comlink message is wrapped with its sender and addressee and everyone else drops it: the
 * client endpoint talks to whoever leads now, the server side keeps one endpoint per client.
 * @packageDocumentation
 */
import type { Endpoint } from "comlink";
import { TabTunnels, unwrapPorts } from "./tunnel.js";
import { RPC_NS, isRpcWire, type ChannelLike } from "./wire.js";

type Listener = (event: MessageEvent) => void;

/** A Comlink endpoint whose messages are delivered by the caller (see {@link serveClients}). */
interface Mailbox extends Endpoint {
  deliver(data: unknown): void;
}

function mailbox(send: (data: unknown, transfer?: Transferable[]) => void): Mailbox {
  const listeners = new Set<Listener>();
  return {
    postMessage: (data: unknown, transfer?: Transferable[]) => send(data, transfer),
    addEventListener: (_type: string, l: EventListenerOrEventListenerObject) => listeners.add(l as Listener),
    removeEventListener: (_type: string, l: EventListenerOrEventListenerObject) => listeners.delete(l as Listener),
    deliver(data) {
      const event = { data } as MessageEvent;
      for (const l of [...listeners]) l(event);
    },
  };
}

/** The client endpoint: a Comlink endpoint plus its tunnelled ports. */
export interface ClientEndpoint extends Endpoint {
  /** The ports this tab handed to the leader (see tunnel.ts); orphan them when the leader changes. */
  readonly tunnels: TabTunnels;
  /** Stops listening. */
  close(): void;
}

/**
 * The client side: a Comlink endpoint that sends to the current leader and accepts only that
 * leader's replies to this client. Messages sent while no leader is known are dropped (the
 * connection rejects such calls when a leader is announced). A message that transfers
 * MessagePorts is sent with placeholders and the ports are tunnelled (see tunnel.ts).
 * @param channel - the RPC channel
 * @param clientId - this connection's id (its tab id)
 * @param leader - the id of the leader now, or null
 */
export function clientEndpoint(channel: ChannelLike, clientId: string, leader: () => string | null): ClientEndpoint {
  const tunnels = new TabTunnels();
  const box = mailbox((data, transfer) => {
    const to = leader();
    if (to === null) return;
    const wire = transfer && transfer.length > 0 ? tunnels.wrap(data, transfer) : data;
    try {
      channel.postMessage({ ns: RPC_NS, t: "rpc", from: clientId, to, data: wire });
    } catch (e) {
      // a closed channel (the link was closed; e.g. Comlink's proxy finalizer runs later): drop it
      if ((e as { name?: unknown } | null)?.name !== "InvalidStateError") throw e;
    }
  });
  const onMessage = (event: MessageEvent): void => {
    const m: unknown = event.data;
    if (!isRpcWire(m) || m.t === "who" || m.t === "leader" || m.to !== clientId || m.from !== leader()) return;
    if (m.t === "rpc") box.deliver(m.data);
    else tunnels.deliver(m.port, m.data, m.close === true);
  };
  channel.addEventListener("message", onMessage);
  return { ...box, tunnels, close: () => channel.removeEventListener("message", onMessage) };
}

/** The server side returned by {@link serveClients}. */
export interface ClientServer {
  /** Forgets a client (its tab is gone); a later message from it starts a new endpoint. */
  drop(clientId: string): void;
  /** Clients with an endpoint now. */
  readonly size: number;
  /** Stops serving. */
  close(): void;
}

/**
 * The leader side: answers `who` with an announcement, and for each client that sends an `rpc`
 * message to `leaderId` creates an endpoint and hands it to `onClient` (which exposes an API on it).
 * @param channel - the RPC channel
 * @param leaderId - this leader's id
 * @param buildId - announced with the id
 * @param onClient - called once per new client with its endpoint
 */
export function serveClients(
  channel: ChannelLike,
  leaderId: string,
  buildId: string,
  onClient: (clientId: string, endpoint: Endpoint) => void,
): ClientServer {
  const clients = new Map<string, Mailbox>();
  const announce = (): void => channel.postMessage({ ns: RPC_NS, t: "leader", id: leaderId, buildId });
  const onMessage = (event: MessageEvent): void => {
    const m: unknown = event.data;
    if (!isRpcWire(m)) return;
    if (m.t === "who") return announce();
    if (m.t !== "rpc" || m.to !== leaderId) return;
    let box = clients.get(m.from);
    if (!box) {
      const to = m.from;
      box = mailbox((data) => channel.postMessage({ ns: RPC_NS, t: "rpc", from: leaderId, to, data }));
      clients.set(to, box);
      onClient(to, box);
    }
    box.deliver(unwrapPorts(m.data, channel, leaderId, m.from));
  };
  channel.addEventListener("message", onMessage);
  announce();
  return {
    drop: (clientId) => void clients.delete(clientId),
    get size() {
      return clients.size;
    },
    close() {
      channel.removeEventListener("message", onMessage);
      clients.clear();
    },
  };
}
