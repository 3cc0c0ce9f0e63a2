/**
 * A link: one way of reaching the session runtime (a SharedWorker port, the leader tab over the
 * RPC channel, or a runtime in this page). The connection runs handshakes and deadlines over it.
 * @packageDocumentation
 */
import type { Remote } from "comlink";
import type { SessionApi } from "../protocol/rpc.js";
import type { RuntimeMode } from "./select.js";
import type { PageChannel } from "../protocol/pageChannel.js";

/** One way of reaching the runtime. */
export interface Link {
  /** The mode it implements. */
  readonly mode: RuntimeMode;
  /** Why this link is weaker than a SharedWorker, or null. */
  readonly degraded: string | null;
  /** The runtime's API. */
  readonly api: Remote<SessionApi>;
  /** Resolves once the runtime can be called (a leader is known); rejects if it cannot start. */
  readonly ready: Promise<void>;
  /**
   * A promise that rejects when the runtime now serving is lost (a leader change); calls race it.
   * Never settles for links that cannot lose their runtime.
   */
  lost(): Promise<never>;
  /** Registers a callback run after the runtime changed (a new leader): the tab must reconnect. */
  onChange(listener: () => void): void;
  /** Releases the link. */
  close(): void;
  /**
   * Opens the in-realm stand-in of the per-app channel, once `ready`, for a realm without
   * BroadcastChannel (in-page mode: the runtime lives in this page). Links whose runtime is
   * reached over BroadcastChannel or a SharedWorker have none.
   */
  pageChannel?(name: string): PageChannel | undefined;
}

/** A promise that never settles (the `lost()` of links that cannot lose their runtime). */
export const never: Promise<never> = new Promise<never>(() => {});
