/**
 * In-page mode where the realm has no BroadcastChannel: the tab side listens on the stand-in
 * channel that comes with its in-page link (the runtime's modules, loaded with the link), so it
 * still hears what its runtime publishes on the per-app channel. The runtime is the real session
 * host, over fake-indexeddb; nothing here reaches a server.
 */
import "fake-indexeddb/auto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TabSession } from "../session.js";
import { openPageChannel } from "../protocol/pageChannel.js";
import { appKeyFor, channelName } from "../protocol/names.js";
import { PROTOCOL_VERSION } from "../protocol/events.js";

const sessions: TabSession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.close();
  vi.unstubAllGlobals();
});

describe("in-page mode without BroadcastChannel", () => {
  it("hears the runtime's channel events on the stand-in its link brings", async () => {
    vi.stubGlobal("BroadcastChannel", undefined);
    const warnings: [string, string][] = [];
    const session = new TabSession(
      { id: "in-page-app", baseUrl: "http://127.0.0.1:9", skipLocationRequest: true, exposeRefreshToken: false },
      { mode: "in-page", timeoutMs: 10_000 },
      { onUpdate: () => {}, onWarning: (code, message) => warnings.push([code, message]) },
    );
    sessions.push(session);
    await session.ready;
    expect(session.mode).toBe("in-page");
    const appKey = appKeyFor("in-page-app", "http://127.0.0.1:9");
    // what the in-page runtime's host posts on its channel (a warning, as after a storage fault)
    const runtimeSide = openPageChannel(channelName(appKey));
    try {
      runtimeSide.postMessage({ v: PROTOCOL_VERSION, kind: "warning", appKey, code: "storage", message: "memory only" });
      await vi.waitFor(() => expect(warnings).toEqual([["storage", "memory only"]]));
    } finally {
      runtimeSide.close();
    }
  });
});
