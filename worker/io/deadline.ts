/**
 * Deadlines for every promise that crosses a boundary (network, storage, locks).
 * @packageDocumentation
 */
import { RealmTabsError } from "../../src/protocol/errors.js";

/**
 * Resolves or rejects like `promise`, or rejects with `RealmTabsError("timeout")` after `ms`.
 * @param promise - the awaited operation
 * @param ms - the deadline in milliseconds
 * @param what - what was awaited, for the error message
 * @throws {RealmTabsError} code `timeout` when the deadline passes first
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RealmTabsError("timeout", `${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
