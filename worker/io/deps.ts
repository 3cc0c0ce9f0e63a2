/**
 * Injected dependencies of the session runtime. Everything that touches the outside world (clock,
 * timers, network, channels, locks, storage) comes in through these small interfaces, so the same
 * runtime runs in a SharedWorker, in a leader tab or the page (src/modes/) and in Node tests.
 * @packageDocumentation
 */

/** A clock in ms since the epoch (`Date.now` by default). */
export interface Clock {
  /** Current local time in ms since the epoch. */
  now(): number;
}

/** A handle returned by {@link Timers.set}. */
export type TimerHandle = { readonly cancel: () => void };

/** Timers the refresh loop uses; injectable so tests can observe schedules. */
export interface Timers {
  /** Runs `fn` once after `ms`; the handle cancels it. */
  set(fn: () => void, ms: number): TimerHandle;
}

/** The subset of `fetch` the transport needs. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** The subset of `BroadcastChannel` the runtime uses to publish events. */
export interface EventChannel {
  /** Sends one structured-clone message to every listener of the channel. */
  postMessage(message: unknown): void;
  /** Closes the channel. */
  close(): void;
}

/** Opens the channel named `name` (`(n) => new BroadcastChannel(n)` in browsers and Node 20). */
export type ChannelFactory = (name: string) => EventChannel;

/** Default timers based on `setTimeout`; timers never keep a Node process alive. */
export const realTimers: Timers = {
  set(fn, ms) {
    const id = setTimeout(fn, Math.max(0, ms));
    (id as { unref?: () => void }).unref?.();
    return { cancel: () => clearTimeout(id) };
  },
};

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() };
