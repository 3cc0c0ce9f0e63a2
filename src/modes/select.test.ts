import { describe, expect, it } from "vitest";
import { modeCandidates, type Capabilities } from "./select.js";
import { degradedReason } from "./degraded.js";

const all: Capabilities = { sharedWorker: true, broadcastChannel: true, webLocks: true };

describe("mode selection", () => {
  it("auto tries SharedWorker, then a leader tab, then in-page", () => {
    expect(modeCandidates("auto", all, false)).toEqual(["shared-worker", "leader", "in-page"]);
  });

  it("auto skips what the browser lacks", () => {
    expect(modeCandidates("auto", { ...all, sharedWorker: false }, false)).toEqual(["leader", "in-page"]);
    expect(modeCandidates("auto", { sharedWorker: false, broadcastChannel: false, webLocks: false }, false)).toEqual(["in-page"]);
  });

  it("an explicit mode is tried alone", () => {
    expect(modeCandidates("leader", all, false)).toEqual(["leader"]);
    expect(modeCandidates("in-page", all, false)).toEqual(["in-page"]);
  });

  it("a custom worker factory pins the SharedWorker mode", () => {
    expect(modeCandidates("auto", { ...all, sharedWorker: false }, true)).toEqual(["shared-worker"]);
  });

  it("only SharedWorker is not degraded; every other mode says why", () => {
    expect(degradedReason("shared-worker", all)).toBeNull();
    expect(degradedReason("leader", all)).toMatch(/leader tab/);
    expect(degradedReason("leader", { ...all, webLocks: false })).toMatch(/no Web Locks/);
    expect(degradedReason("in-page", all)).toMatch(/own runtime/);
  });
});
