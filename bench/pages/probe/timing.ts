/**
 * Timing of function calls inside the SharedWorker, for the benchmark only: the probe page stamps
 * each Comlink message with the epoch ms it was sent (`sentAt`), and the probe worker wraps its
 * port so that, for each `callFunction`, it records when the worker ran the message (after any
 * queueing) and when it posted the reply. The library's own worker and page have none of this.
 * @packageDocumentation
 */
import type { Endpoint } from "comlink";

/** Epoch ms on this realm's high-resolution clock (the same clock in tabs and workers of one machine). */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** What the probe worker recorded, per `callFunction`. */
export interface CallTimes {
  /** From the tab's `postMessage` to the worker's reply: the hop into the worker, queueing and processing (ms). */
  sinceSent: number[];
  /** From the worker running the message to its reply: processing only (ms). */
  processing: number[];
}

interface Stamped {
  id?: unknown;
  path?: unknown;
  sentAt?: unknown;
}

/** The tab side: a port to the worker whose outgoing Comlink messages carry `sentAt`. */
export function stampingEndpoint(port: MessagePort): Endpoint {
  return {
    postMessage(message: unknown, transfer?: Transferable[]) {
      if (typeof message === "object" && message !== null) (message as Stamped).sentAt = epochNow();
      port.postMessage(message, transfer ?? []);
    },
    addEventListener: (type: string, listener: EventListenerOrEventListenerObject) => port.addEventListener(type, listener),
    removeEventListener: (type: string, listener: EventListenerOrEventListenerObject) => port.removeEventListener(type, listener),
    start: () => port.start(),
  };
}

/** The worker side: the tab's port, recording {@link CallTimes} of each `callFunction` into `times`. */
export function timedEndpoint(port: MessagePort, times: CallTimes): Endpoint {
  const started = new Map<string, { at: number; sentAt: number | null }>();
  return {
    postMessage(message: unknown, transfer?: Transferable[]) {
      const id = (message as Stamped | null)?.id;
      const start = typeof id === "string" ? started.get(id) : undefined;
      if (start && typeof id === "string") {
        const now = epochNow();
        started.delete(id);
        times.processing.push(now - start.at);
        if (start.sentAt !== null) times.sinceSent.push(now - start.sentAt);
      }
      port.postMessage(message, transfer ?? []);
    },
    addEventListener(type: string, listener: EventListenerOrEventListenerObject) {
      const run = typeof listener === "function" ? listener : (e: Event) => listener.handleEvent(e);
      port.addEventListener(type, (event: Event) => {
        const data = (event as MessageEvent).data as Stamped | null;
        if (typeof data?.id === "string" && Array.isArray(data.path) && data.path[0] === "callFunction") {
          started.set(data.id, { at: epochNow(), sentAt: typeof data.sentAt === "number" ? data.sentAt : null });
        }
        run(event);
      });
    },
    removeEventListener: () => undefined, // exposeSession never removes its listener
    start: () => port.start(),
  };
}
