/**
 * Which calls a tab retries by itself after a leader handover. A call in flight when the leader tab
 * closed may or may not have run there, so only reads that change nothing are safe to send again:
 * they are retried once on the new leader. Everything else (logins, logouts, function calls, CRUD,
 * API keys) is rejected with the retryable `leader-changed` error and the app decides.
 * @packageDocumentation
 */
import { RealmTabsError } from "../protocol/errors.js";

/** Calls (by the `what` label the connection is given) that read only and may be retried. */
export const IDEMPOTENT_CALLS: ReadonlySet<string> = new Set(["stats", "snapshot"]);

/** Whether `error` is a leader handover. */
export function isLeaderChanged(error: unknown): boolean {
  return error instanceof RealmTabsError && error.code === "leader-changed";
}

/**
 * Runs `attempt`; if it fails with `leader-changed` and `what` is idempotent, waits for `reconnected`
 * (the handshake with the new leader) and runs it once more.
 * @throws whatever the (second) attempt throws; `leader-changed` for a call that is not idempotent
 */
export async function retryIdempotent<T>(what: string, attempt: () => Promise<T>, reconnected: () => Promise<unknown>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!isLeaderChanged(error) || !IDEMPOTENT_CALLS.has(what)) throw error;
    await reconnected();
    return attempt();
  }
}
