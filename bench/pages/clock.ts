/**
 * The offset between a tab's and a SharedWorker's epoch clocks (`performance.timeOrigin +
 * performance.now()`). Each realm computes its own time origin, so two realms of one machine can
 * read the same instant up to a few ms apart (one run measured 1.7 ms). Every benchmark time that
 * starts in one realm and ends in the other (the worker's commit to a tab's listener, a tab's post
 * to the worker's handler) is corrected by it. Measured as NTP does: the tab sends pings in a row,
 * the worker answers each with its clock, and the ping with the shortest round trip gives the
 * estimate (the worker read its clock halfway through it, ± half that round trip).
 * @packageDocumentation
 */

/** A ping: the worker answers it at once with its clock. */
export interface ClockPing {
  clockPing: number;
}

/** The worker's answer to a ping: its epoch ms when it handled it. */
export interface ClockPong {
  clockPong: number;
  workerAt: number;
}

/** The estimate: tab clock minus worker clock (ms), and the round trip of the ping it came from. */
export interface ClockOffset {
  offsetMs: number;
  rttMs: number;
}

/** Epoch ms on this realm's high-resolution clock. */
const epochNow = (): number => performance.timeOrigin + performance.now();

/** Whether a message is a {@link ClockPing}. */
export function isClockPing(data: unknown): data is ClockPing {
  return typeof (data as Partial<ClockPing> | null)?.clockPing === "number";
}

/**
 * The worker side: answers `data` on `port` if it is a ping.
 * @param now - the worker's clock (tests shift it)
 * @returns whether it was one (then nothing else should handle it)
 */
export function answerClockPing(port: { postMessage(message: unknown): void }, data: unknown, now: () => number = epochNow): boolean {
  if (!isClockPing(data)) return false;
  port.postMessage({ clockPong: data.clockPing, workerAt: now() } satisfies ClockPong);
  return true;
}

/**
 * The tab side: `count` pings in a row over `port` (a port the worker answers them on).
 * @throws Error if a ping gets no answer within `timeoutMs`
 */
export async function measureClockOffset(
  port: Pick<MessagePort, "postMessage" | "addEventListener" | "removeEventListener">,
  count = 20,
  timeoutMs = 5_000,
): Promise<ClockOffset> {
  let best: ClockOffset | null = null;
  for (let i = 0; i < count; i += 1) {
    const sentAt = epochNow();
    const workerAt = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        port.removeEventListener("message", onPong);
        reject(new Error(`the worker did not answer a clock ping within ${timeoutMs} ms`));
      }, timeoutMs);
      function onPong(event: Event): void {
        const pong = (event as MessageEvent).data as Partial<ClockPong> | null;
        if (pong?.clockPong !== i || typeof pong.workerAt !== "number") return;
        clearTimeout(timer);
        port.removeEventListener("message", onPong);
        resolve(pong.workerAt);
      }
      port.addEventListener("message", onPong);
      port.postMessage({ clockPing: i } satisfies ClockPing);
    });
    const receivedAt = epochNow();
    const rttMs = receivedAt - sentAt;
    if (!best || rttMs < best.rttMs) best = { offsetMs: (sentAt + receivedAt) / 2 - workerAt, rttMs };
  }
  if (!best) throw new Error("no clock ping was sent");
  return best;
}
