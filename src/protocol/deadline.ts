/**
 * The deadline of every promise that crosses a boundary (the worker port, the network, storage,
 * locks), on both sides: none may hang forever.
 * @packageDocumentation
 */
import { RealmTabsError } from "./errors.js";

/**
 * Resolves or rejects like `promise`, or rejects with `RealmTabsError("timeout")` once `ms` passed.
 * The timer is cleared as soon as the promise settles.
 * @param promise - the work
 * @param ms - the deadline in milliseconds
 * @param what - names the work in the error message ("opening IndexedDB", "the session runtime (logIn)")
 * @throws {RealmTabsError} `timeout` (retryable) when the deadline passes first
 */
export function withDeadline<T>(promise: PromiseLike<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new RealmTabsError("timeout", `${what} did not finish within ${ms} ms`));
    }, ms);
    Promise.resolve(promise).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
