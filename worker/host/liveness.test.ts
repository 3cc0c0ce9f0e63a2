import { afterEach, describe, expect, it, vi } from "vitest";
import { tabLockName } from "../../src/protocol/names.js";
import { browserHostDeps } from "./browser.js";
import { neverGone, webLockLiveness, type LockRequester } from "./liveness.js";

/** A lock manager whose one lock per name is granted when `release(name)` is called. */
function fakeLocks(): LockRequester & { names: string[]; release(name: string): Promise<void> } {
  const waiting = new Map<string, () => Promise<void>>();
  return {
    names: [],
    request(name, options, callback) {
      this.names.push(name);
      return new Promise((resolve, reject) => {
        options.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
        waiting.set(name, async () => resolve(await callback()));
      });
    },
    async release(name) {
      await waiting.get(name)?.();
    },
  };
}

describe("liveness", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("webLockLiveness reports a tab gone when its lock is granted, and not after stop", async () => {
    const locks = fakeLocks();
    const liveness = webLockLiveness(locks);
    const gone: string[] = [];
    liveness.watch("a", () => gone.push("a"));
    const stopB = liveness.watch("b", () => gone.push("b"));
    expect(locks.names).toEqual([tabLockName("a"), tabLockName("b")]);
    stopB();
    await locks.release(tabLockName("b"));
    await locks.release(tabLockName("a"));
    expect(gone).toEqual(["a"]);
  });

  it("neverGone never reports a tab gone, and its stop is harmless", () => {
    const onGone = vi.fn();
    const stop = neverGone.watch("a", onGone);
    stop();
    stop();
    expect(onGone).not.toHaveBeenCalled();
  });

  it("browserHostDeps watches tabs through Web Locks where the realm has them, else never reports one gone", async () => {
    vi.stubGlobal("navigator", undefined);
    expect(browserHostDeps().liveness).toBe(neverGone);
    const locks = fakeLocks();
    vi.stubGlobal("navigator", { locks: { ...locks, query: async () => ({}) } });
    const liveness = browserHostDeps().liveness;
    expect(liveness).not.toBe(neverGone);
    const onGone = vi.fn();
    liveness.watch("t", onGone);
    expect(locks.names).toEqual([tabLockName("t")]);
  });
});
