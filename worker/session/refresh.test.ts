import { describe, expect, it, vi } from "vitest";
import { RealmTabsError } from "../../src/protocol/errors.js";
import type { Timers } from "../io/deps.js";
import { backoffDelayMs, createRefreshLoop, refreshDue, singleFlight } from "./refresh.js";

/** Timers driven by the test: `advance` runs whatever falls due, in order. */
function manualTime() {
  let now = 1_000_000;
  let pending: { at: number; fn: () => void; id: number }[] = [];
  let next = 0;
  const timers: Timers = {
    set(fn, ms) {
      const id = next++;
      pending.push({ at: now + Math.max(0, ms), fn, id });
      return {
        cancel: () => {
          pending = pending.filter((p) => p.id !== id);
        },
      };
    },
  };
  return {
    clock: { now: () => now },
    timers,
    pending: () => pending.map((p) => p.at - now),
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        pending.sort((a, b) => a.at - b.at);
        const first = pending[0];
        if (!first || first.at > end) break;
        pending.shift();
        now = first.at;
        first.fn();
        for (let i = 0; i < 5; i++) await Promise.resolve(); // let the refresh promise settle
      }
      now = end;
    },
  };
}

describe("singleFlight", () => {
  it("shares one run among concurrent callers of a key, and starts anew after it settles", async () => {
    const run = singleFlight<string, number>();
    let started = 0;
    let release!: (n: number) => void;
    const fn = () => {
      started++;
      return new Promise<number>((r) => {
        release = r;
      });
    };
    const all = Promise.all([run("u", fn), run("u", fn), run("u", fn)]);
    expect(started).toBe(1);
    release(7);
    expect(await all).toEqual([7, 7, 7]);
    const again = run("u", fn);
    expect(started).toBe(2);
    release(8);
    expect(await again).toBe(8);
  });

  it("keeps keys apart and lets a failure reach every waiter", async () => {
    const run = singleFlight<string, number>();
    const a = run("a", () => Promise.reject(new Error("boom")));
    const a2 = run("a", () => Promise.resolve(1));
    const b = run("b", () => Promise.resolve(2));
    await expect(a).rejects.toThrow("boom");
    await expect(a2).rejects.toThrow("boom");
    expect(await b).toBe(2);
  });

  it("after() starts once the run in progress settled (failed or not), and later callers share it", async () => {
    const run = singleFlight<string, string>();
    const order: string[] = [];
    const releases: ((v: string) => void)[] = [];
    const slow = (name: string) => () => {
      order.push(`start ${name}`);
      return new Promise<string>((r) => releases.push((v) => r(v)));
    };
    const older = run("u", slow("older"));
    const fresh = run.after("u", slow("fresh"));
    const joiner = run("u", slow("joiner"));
    await Promise.resolve();
    expect(order).toEqual(["start older"]);
    releases[0]!("old");
    expect(await older).toBe("old");
    await vi.waitFor(() => expect(order).toEqual(["start older", "start fresh"]));
    releases[1]!("new");
    expect(await fresh).toBe("new");
    expect(await joiner).toBe("new");
    // a failed run in progress does not stop the one after it
    const failing = run("u", () => Promise.reject(new Error("boom")));
    const next = run.after("u", () => Promise.resolve("ok"));
    await expect(failing).rejects.toThrow("boom");
    expect(await next).toBe("ok");
  });
});

describe("backoffDelayMs", () => {
  it("doubles from the base up to the cap, scaled by a jitter factor in [0.5, 1)", () => {
    expect([0, 1, 2, 3, 10].map((n) => backoffDelayMs(n, 0))).toEqual([250, 500, 1000, 2000, 15000]);
    expect([0, 1, 2, 3, 10].map((n) => backoffDelayMs(n, 0.999999))).toEqual([500, 1000, 2000, 4000, 30000]);
    expect(backoffDelayMs(3, 0.5, { baseMs: 100, maxMs: 300 })).toBe(225);
    expect(backoffDelayMs(1000, 0.5)).toBe(22500);
  });
});

describe("refreshDue", () => {
  it("is due inside the last fifth of the lifetime (200 ms to 60 s lead), never without an expiry", () => {
    expect(refreshDue({ expiresAt: 10_000, lifetimeMs: 2_000 }, 9_599)).toBe(false);
    expect(refreshDue({ expiresAt: 10_000, lifetimeMs: 2_000 }, 9_600)).toBe(true);
    expect(refreshDue({ expiresAt: 10_000_000, lifetimeMs: 1_800_000 }, 10_000_000 - 60_001)).toBe(false);
    expect(refreshDue({ expiresAt: 10_000_000, lifetimeMs: 1_800_000 }, 10_000_000 - 60_000)).toBe(true);
    expect(refreshDue({ expiresAt: null, lifetimeMs: null }, Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});

describe("createRefreshLoop", () => {
  it("fires one refresh per user at expiry minus the lead, and re-arms when the token changes", async () => {
    const t = manualTime();
    const calls: string[] = [];
    const loop = createRefreshLoop({
      ...t,
      random: () => 0,
      isTransient: () => true,
      refresh: async (id) => {
        calls.push(id);
      },
    });
    const now = t.clock.now();
    loop.sync([
      { userId: "u", expiresAt: now + 2_000, lifetimeMs: 2_000 },
      { userId: "v", expiresAt: null, lifetimeMs: null },
    ]);
    expect(t.pending()).toEqual([1_600]);
    loop.sync([{ userId: "u", expiresAt: now + 2_000, lifetimeMs: 2_000 }]); // same token: same timer
    expect(t.pending()).toEqual([1_600]);
    await t.advance(1_599);
    expect(calls).toEqual([]);
    await t.advance(1);
    expect(calls).toEqual(["u"]);
    loop.sync([{ userId: "u", expiresAt: t.clock.now() + 2_000, lifetimeMs: 2_000 }]);
    expect(t.pending()).toEqual([1_600]);
    loop.sync([]); // logged out: timer cancelled
    expect(t.pending()).toEqual([]);
    loop.stop();
  });

  it("backs off after transient failures until one succeeds, and stops on a fatal one", async () => {
    const t = manualTime();
    const results: (Error | null)[] = [new RealmTabsError("network", "down"), new RealmTabsError("network", "down"), null];
    let calls = 0;
    const loop = createRefreshLoop({
      ...t,
      random: () => 0,
      isTransient: (e) => e instanceof RealmTabsError,
      backoff: { baseMs: 100 },
      refresh: async () => {
        calls++;
        const r = results.shift();
        if (r) throw r;
      },
    });
    loop.sync([{ userId: "u", expiresAt: t.clock.now() + 1_000, lifetimeMs: 1_000 }]);
    await t.advance(800);
    expect(calls).toBe(1);
    expect(t.pending()).toEqual([50]); // attempt 0: 100 ms * 0.5
    await t.advance(50);
    expect(t.pending()).toEqual([100]); // attempt 1: 200 ms * 0.5
    await t.advance(100);
    expect(calls).toBe(3);
    // success without a new token synced: retry soon rather than never again
    expect(t.pending()).toEqual([50]);
    loop.stop();

    const fatal = createRefreshLoop({
      ...t,
      random: () => 0,
      isTransient: () => false,
      refresh: async () => {
        throw new Error("401");
      },
    });
    fatal.sync([{ userId: "w", expiresAt: t.clock.now() + 1_000, lifetimeMs: 1_000 }]);
    await t.advance(800);
    expect(t.pending()).toEqual([]);
    fatal.stop();
  });

  it("does not re-arm a user that a sync removed while its refresh was failing", async () => {
    const t = manualTime();
    let fail: (e: Error) => void = () => {};
    let calls = 0;
    const loop = createRefreshLoop({
      ...t,
      random: () => 0,
      isTransient: (e) => e instanceof RealmTabsError,
      backoff: { baseMs: 100 },
      refresh: () => {
        calls++;
        return new Promise((_resolve, reject) => {
          fail = reject;
        });
      },
    });
    loop.sync([{ userId: "u", expiresAt: t.clock.now() + 1_000, lifetimeMs: 1_000 }]);
    await t.advance(800);
    expect(calls).toBe(1);
    loop.sync([]); // logged out while the refresh is in flight
    fail(new RealmTabsError("network", "down"));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(t.pending()).toEqual([]);
    await t.advance(60_000);
    expect(calls).toBe(1);
    loop.stop();
  });
});
