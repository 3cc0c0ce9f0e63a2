import { afterEach, describe, expect, it } from "vitest";
import { answerClockPing, isClockPing, measureClockOffset } from "./clock.js";

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

/** A "worker" on the far end of a channel whose clock runs `skewMs` ahead of this realm's. */
function workerAhead(skewMs: number): MessagePort {
  const channel = new MessageChannel();
  channels.push(channel);
  const now = (): number => performance.timeOrigin + performance.now() + skewMs;
  channel.port2.onmessage = (event: MessageEvent) => {
    if (!answerClockPing(channel.port2, event.data, now)) channel.port2.postMessage({ other: true });
  };
  channel.port1.start();
  return channel.port1;
}

describe("clock offsets", () => {
  it("estimates a tab's clock minus the worker's within half the best round trip", async () => {
    for (const skewMs of [0, 7, -3.5]) {
      const offset = await measureClockOffset(workerAhead(skewMs), 10);
      expect(Math.abs(offset.offsetMs - -skewMs)).toBeLessThanOrEqual(offset.rttMs / 2 + 0.2);
    }
  });

  it("the worker answers pings only; other messages go on to its own handler", () => {
    const posted: unknown[] = [];
    const port = { postMessage: (m: unknown) => posted.push(m) };
    expect(answerClockPing(port, { id: "x", type: "APPLY" }, () => 5)).toBe(false);
    expect(answerClockPing(port, { clockPing: 3 }, () => 5)).toBe(true);
    expect(posted).toEqual([{ clockPong: 3, workerAt: 5 }]);
    expect(isClockPing({ clockPing: "3" })).toBe(false);
  });

  it("rejects when the worker never answers", async () => {
    const channel = new MessageChannel();
    channels.push(channel);
    channel.port1.start();
    await expect(measureClockOffset(channel.port1, 1, 50)).rejects.toThrow(/did not answer a clock ping within 50 ms/);
  });
});
