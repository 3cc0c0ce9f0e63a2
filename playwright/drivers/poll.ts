/**
 * The auto-retrying wait of drivers whose library has none usable from Node-side probes
 * (puppeteer's `waitForFunction` only polls inside one page): probe, check, pause a little longer
 * each time (Playwright's `expect.poll` intervals), until the deadline.
 * @packageDocumentation
 */
import { setTimeout as pause } from "node:timers/promises";
import { DEFAULT_WAIT_MS, type WaitOptions } from "./driver.js";

/** Pauses between probes, in ms; the last one repeats. */
const INTERVALS = [100, 250, 500, 1000];

function describe(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 2_000) ?? String(value);
  } catch {
    return String(value);
  }
}

/** `promise`, or a rejection when it has not settled after `ms` (a probe stuck in a hung page). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  try {
    return await Promise.race([
      promise,
      pause(ms, undefined, { signal: controller.signal }).then(() => Promise.reject(new Error(`the probe did not answer within ${ms} ms`))),
    ]);
  } finally {
    controller.abort();
  }
}

/**
 * Calls `probe` until `accept` holds for its result; a probe that throws counts as not yet.
 * @throws Error `timed out after <ms> ms waiting until <message>` with the last value or error
 */
export async function pollUntil<T>(probe: () => Promise<T>, accept: (value: T) => boolean, options: WaitOptions): Promise<T> {
  const timeout = options.timeout ?? DEFAULT_WAIT_MS;
  const end = Date.now() + timeout;
  let last: string;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const value = await within(probe(), Math.max(end - Date.now(), 1_000));
      if (accept(value)) return value;
      last = `last value: ${describe(value)}`;
    } catch (error) {
      last = `last error: ${String(error)}`;
    }
    const left = end - Date.now();
    if (left <= 0) throw new Error(`timed out after ${timeout} ms waiting until ${options.message}; ${last}`);
    await pause(Math.min(INTERVALS[Math.min(attempt, INTERVALS.length - 1)]!, left));
  }
}
