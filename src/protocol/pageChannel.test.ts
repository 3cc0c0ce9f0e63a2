import { afterEach, describe, expect, it, vi } from "vitest";
import { openPageChannel, type PageChannel } from "./pageChannel.js";

function received(channel: PageChannel): unknown[] {
  const seen: unknown[] = [];
  channel.onmessage = (event) => seen.push(event.data);
  return seen;
}

describe("the per-app channel without BroadcastChannel", () => {
  const opened: PageChannel[] = [];
  const open = (name: string): PageChannel => {
    const channel = openPageChannel(name);
    opened.push(channel);
    return channel;
  };
  afterEach(() => {
    for (const channel of opened.splice(0)) channel.close();
    vi.unstubAllGlobals();
  });

  it("is a BroadcastChannel where the realm has one", () => {
    expect(open("a")).toBeInstanceOf(BroadcastChannel);
  });

  it("delivers to the other channels of the same name in the realm, cloned, in order, later; not to itself or other names", async () => {
    vi.stubGlobal("BroadcastChannel", undefined);
    const runtime = open("app-1");
    const tab = open("app-1");
    const other = open("app-2");
    const own = received(runtime);
    const seen = received(tab);
    const elsewhere = received(other);
    const message = { type: "login", epoch: 1 };
    runtime.postMessage(message);
    runtime.postMessage({ type: "logout", epoch: 2 });
    message.epoch = 99;
    expect(seen).toEqual([]); // never synchronously
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    expect(seen).toEqual([
      { type: "login", epoch: 1 },
      { type: "logout", epoch: 2 },
    ]);
    expect(own).toEqual([]);
    expect(elsewhere).toEqual([]);
  });

  it("a closed channel neither receives nor sends, including messages already on their way", async () => {
    vi.stubGlobal("BroadcastChannel", undefined);
    const runtime = open("app-3");
    const tab = open("app-3");
    const late = open("app-3");
    const seen = received(tab);
    const seenLate = received(late);
    runtime.postMessage(1);
    tab.close();
    tab.postMessage(2);
    await vi.waitFor(() => expect(seenLate).toEqual([1]));
    expect(seen).toEqual([]);
  });

  it("rejects what cannot be cloned, as BroadcastChannel does", () => {
    vi.stubGlobal("BroadcastChannel", undefined);
    const runtime = open("app-4");
    open("app-4");
    expect(() => runtime.postMessage({ f: () => 1 })).toThrow();
  });
});
