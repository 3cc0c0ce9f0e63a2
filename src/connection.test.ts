/** The tab's liveness lock: a request that misses its deadline is withdrawn, never held later. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { holdLivenessLock } from "./connection.js";

type Pending = { name: string; signal: AbortSignal | undefined; grant: () => Promise<unknown> };

/** A LockManager that grants only when the test says so. */
function fakeLocks(): { pending: Pending[]; held: Set<string>; locks: Pick<LockManager, "request"> } {
  const pending: Pending[] = [];
  const held = new Set<string>();
  const request = (
    name: string,
    optionsOrCallback: LockOptions | LockGrantedCallback<unknown>,
    cb?: LockGrantedCallback<unknown>,
  ): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const options = typeof optionsOrCallback === "function" ? {} : optionsOrCallback;
      const callback = (typeof optionsOrCallback === "function" ? optionsOrCallback : cb)!;
      options.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")), { once: true });
      pending.push({
        name,
        signal: options.signal,
        grant: async () => {
          held.add(name);
          const result = await callback({ name, mode: "exclusive" });
          held.delete(name);
          resolve(result);
        },
      });
    });
  return { pending, held, locks: { request } };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("holdLivenessLock", () => {
  it("holds the lock once granted and lets it go on release", async () => {
    const f = fakeLocks();
    vi.stubGlobal("navigator", { locks: f.locks });
    const holding = holdLivenessLock("t1", 5_000);
    await vi.waitFor(() => expect(f.pending).toHaveLength(1));
    void f.pending[0]!.grant();
    const release = await holding;
    expect([...f.held]).toEqual(["realm-tabs:tab:t1"]);
    release();
    await vi.waitFor(() => expect(f.held.size).toBe(0));
  });

  it("withdraws a request that missed its deadline, so a late grant is never held", async () => {
    const f = fakeLocks();
    vi.stubGlobal("navigator", { locks: f.locks });
    await expect(holdLivenessLock("t2", 20)).rejects.toMatchObject({ code: "timeout" });
    expect(f.pending[0]!.signal?.aborted).toBe(true);
    await f.pending[0]!.grant(); // a lock manager that grants anyway
    expect(f.held.size).toBe(0);
  });
});
