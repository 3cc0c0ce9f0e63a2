/**
 * Messages on the leader-mode RPC channel (a BroadcastChannel every tab of the origin opens):
 * `who` asks for the leader, `leader` announces it, `rpc` carries one Comlink message between a
 * client (`from`/`to` = its connection id) and the leader (`from`/`to` = the leader's id), and
 * `port` carries one message of a tunnelled MessagePort from the leader to a client (see tunnel.ts).
 * @packageDocumentation
 */

/** Marks our messages on the channel. */
export const RPC_NS = "realm-tabs-rpc/1";

/** A message on the RPC channel. */
export type RpcWire =
  | { ns: typeof RPC_NS; t: "who" }
  | { ns: typeof RPC_NS; t: "leader"; id: string; buildId: string }
  | { ns: typeof RPC_NS; t: "rpc"; from: string; to: string; data: unknown }
  | { ns: typeof RPC_NS; t: "port"; from: string; to: string; port: string; data?: unknown; close?: true };

/** The part of `BroadcastChannel` used here (a fake in unit tests). */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  close(): void;
}

/** Narrows channel data to {@link RpcWire} (anything else on the channel is ignored). */
export function isRpcWire(x: unknown): x is RpcWire {
  if (typeof x !== "object" || x === null) return false;
  const m = x as Record<string, unknown>;
  if (m.ns !== RPC_NS) return false;
  switch (m.t) {
    case "who":
      return true;
    case "leader":
      return typeof m.id === "string" && typeof m.buildId === "string";
    case "rpc":
      return typeof m.from === "string" && typeof m.to === "string";
    case "port":
      return typeof m.from === "string" && typeof m.to === "string" && typeof m.port === "string";
    default:
      return false;
  }
}
