import { Timestamp } from "bson";
import { describe, expect, it } from "vitest";
import type { ChangeEvent } from "../contracts.js";
import { ResumeHistory } from "./resumeHistory.js";

const event = (seq: number): ChangeEvent => ({
  _id: { _data: String(seq) },
  operationType: "insert",
  clusterTime: new Timestamp({ t: 0, i: 1 }),
  wallTime: new Date(0),
  ns: { db: "d", coll: "c" },
  documentKey: { _id: seq },
});
const seqs = (kept: { seq: number }[] | null): number[] | null => kept?.map((k) => k.seq) ?? null;

describe("ResumeHistory", () => {
  it("gives the events after a point, and null once that point is older than what is kept", () => {
    const h = new ResumeHistory<string>({ maxEvents: 3, maxAgeMs: 60_000, maxBytes: 1_000_000 });
    h.markWatched("ns", 0, 0);
    for (let seq = 1; seq <= 5; seq++) h.record("ns", { seq, event: event(seq), change: `c${seq}`, bytes: 10 }, 0);
    expect(seqs(h.since("ns", 2, 0))).toEqual([3, 4, 5]);
    expect(h.since("ns", 3, 0)?.map((k) => k.change)).toEqual(["c4", "c5"]);
    expect(h.since("ns", 5, 0)).toEqual([]);
    expect(h.since("ns", 1, 0)).toBeNull();
    // a point after the last change of this collection is not one of its events
    expect(h.since("ns", 9, 0)).toBeNull();
  });

  it("drops events older than the window, and everything of a collection nobody watched within it", () => {
    const h = new ResumeHistory<null>({ maxEvents: 100, maxAgeMs: 1_000, maxBytes: 1_000_000 });
    h.markWatched("ns", 0, 0);
    h.record("ns", { seq: 1, event: event(1), change: null, bytes: 10 }, 0);
    h.markWatched("ns", 1, 900);
    h.record("ns", { seq: 2, event: event(2), change: null, bytes: 10 }, 900);
    expect(seqs(h.since("ns", 1, 1_500))).toEqual([2]);
    expect(h.since("ns", 0, 1_500)).toBeNull();
    expect(h.wanted("ns", 1_500)).toBe(true);
    expect(h.wanted("ns", 2_000)).toBe(false);
    expect(h.since("ns", 1, 2_000)).toBeNull();
  });

  it("keeps at most about maxBytes in all, oldest first out", () => {
    const h = new ResumeHistory<null>({ maxEvents: 100, maxAgeMs: 60_000, maxBytes: 250 });
    h.markWatched("a", 0, 0);
    h.markWatched("b", 0, 0);
    h.record("a", { seq: 1, event: event(1), change: null, bytes: 100 }, 0);
    h.record("a", { seq: 2, event: event(2), change: null, bytes: 100 }, 0);
    h.record("b", { seq: 3, event: event(3), change: null, bytes: 100 }, 0);
    expect(h.since("a", 0, 0)).toBeNull();
    expect(seqs(h.since("a", 1, 0))).toEqual([2]);
    expect(seqs(h.since("b", 0, 0))).toEqual([3]);
  });

  it("refuses every point of a collection whose changes were skipped, and all after clear()", () => {
    const h = new ResumeHistory<null>({ maxEvents: 100, maxAgeMs: 60_000, maxBytes: 1_000 });
    h.record("ns", { seq: 1, event: event(1), change: null, bytes: 10 }, 0);
    h.skip("ns", 2);
    expect(h.since("ns", 1, 0)).toBeNull();
    h.markWatched("ns", 2, 0);
    h.record("ns", { seq: 3, event: event(3), change: null, bytes: 10 }, 0);
    expect(seqs(h.since("ns", 2, 0))).toEqual([3]);
    h.clear();
    expect(h.since("ns", 2, 0)).toBeNull();
  });
});
