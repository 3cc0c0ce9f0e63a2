/**
 * Which calls a tab retries by itself after a leader handover. A call in flight when the leader tab
 * closed may or may not have run there, so only reads that change nothing are safe to send again:
 * they are retried once on the new leader. Everything else (logins, logouts, function calls, CRUD,
 * API keys) is rejected with the retryable `leader-changed` error and the app decides.
 * @packageDocumentation
 */
import { RealmTabsError } from "../protocol/errors.js";
import { READ_ONLY_METHODS, type SessionMethod } from "../protocol/rpc.js";

/** Whether `error` is a leader handover. */
export function isLeaderChanged(error: unknown): boolean {
  return error instanceof RealmTabsError && error.code === "leader-changed";
}

/**
 * Runs `attempt`; if it fails with `leader-changed` and `method` only reads (see
 * {@link READ_ONLY_METHODS}), waits for `reconnected` (the handshake with the new leader) and runs
 * it once more.
 * @param method - the {@link SessionApi} method the attempt runs
 * @throws whatever the (second) attempt throws; {@link RealmTabsError} `leader-changed` for a call that changes state
 */
export async function retryIdempotent<T>(
  method: SessionMethod,
  attempt: () => Promise<T>,
  reconnected: () => Promise<unknown>,
): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!isLeaderChanged(error) || !READ_ONLY_METHODS[method]) throw error;
    await reconnected();
    return attempt();
  }
}
