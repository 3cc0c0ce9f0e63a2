import { describe, expect, it, vi } from "vitest";
import { EventGate } from "./eventGate.js";
import { Mirror, type MirrorUpdate } from "./mirror.js";
import { PROTOCOL_VERSION, type StateEvent } from "./protocol/events.js";
import { RealmTabsError } from "./protocol/errors.js";
import type { AppSnapshot, StateChange, UserSnapshot } from "./protocol/snapshots.js";
import { TEST_APP_KEY, appSnapshot, userSnapshot } from "../test/snapshots.js";

const KEY = TEST_APP_KEY;
const user = (id: string, state: UserSnapshot["state"] = "LoggedIn"): UserSnapshot => userSnapshot(id, state, { accessToken: `at-${id}` });
const snap = appSnapshot;
/** The hint the runtime posts when it committed `s`: its epoch and changes, no user data. */
const event = (s: AppSnapshot, changes: StateChange[] = []): StateEvent => ({
  v: PROTOCOL_VERSION,
  kind: "state",
  appKey: s.appKey,
  epoch: s.epoch,
  changes,
});

function setup(truth: { snapshot: AppSnapshot }) {
  const updates: MirrorUpdate[] = [];
  const mirror = new Mirror(KEY, { onUpdate: (u) => updates.push(u) });
  mirror.apply(truth.snapshot);
  let calls = 0;
  const gate = new EventGate({
    mirror,
    appKey: () => KEY,
    fetchSnapshot: async () => {
      calls++;
      await Promise.resolve();
      return truth.snapshot;
    },
  });
  return { mirror, gate, updates, calls: () => calls };
}

describe("EventGate: channel events are hints", () => {
  it("a forged state event with a higher epoch is never applied: the tab keeps the runtime's snapshot", async () => {
    const truth = { snapshot: snap(3, [user("u1")]) };
    const { mirror, gate } = setup(truth);
    // an event of the previous protocol, carrying a snapshot, is not even a hint
    gate.handle({ ...event(snap(999, [])), v: 1, snapshot: snap(999, [user("evil")]) });
    gate.handle({ ...event(snap(999, [user("evil")]), [{ type: "login", userId: "evil" }]), snapshot: snap(999, [user("evil")]) });
    await gate.settled();
    expect(mirror.snapshot).toEqual(truth.snapshot);
    expect(mirror.epoch).toBe(3);
  });

  it("a real event makes the tab fetch and apply the runtime's snapshot, with the event's changes", async () => {
    const truth = { snapshot: snap(1, [user("u1")]) };
    const { mirror, gate, updates } = setup(truth);
    truth.snapshot = snap(2, [user("u1"), user("u2")]);
    gate.handle(event(truth.snapshot, [{ type: "login", userId: "u2" }]));
    await gate.settled();
    expect(mirror.epoch).toBe(2);
    expect(updates.at(-1)?.app).toBe(true);
    expect([...updates.at(-1)!.userIds]).toContain("u2");
  });

  it("a flood of 10,000 forged events costs at most two fetches and changes nothing", async () => {
    const truth = { snapshot: snap(5, [user("u1")]) };
    const { mirror, gate, calls } = setup(truth);
    for (let i = 0; i < 10_000; i++) gate.handle(event(snap(6 + i, [user(`x${i}`)])));
    await gate.settled();
    expect(calls()).toBeLessThanOrEqual(2);
    expect(mirror.snapshot).toEqual(truth.snapshot);
  });

  it("garbage, other apps' events and stale epochs are dropped without a fetch", async () => {
    const truth = { snapshot: snap(5, [user("u1")]) };
    const { gate, calls } = setup(truth);
    const good = event(snap(9, []));
    const junk: unknown[] = [
      null,
      1,
      "x",
      [],
      {},
      { v: PROTOCOL_VERSION },
      { ...good, v: 1 },
      { ...good, kind: "nope" },
      { ...good, epoch: "9" },
      { ...good, epoch: -1 },
      { ...good, epoch: 1.5 },
      { ...good, changes: "all" },
      { ...good, changes: [{ type: "hack", userId: "u1" }] },
      { ...good, changes: [{ type: "login", userId: 7 }] },
      { ...good, changes: Array.from({ length: 5_000 }, () => ({ type: "login", userId: null })) },
      event({ ...snap(9, []), appKey: "other" }),
      event(snap(4, [])),
      event(snap(5, [])),
    ];
    for (const message of junk) gate.handle(message);
    await gate.settled();
    expect(calls()).toBe(0);
  });

  it("passes warning and outdated events to their hooks, without a fetch", async () => {
    const mirror = new Mirror(KEY);
    mirror.apply(snap(1, []));
    const seen: string[] = [];
    let calls = 0;
    const gate = new EventGate({
      mirror,
      appKey: () => KEY,
      fetchSnapshot: async () => {
        calls++;
        return snap(1, []);
      },
      onWarning: (code, message) => seen.push(`${code}: ${message}`),
      onOutdated: (buildId) => seen.push(`outdated ${buildId}`),
    });
    gate.handle({ v: PROTOCOL_VERSION, kind: "warning", appKey: KEY, code: "storage", message: "memory only" });
    gate.handle({ v: PROTOCOL_VERSION, kind: "outdated", appKey: KEY, buildId: "b2" });
    gate.handle({ v: PROTOCOL_VERSION, kind: "outdated", appKey: "other", buildId: "b3" });
    await gate.settled();
    expect(seen).toEqual(["storage: memory only", "outdated b2"]);
    expect(calls).toBe(0);
  });

  it("a failed fetch is reported and the next hint fetches again", async () => {
    let fail = true;
    const { mirror, gate, errors, calls } = gateWith(async () => {
      if (fail) throw new Error("timeout");
      return snap(2, [user("u1")]);
    });
    gate.handle(event(snap(2, [user("u1")])));
    await gate.settled();
    expect(calls()).toBe(1); // not a RealmTabsError marked retryable: not sent again
    expect(errors).toHaveLength(1);
    expect(mirror.epoch).toBe(1);
    fail = false;
    gate.handle(event(snap(2, [user("u1")])));
    await gate.settled();
    expect(mirror.epoch).toBe(2);
  });

  it("a fetch that fails transiently is sent once more, so the hint is not lost", async () => {
    let failures = 1;
    const { mirror, gate, errors, calls } = gateWith(async () => {
      if (failures-- > 0) throw new RealmTabsError("timeout", "no answer in time", { retryable: true });
      return snap(2, [user("u1")]);
    });
    gate.handle(event(snap(2, [user("u1")]), [{ type: "login", userId: "u1" }]));
    await gate.settled();
    expect(mirror.epoch).toBe(2);
    expect(calls()).toBe(2);
    expect(errors).toEqual([]);
  });

  it("a fetch that fails transiently twice is reported once, after exactly two attempts", async () => {
    const { mirror, gate, errors, calls } = gateWith(async () => {
      throw new RealmTabsError("timeout", "no answer in time", { retryable: true });
    });
    for (let i = 0; i < 100; i++) gate.handle(event(snap(2 + i, [user("x")])));
    await gate.settled();
    expect(calls()).toBe(2);
    expect(errors).toHaveLength(1);
    expect(mirror.epoch).toBe(1);
  });
});

/** A gate over a mirror at epoch 1 whose fetches run `fetch`: counts them and keeps the errors it reports. */
function gateWith(fetch: () => Promise<AppSnapshot>) {
  const mirror = new Mirror(KEY);
  mirror.apply(snap(1, []));
  const errors: unknown[] = [];
  let calls = 0;
  const gate = new EventGate({
    mirror,
    appKey: () => KEY,
    onError: (e) => errors.push(e),
    fetchSnapshot: () => {
      calls++;
      return fetch();
    },
  });
  return { mirror, gate, errors, calls: () => calls };
}

describe("EventGate with a push port", () => {
  function pushingSetup(truth: { snapshot: AppSnapshot }) {
    const mirror = new Mirror(KEY);
    mirror.apply(truth.snapshot);
    let calls = 0;
    const gate = new EventGate({
      mirror,
      appKey: () => KEY,
      pushing: () => true,
      pushGraceMs: 40,
      fetchSnapshot: async () => {
        calls++;
        return truth.snapshot;
      },
    });
    return { mirror, gate, calls: () => calls };
  }

  it("drops a hint whose push already arrived, and fetches nothing", async () => {
    const truth = { snapshot: snap(1, [user("u1")]) };
    const { mirror, gate, calls } = pushingSetup(truth);
    const next = snap(2, [user("u1", "LoggedOut")]);
    mirror.apply(next, [{ type: "logout", userId: "u1" }]); // the push
    gate.handle(event(next, [{ type: "logout", userId: "u1" }]));
    await gate.settled();
    expect(calls()).toBe(0);
    expect(gate.fetches).toBe(0);
  });

  it("a hint that comes first waits for its push, and fetches nothing when the push comes within the grace", async () => {
    vi.useFakeTimers();
    try {
      const truth = { snapshot: snap(1, [user("u1")]) };
      const { mirror, gate, calls } = pushingSetup(truth);
      const next = snap(2, [user("u1", "LoggedOut")]);
      gate.handle(event(next, [{ type: "logout", userId: "u1" }]));
      await vi.advanceTimersByTimeAsync(20);
      mirror.apply(next, [{ type: "logout", userId: "u1" }]); // the push, late but within the grace
      await vi.advanceTimersByTimeAsync(100);
      expect(calls()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("fetches after the grace when no push brought the hinted epoch (another runtime's hint, a forged one), once for a flood", async () => {
    vi.useFakeTimers();
    try {
      const { mirror, gate, calls } = pushingSetup({ snapshot: snap(1, [user("u1")]) });
      for (let i = 2; i < 50; i++) gate.handle(event(snap(i, [user("u1")])));
      await vi.advanceTimersByTimeAsync(39);
      expect(calls()).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      await gate.settled();
      expect(calls()).toBe(1);
      expect(mirror.epoch).toBe(1); // the runtime's snapshot is what is applied, not the hint
    } finally {
      vi.useRealTimers();
    }
  });
});
