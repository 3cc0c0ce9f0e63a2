/**
 * Locks shared between runtimes. Two builds of an app open at once run two runtimes against one
 * IndexedDB; a lock per user around the refresh keeps them from refreshing the same user at the
 * same moment (which a backend that rotates refresh tokens would punish by revoking the session).
 * @packageDocumentation
 */
import { RealmTabsError } from "../../src/protocol/errors.js";

/** Runs `fn` while holding the exclusive lock `name`; rejects if the lock is not granted in time. */
export type SharedLock = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/** The subset of `navigator.locks` used here. */
export interface LockManagerLike {
  request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T>;
}

/**
 * A lock through Web Locks, shared by every runtime of the origin.
 * @param locks - `navigator.locks`
 * @param acquireTimeoutMs - how long to wait for the lock @default 10000
 * @throws {RealmTabsError} `timeout` when the lock is not granted in time
 */
export function webLock(locks: LockManagerLike, acquireTimeoutMs = 10_000): SharedLock {
  return async (name, fn) => {
    try {
      return await locks.request(name, { signal: AbortSignal.timeout(acquireTimeoutMs) }, fn);
    } catch (e) {
      const n = (e as { name?: unknown } | null)?.name;
      if (n === "TimeoutError" || n === "AbortError")
        throw new RealmTabsError("timeout", `The lock ${name} was not granted within ${acquireTimeoutMs} ms`, { cause: e });
      throw e;
    }
  };
}

/** A lock within one realm (a keyed mutex): for runtimes sharing a realm, and tests. */
export function memoryLock(): SharedLock {
  const tails = new Map<string, Promise<unknown>>();
  return (name, fn) => {
    const run = (tails.get(name) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined);
    tails.set(name, tail);
    void tail.then(() => {
      if (tails.get(name) === tail) tails.delete(name);
    });
    return run;
  };
}
