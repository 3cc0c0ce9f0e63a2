/**
 * The parts of the SharedWorker that most pages never use, loaded the first time a tab uses them
 * (or, for the store's memory fallback, the first time IndexedDB fails).
 *
 * In this repository each loader is a plain dynamic import, which Vite serves and bundles. A
 * bundler in its default setup builds a SharedWorker as one script (Vite's IIFE worker format
 * cannot split chunks), so in an app that installs realm-tabs a plain `import()` would fold the
 * module back into the worker. The published package therefore ships each of these modules
 * prebuilt and self-contained in `dist/worker/lazy/`, and its build (scripts/build-worker.mjs)
 * rewrites each `import("./<name>.js")` below into an `import()` of the URL of
 * `../lazy/<name>.js?no-inline` resolved against `import.meta.url` (`./lazy/` in the prebuilt worker,
 * dist/worker/entry.js, one folder up): bundlers copy a file named that
 * way as it is, and the worker fetches it on first use. A prebuilt module carries its own copy
 * of the modules it imports, so nothing it shares with the worker may depend on identity: errors are
 * recognised by their brands (`isRealmTabsError`, `isWatchError`, …), never by `instanceof`.
 * @packageDocumentation
 */

import { loadOnDemand } from "../../src/protocol/deadline.js";

/** Loads the shared watch streams (the hub, the SSE reader, eventsource-parser, the request check). */
export const loadWatches = (): Promise<typeof import("./watches.js")> => import("./watches.js");

/** Loads the account features (API keys, email/password, redirect login, realm-web import, deleting, re-reading and linking users). */
export const loadAccounts = (): Promise<typeof import("./accounts.js")> => import("./accounts.js");

/** Loads the session store's memory fallback (the first time IndexedDB fails). */
export const loadStoreFallback = (): Promise<typeof import("./storeFallback.js")> => import("./storeFallback.js");

/**
 * The memory fallback of the session store, loaded when IndexedDB first fails, within the deadline
 * of every load on first use; a failed load is tried again by the next read or write.
 * @throws {RealmTabsError} `network` or `timeout` (retryable) if the module could not be loaded
 */
export function storeFallback(): Promise<typeof import("./storeFallback.js")> {
  return loadOnDemand(loadStoreFallback, "the session store's memory fallback");
}

/**
 * The account features, loaded on the first call that needs them, within the deadline of every load
 * on first use; a failed load is tried again by the next call.
 * @throws {RealmTabsError} `network` or `timeout` (retryable) if the module could not be loaded
 */
export function accountFeatures(): Promise<typeof import("./accounts.js")> {
  return loadOnDemand(
    loadAccounts,
    "the account features (API keys, email/password, redirect login, realm-web import, deleting, linking and re-reading users)",
  );
}
