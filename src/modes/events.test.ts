import { describe, expect, it, vi } from "vitest";
import { StatusEvents } from "./events.js";

describe("StatusEvents", () => {
  it("calls listeners of the type fired, with the detail", () => {
    const events = new StatusEvents();
    const outdated = vi.fn();
    const degraded = vi.fn();
    events.add("outdated", outdated);
    events.add("degraded", degraded);
    events.emit("outdated", { buildId: "B", reason: "r" });
    expect(outdated).toHaveBeenCalledWith({ buildId: "B", reason: "r" });
    expect(degraded).not.toHaveBeenCalled();
  });

  it("replays sticky events to late listeners, but not leader-changed", () => {
    const events = new StatusEvents();
    events.emit("degraded", { mode: "leader", reason: "no SharedWorker" });
    events.emit("leader-changed", { mode: "leader" });
    const late = vi.fn();
    const lateLeader = vi.fn();
    events.add("degraded", late);
    events.add("leader-changed", lateLeader);
    expect(late).toHaveBeenCalledWith({ mode: "leader", reason: "no SharedWorker" });
    expect(lateLeader).not.toHaveBeenCalled();
    expect(events.fired("degraded")).toBe(true);
  });

  it("isolates a throwing listener and honours removal", () => {
    const events = new StatusEvents();
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const after = vi.fn();
    const removed = vi.fn();
    events.add("outdated", () => {
      throw new Error("boom");
    });
    events.add("outdated", after);
    events.add("outdated", removed);
    events.remove("outdated", removed);
    events.emit("outdated", { buildId: null, reason: "x" });
    expect(after).toHaveBeenCalledTimes(1);
    expect(removed).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });
});
