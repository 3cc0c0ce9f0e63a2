/**
 * The client side of leader mode: this tab's connection calls the leader tab's runtime over the
 * RPC BroadcastChannel, learns of a new leader from its announcement, and then rejects the calls
 * in flight with a retryable `leader-changed` error (the old leader will never answer them).
 * @packageDocumentation
 */
import { wrapSession } from "../protocol/comlink.js";
import { RealmTabsError } from "../protocol/errors.js";
import { serializeError } from "../protocol/encodeError.js";
import { withDeadline } from "../protocol/deadline.js";
import { clientEndpoint } from "./endpoint.js";
import { joinElection } from "./leader.js";
import { loadRuntimeModules } from "./loaders.js";
import type { Link } from "./link.js";
import { detectCapabilities } from "./select.js";
import { degradedReason } from "./degraded.js";
import { rpcChannelName } from "../protocol/names.js";
import { RPC_NS, isRpcWire } from "./wire.js";

function lostPromise(): { promise: Promise<never>; reject: (e: unknown) => void } {
  let reject: (e: unknown) => void = () => {};
  const promise = new Promise<never>((_resolve, r) => {
    reject = r;
  });
  promise.catch(() => {});
  return { promise, reject };
}

/**
 * Opens a leader-mode link: joins the election (this tab may become the leader), asks who leads
 * and waits for the answer.
 * @param name - the runtime name (channel and lock names derive from it)
 * @param tabId - this connection's id
 * @param buildId - this tab's build id
 * @param timeoutMs - how long to wait for a leader
 * @throws {RealmTabsError} `worker-unavailable` without BroadcastChannel; `ready` rejects with `timeout` if no leader answers
 */
export function openLeaderLink(name: string, tabId: string, buildId: string, timeoutMs: number): Link {
  if (typeof BroadcastChannel === "undefined") {
    throw new RealmTabsError("worker-unavailable", "leader mode needs BroadcastChannel");
  }
  void loadRuntimeModules().catch(() => {}); // warm up: a tab elected later takes over faster
  const seat = joinElection(name, buildId);
  const channel = new BroadcastChannel(rpcChannelName(name));
  let leader: string | null = null;
  let lost = lostPromise();
  let known: () => void = () => {};
  const listeners = new Set<() => void>();
  const leaderKnown = new Promise<void>((resolve) => {
    known = resolve;
  });
  const onMessage = (event: MessageEvent): void => {
    const m: unknown = event.data;
    if (!isRpcWire(m) || m.t !== "leader" || m.id === leader) return;
    const first = leader === null;
    leader = m.id;
    const old = lost;
    lost = lostPromise();
    old.reject(
      new RealmTabsError(
        "leader-changed",
        "the tab that hosted the session runtime went away; the call may or may not have run: retry it",
        { retryable: true },
      ),
    );
    // the ports it held (watch streams) will never hear from it again: end them with a retryable error
    const ended = serializeError(
      new RealmTabsError("leader-changed", "the tab that hosted the session runtime went away; this watch stream ended: watch again", {
        retryable: true,
      }),
    );
    endpoint.tunnels.orphan((port) => port.postMessage({ type: "error", error: ended }));
    if (first) known();
    else for (const l of listeners) l();
  };
  channel.addEventListener("message", onMessage);
  const endpoint = clientEndpoint(channel, tabId, () => leader);
  const api = wrapSession(endpoint);
  channel.postMessage({ ns: RPC_NS, t: "who" });
  const ready = withDeadline(leaderKnown, timeoutMs, "leader election");
  return {
    mode: "leader",
    degraded: degradedReason("leader", { ...detectCapabilities(), webLocks: seat.webLocks }),
    api,
    ready,
    lost: () => lost.promise,
    onChange: (l) => void listeners.add(l),
    close() {
      channel.removeEventListener("message", onMessage);
      endpoint.close();
      channel.close();
      listeners.clear();
      seat.leave();
    },
  };
}

// reaches every module the start and the runtime connection need too, so that they share
// their chunks (see laterShared.ts)
export * as sharedWithAttachment from "../attachment.js";
