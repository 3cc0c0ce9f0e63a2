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

/** How long a chunk loaded on first use (a mode, the codec, watch, migration) may take to arrive. */
export const LOAD_DEADLINE_MS = 30_000;

/**
 * Loads code on first use (`() => import("./x.js")`) with a deadline: a chunk fetch that hangs or
 * fails rejects with a typed error instead of hanging the call that needed it. Nothing is cached
 * here: a module loader caches what loaded, and a failed load is tried again on the next call.
 * @param load - starts the load, e.g. `() => import("./watch.js")`
 * @param what - names the code in the error message ("the EJSON codec", "leader mode")
 * @param ms - the deadline (default {@link LOAD_DEADLINE_MS})
 * @throws {RealmTabsError} (as the rejection) `timeout` if the load does not settle within `ms`,
 * `network` if it fails (the chunk could not be fetched or evaluated); both retryable
 */
export async function loadOnDemand<T>(load: () => PromiseLike<T>, what: string, ms: number = LOAD_DEADLINE_MS): Promise<T> {
  let loading: PromiseLike<T>;
  try {
    loading = load();
  } catch (cause) {
    throw loadFailed(what, cause);
  }
  try {
    return await withDeadline(loading, ms, `loading ${what}`);
  } catch (cause) {
    if (cause instanceof RealmTabsError && cause.code === "timeout") throw cause;
    throw loadFailed(what, cause);
  }
}

/**
 * A loader of code on first use ({@link loadOnDemand}) that keeps what it loaded: every call after
 * the first gets the same load; a failed load is forgotten, so the next call tries again.
 * @param load - starts the load, e.g. `() => import("./mongoOps.js")`
 * @param what - names the code in the error message
 * @returns the loader; it rejects as {@link loadOnDemand} does
 */
export function onFirstUse<T>(load: () => PromiseLike<T>, what: string): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= loadOnDemand(load, what).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

function loadFailed(what: string, cause: unknown): RealmTabsError {
  return new RealmTabsError("network", `${what} could not be loaded: ${String(cause)}`, { cause, retryable: true });
}
