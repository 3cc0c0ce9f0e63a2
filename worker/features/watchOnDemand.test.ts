import { describe, expect, it, vi } from "vitest";
import { isRealmTabsError } from "../../src/protocol/encodeError.js";
import type { WatchSpec } from "../io/sse.js";
import type { AppRuntime } from "../session/runtime.js";
import { realTimers } from "../io/deps.js";
import type { WatchHub, WatchHubDeps, WatchSink } from "./watchHub.js";
import { watchesOnDemand } from "./watchOnDemand.js";
import { parseWatchRequest } from "./watchRequest.js";

const deps: WatchHubDeps = { fetch: () => Promise.reject(new Error("no network in this test")), timers: realTimers, random: Math.random };
const rt = {} as AppRuntime;
const spec: WatchSpec = { service: "mongodb-atlas", database: "db", collection: "items" };
const sink: WatchSink = { postMessage: () => undefined, close: () => undefined };

/** A hub that records what it is asked. */
function fakeHub(): WatchHub & { calls: string[] } {
  const calls: string[] = [];
  let n = 0;
  return {
    calls,
    subscribe: (_rt, userId, _spec, tabId) => {
      calls.push(`subscribe ${userId} ${tabId}`);
      n += 1;
      return `w${n}`;
    },
    unsubscribe: (id) => void calls.push(`unsubscribe ${id}`),
    dropTab: (tabId) => void calls.push(`dropTab ${tabId}`),
    endUser: (_appKey, userId) => void calls.push(`endUser ${userId}`),
    openStreams: () => 7,
    streams: () => 7,
    close: () => void calls.push("close"),
  };
}

/** A loader whose module arrives when the test says. */
function gatedLoader(hub: WatchHub) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const load = vi.fn(async () => {
    await gate;
    return { createWatchHub: () => hub, parseWatchRequest };
  });
  return { load, open };
}

describe("watch streams loaded on first use", () => {
  it("loads nothing until a tab watches; ending, dropping, counting and closing do nothing before", () => {
    const load = vi.fn(() => Promise.reject(new Error("must not load")));
    const watches = watchesOnDemand(deps, load);
    watches.dropTab("t1");
    watches.endUser("app", "u1", "logged out");
    watches.unsubscribe("w1");
    expect(watches.openStreams()).toBe(0);
    watches.close();
    expect(load).not.toHaveBeenCalled();
  });

  it("loads the hub once for watches started together, then forwards every call to it", async () => {
    const hub = fakeHub();
    const { load, open } = gatedLoader(hub);
    const watches = watchesOnDemand(deps, load);
    const both = Promise.all([watches.subscribe(rt, "u1", spec, "t1", sink), watches.subscribe(rt, "u2", spec, "t2", sink)]);
    open();
    expect(await both).toEqual(["w1", "w2"]);
    expect(load).toHaveBeenCalledTimes(1);
    expect(await watches.subscribe(rt, "u1", spec, "t3", sink)).toBe("w3");
    watches.unsubscribe("w1");
    watches.dropTab("t2");
    watches.endUser("app", "u1", "logged out");
    expect(watches.openStreams()).toBe(7);
    watches.close();
    expect(hub.calls).toEqual([
      "subscribe u1 t1",
      "subscribe u2 t2",
      "subscribe u1 t3",
      "unsubscribe w1",
      "dropTab t2",
      "endUser u1",
      "close",
    ]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("rejects a watch whose module failed to load with a retryable network error, and loads again on the next", async () => {
    const hub = fakeHub();
    const load = vi
      .fn<() => Promise<typeof import("./watches.js")>>()
      .mockRejectedValueOnce(new TypeError("Failed to fetch dynamically imported module"))
      .mockResolvedValue({ createWatchHub: () => hub, parseWatchRequest });
    const watches = watchesOnDemand(deps, load);
    const error: unknown = await watches.subscribe(rt, "u1", spec, "t1", sink).catch((e: unknown) => e);
    expect(isRealmTabsError(error) && error.code).toBe("network");
    expect(isRealmTabsError(error) && error.retryable).toBe(true);
    expect(await watches.subscribe(rt, "u1", spec, "t1", sink)).toBe("w1");
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("opens no stream for a tab that went away while the module loaded; other tabs' watches start", async () => {
    const hub = fakeHub();
    const { load, open } = gatedLoader(hub);
    const watches = watchesOnDemand(deps, load);
    const gone = watches.subscribe(rt, "u1", spec, "t1", sink).catch((e: unknown) => e);
    const alive = watches.subscribe(rt, "u1", spec, "t2", sink);
    watches.dropTab("t1");
    open();
    const error = await gone;
    expect(isRealmTabsError(error) && error.code).toBe("watch-closed");
    expect(await alive).toBe("w1");
    expect(hub.calls).toEqual(["subscribe u1 t2"]);
  });

  it("builds no hub when the host closed while the module loaded", async () => {
    const hub = fakeHub();
    const create = vi.fn(() => hub);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const watches = watchesOnDemand(deps, async () => {
      await gate;
      return { createWatchHub: create, parseWatchRequest };
    });
    const pending = watches.subscribe(rt, "u1", spec, "t1", sink).catch((e: unknown) => e);
    watches.close();
    open();
    const error = await pending;
    expect(isRealmTabsError(error) && error.code).toBe("runtime-closed");
    expect(create).not.toHaveBeenCalled();
  });

  it("checks the request with the loaded module: a bad one rejects with invalid-argument and opens nothing", async () => {
    const hub = fakeHub();
    const { load, open } = gatedLoader(hub);
    const watches = watchesOnDemand(deps, load);
    open();
    for (const bad of [
      null,
      { service: "mongodb-atlas", database: "", collection: "items" },
      { ...spec, idsEJSON: "[", filterEJSON: "{}" },
    ]) {
      const error: unknown = await watches.subscribe(rt, "u1", bad, "t1", sink).catch((e: unknown) => e);
      expect(isRealmTabsError(error) && error.code).toBe("invalid-argument");
    }
    expect(hub.calls).toEqual([]);
    expect(await watches.subscribe(rt, "u1", spec, "t1", sink)).toBe("w1");
  });
});
