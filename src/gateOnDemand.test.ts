import { afterEach, describe, expect, it, vi } from "vitest";
import { GateOnDemand } from "./gateOnDemand.js";
import { Mirror } from "./mirror.js";
import { PROTOCOL_VERSION } from "./protocol/events.js";
import * as deadline from "./protocol/deadline.js";
import type { AppSnapshot } from "./protocol/snapshots.js";
import { TEST_APP_KEY, appSnapshot, userSnapshot } from "../test/snapshots.js";

const KEY = TEST_APP_KEY;

afterEach(() => {
  vi.restoreAllMocks();
});

function setup(truth: { snapshot: AppSnapshot }) {
  const mirror = new Mirror(KEY);
  mirror.apply(truth.snapshot);
  const seen: string[] = [];
  const errors: unknown[] = [];
  const gate = new GateOnDemand({
    mirror,
    appKey: () => KEY,
    fetchSnapshot: async () => truth.snapshot,
    onWarning: (code) => seen.push(`warning ${code}`),
    onOutdated: (buildId) => seen.push(`outdated ${buildId}`),
    onError: (error) => errors.push(error),
  });
  return { mirror, gate, seen, errors };
}

const warning = (appKey: string, code: string) => ({ v: PROTOCOL_VERSION, kind: "warning", appKey, code, message: "m" });

describe("GateOnDemand: the channel's gate, loaded on the first event for this app", () => {
  it("loads nothing for messages of another app or without one", async () => {
    const load = vi.spyOn(deadline, "loadOnDemand");
    const { gate, seen } = setup({ snapshot: appSnapshot(1, []) });
    gate.handle(warning("another-app", "storage"));
    gate.handle(null);
    gate.handle(42);
    gate.handle({ kind: "state" });
    await gate.settled();
    expect(load).not.toHaveBeenCalled();
    expect(seen).toEqual([]);
  });

  it("events that arrive while it loads go through it once loaded, in order; a hint fetches the snapshot", async () => {
    const truth = { snapshot: appSnapshot(1, [userSnapshot("u1")]) };
    const { mirror, gate, seen } = setup(truth);
    truth.snapshot = appSnapshot(2, [userSnapshot("u1"), userSnapshot("u2")]);
    gate.handle(warning(KEY, "storage"));
    gate.handle({ v: PROTOCOL_VERSION, kind: "outdated", appKey: KEY, buildId: "b2" });
    gate.handle({ v: PROTOCOL_VERSION, kind: "state", appKey: KEY, epoch: 2, changes: [{ type: "login", userId: "u2" }] });
    expect(seen).toEqual([]); // not loaded yet
    await gate.settled();
    expect(seen).toEqual(["warning storage", "outdated b2"]);
    expect(gate.fetches).toBe(1);
    expect(mirror.epoch).toBe(2);
    gate.handle(warning(KEY, "storage-recovered")); // loaded: straight through
    expect(seen.at(-1)).toBe("warning storage-recovered");
  });

  it("a failed load is reported, drops what it held, and the next event loads again", async () => {
    const load = vi.spyOn(deadline, "loadOnDemand").mockRejectedValueOnce(new Error("offline"));
    const { gate, seen, errors } = setup({ snapshot: appSnapshot(1, []) });
    gate.handle(warning(KEY, "first"));
    await gate.settled().catch(() => {});
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(seen).toEqual([]);
    gate.handle(warning(KEY, "second"));
    await gate.settled();
    expect(load).toHaveBeenCalledTimes(2);
    expect(seen).toEqual(["warning second"]);
  });

  it("closed while loading: nothing held goes through, and later events are ignored", async () => {
    const { gate, seen } = setup({ snapshot: appSnapshot(1, []) });
    gate.handle(warning(KEY, "storage"));
    gate.close();
    await gate.settled();
    gate.handle(warning(KEY, "later"));
    await gate.settled();
    expect(seen).toEqual([]);
    expect(gate.fetches).toBe(0);
  });

  it("preload loads it before any event (a tab without a push port), and only once", async () => {
    const load = vi.spyOn(deadline, "loadOnDemand");
    const { gate, seen } = setup({ snapshot: appSnapshot(1, []) });
    gate.preload();
    gate.preload();
    await gate.settled();
    expect(load).toHaveBeenCalledTimes(1);
    gate.handle(warning(KEY, "storage")); // straight through
    expect(seen).toEqual(["warning storage"]);
    gate.preload();
    expect(load).toHaveBeenCalledTimes(1);
  });
});
