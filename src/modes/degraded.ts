/**
 * Why a runtime mode is weaker than a SharedWorker: the reason the `degraded` event and
 * `app.degraded` report. Only the fallback modes (leader-link.ts, in-page-link.ts, loaded on demand)
 * use it: a SharedWorker is never degraded.
 * @packageDocumentation
 */
import type { Capabilities, RuntimeMode } from "./select.js";

/**
 * Why a mode is weaker than a SharedWorker, or null if it is not.
 * @param mode - the mode in use
 * @param caps - what the browser offers
 */
export function degradedReason(mode: RuntimeMode, caps: Capabilities): string | null {
  switch (mode) {
    case "shared-worker":
      return null;
    case "leader":
      return caps.webLocks
        ? "no SharedWorker: the runtime runs in a leader tab; calls in flight when it closes fail with a retryable leader-changed error, and a hidden leader tab's timers may be throttled"
        : "no SharedWorker and no Web Locks: the leader is elected over BroadcastChannel heartbeats, closed tabs are never detected and two builds may refresh at once";
    case "in-page":
      return "no SharedWorker and no BroadcastChannel: every tab runs its own runtime; tabs share the stored session but not its changes until reload";
  }
}
