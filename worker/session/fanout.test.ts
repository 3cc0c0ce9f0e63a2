import { describe, expect, it } from "vitest";
import type { AppSnapshot, StateChange } from "../../src/protocol/snapshots.js";
import { createFanout, type PushSink } from "./fanout.js";

const snapshot = (epoch: number): AppSnapshot => ({ appKey: "k", epoch, users: [], currentUserId: null, deviceId: null });

function sink(options: { fails?: boolean } = {}): PushSink & { got: number[]; closed: number } {
  const s = {
    got: [] as number[],
    closed: 0,
    push(snap: AppSnapshot, _changes: StateChange[]) {
      if (options.fails) throw new Error("port closed");
      s.got.push(snap.epoch);
    },
    close() {
      s.closed++;
    },
  };
  return s;
}

describe("the fan-out of one runtime's commits to its tabs' push ports", () => {
  it("sends each commit to every sink, keeps one sink per tab and closes the one a reconnect replaces", () => {
    const fanout = createFanout();
    const [a1, a2, b] = [sink(), sink(), sink()];
    fanout.add("a", a1);
    fanout.add("b", b);
    fanout.send(snapshot(1), []);
    fanout.add("a", a2);
    fanout.send(snapshot(2), []);
    expect([a1.got, a2.got, b.got]).toEqual([[1], [2], [1, 2]]);
    expect(a1.closed).toBe(1);
    expect(fanout.size).toBe(2);
  });

  it("drops a sink that throws (and closes it) while the others still get the commit", () => {
    const fanout = createFanout();
    const [bad, good] = [sink({ fails: true }), sink()];
    fanout.add("bad", bad);
    fanout.add("good", good);
    fanout.send(snapshot(1), []);
    expect(good.got).toEqual([1]);
    expect(bad.closed).toBe(1);
    expect(fanout.size).toBe(1);
  });

  it("drop() and close() close and forget sinks, so the map does not grow with tabs that went away", () => {
    const fanout = createFanout();
    const sinks = Array.from({ length: 5 }, () => sink());
    sinks.forEach((s, i) => fanout.add(`t${i}`, s));
    fanout.drop("t0");
    fanout.drop("unknown");
    expect(fanout.size).toBe(4);
    fanout.close();
    expect(fanout.size).toBe(0);
    expect(sinks.map((s) => s.closed)).toEqual([1, 1, 1, 1, 1]);
    fanout.send(snapshot(1), []);
    expect(sinks.every((s) => s.got.length === 0)).toBe(true);
  });

  it("needs no channel hints while every connected tab has a push port", () => {
    const fanout = createFanout();
    expect(fanout.hintsNeeded).toBe(true); // no tab at all: the hint is the only trace of a commit
    const a = sink();
    fanout.add("a", a);
    expect(fanout.hintsNeeded).toBe(false);
    fanout.pull("b");
    expect(fanout.hintsNeeded).toBe(true);
    fanout.pull("a"); // a reconnected without a push port: its old sink is closed
    expect(a.closed).toBe(1);
    expect(fanout.size).toBe(0);
    fanout.drop("b");
    fanout.drop("a");
    expect(fanout.hintsNeeded).toBe(true);
    fanout.add("a", sink());
    expect(fanout.hintsNeeded).toBe(false);
  });
});
