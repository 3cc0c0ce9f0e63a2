/**
 * The production dependencies of the host in a browser realm (SharedWorker or leader tab).
 * @packageDocumentation
 */
import { BUILD_ID } from "../../src/protocol/names.js";
import type { HostDeps } from "./host.js";
import { neverGone, webLockLiveness, type LockRequester } from "./liveness.js";
import { webLock, type LockManagerLike } from "../io/locks.js";
import { idbKeySource, sealedStore } from "../io/sealedStore.js";
import { idbStore } from "../io/store.js";

/**
 * Host dependencies from the browser's globals: IndexedDB, fetch, BroadcastChannel, Web Locks. A
 * host in a page that may lack BroadcastChannel (leader and in-page mode) passes `channel:
 * openPageChannel` (src/protocol/pageChannel.ts), which falls back to an in-page stand-in; the
 * SharedWorker, where BroadcastChannel always exists, does not carry that fallback.
 * Without Web Locks tabs are never reported gone (counted live until the worker stops).
 * @param overrides - replaces any of the defaults (e.g. `buildId`)
 */
export function browserHostDeps(overrides: Partial<HostDeps> = {}): HostDeps {
  const locks = (globalThis.navigator as { locks?: LockRequester & LockManagerLike } | undefined)?.locks;
  return {
    buildId: BUILD_ID,
    // tokens are encrypted at rest with a non-extractable key (see sealedStore.ts); WebCrypto exists
    // only in secure contexts (https, localhost): elsewhere tokens are stored unsealed
    openStore: (hooks) => (globalThis.crypto?.subtle ? sealedStore(idbStore(hooks), idbKeySource()) : idbStore(hooks)),
    fetch: (input, init) => globalThis.fetch(input, init),
    channel: (name) => new BroadcastChannel(name),
    liveness: locks ? webLockLiveness(locks) : neverGone,
    ...(locks ? { lock: webLock(locks) } : {}),
    device: { sdkVersion: BUILD_ID, platform: "web", platformVersion: "0.0.0" },
    ...overrides,
  };
}
