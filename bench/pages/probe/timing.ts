/**
 * Timing of function calls inside the SharedWorker, for the benchmark only: the probe page stamps
 * each Comlink message with the epoch ms it was sent (`sentAt`), and the probe worker wraps its
 * port and its `fetch` so that, for each `callFunction`, it records the time from the tab's post to
 * its reply and how much of it the HTTP request took. The library's own worker and page have none of this.
 * @packageDocumentation
 */
import type { Endpoint } from "comlink";

/** Epoch ms on this realm's high-resolution clock (the same clock in tabs and workers of one machine). */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** What the probe worker recorded, per `callFunction`. */
export interface CallTimes {
  /** From the tab's `postMessage` to the worker's reply (ms). */
  sinceSent: number[];
  /** The part of it the call's HTTP request took, from `fetch()` to its answer (ms). */
  network: number[];
  /** The rest: the hop in, queueing in the worker and the worker's own processing (ms). */
  inWorker: number[];
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

/**
 * The worker's timing state: the calls in flight and the time their HTTP requests took. A call's
 * request is sent in the same task as the message that started it (its token is fresh: no other
 * task runs in between), so a `fetch()` belongs to the call dispatched last.
 */
export class CallClock {
  readonly times: CallTimes = { sinceSent: [], network: [], inWorker: [] };
  private readonly started = new Map<string, { sentAt: number | null; network: number }>();
  private last: string | null = null;

  /** Takes (and clears) what was recorded. */
  take(): CallTimes {
    const t = this.times;
    return { sinceSent: t.sinceSent.splice(0), network: t.network.splice(0), inWorker: t.inWorker.splice(0) };
  }

  /** `fetch`, with its time counted against the call that sent it. */
  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const entry = this.last === null ? undefined : this.started.get(this.last);
    const t0 = epochNow();
    try {
      return await globalThis.fetch(input, init);
    } finally {
      if (entry) entry.network += epochNow() - t0;
    }
  };

  /** Wraps the tab's port: each `callFunction` is timed from the tab's post to the worker's reply. */
  endpoint(port: MessagePort): Endpoint {
    return {
      postMessage: (message: unknown, transfer?: Transferable[]) => {
        const id = (message as Stamped | null)?.id;
        const start = typeof id === "string" ? this.started.get(id) : undefined;
        if (start && typeof id === "string") {
          this.started.delete(id);
          if (start.sentAt !== null) {
            const total = epochNow() - start.sentAt;
            this.times.sinceSent.push(total);
            this.times.network.push(start.network);
            this.times.inWorker.push(total - start.network);
          }
        }
        port.postMessage(message, transfer ?? []);
      },
      addEventListener: (type: string, listener: EventListenerOrEventListenerObject) => {
        const run = typeof listener === "function" ? listener : (e: Event) => listener.handleEvent(e);
        port.addEventListener(type, (event: Event) => {
          const data = (event as MessageEvent).data as Stamped | null;
          if (typeof data?.id === "string" && Array.isArray(data.path) && data.path[0] === "callFunction") {
            this.started.set(data.id, { sentAt: typeof data.sentAt === "number" ? data.sentAt : null, network: 0 });
            this.last = data.id;
          }
          run(event);
        });
      },
      removeEventListener: () => undefined, // exposeSession never removes its listener
      start: () => port.start(),
    };
  }
}
