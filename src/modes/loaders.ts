/**
 * The loaders of leader mode's code on demand: the session runtime (the same modules the
 * SharedWorker runs) and the `broadcast-channel` package (leader election where Web Locks are
 * missing). They live in a module the tab loads at start, so that no chunk loaded later holds a
 * dynamic import of its own (see `src/startShared.ts`).
 * @packageDocumentation
 */
import { loadOnDemand } from "../protocol/deadline.js";

/** The runtime's modules, as `loadRuntimeModules` resolves them. */
export type RuntimeModules = typeof import("./runtimeModules.js");

/**
 * Loads the session runtime's modules (started early by a follower, so that a new leader takes over fast).
 * @throws {RealmTabsError} (as the rejection) `timeout` or `network` if they cannot be loaded in time
 */
export function loadRuntimeModules(): Promise<RuntimeModules> {
  return loadOnDemand(() => import("./runtimeModules.js"), "the session runtime");
}

/**
 * Loads the `broadcast-channel` package.
 * @throws {RealmTabsError} (as the rejection) `timeout` or `network` if it cannot be loaded in time
 */
export function loadBroadcastChannel(): Promise<typeof import("broadcast-channel")> {
  return loadOnDemand(() => import("broadcast-channel"), "broadcast-channel");
}
