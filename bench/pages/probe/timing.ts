/**
 * Timing of function calls inside the SharedWorker, for the benchmark only: the probe page stamps
 * each Comlink message with the epoch ms it was sent (`sentAt`), and the probe worker wraps its
 * port and its `fetch` so that, for each `callFunction`, it records the time from the tab's post to
 * its reply and how much of it the HTTP request took. The library's own worker and page have none of this.
 * @packageDocumentation
 */
import type { Endpoint } from "comlink";
import { isClockPing } from "../clock.js";

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
  /** From the tab's `postMessage` until the worker's handler got the message: the hop in and the wait in the worker's queue (ms). */
  hopIn: number[];
  /** From the worker's handler getting the message until its `fetch()` call: the worker's processing before the request (ms). */
  beforeFetch: number[];
  /** From the HTTP answer (body read) until the reply is posted: the worker's processing after the request (ms). */
  afterFetch: number[];
}

/** Call times with nothing recorded yet. */
export function emptyCallTimes(): CallTimes {
  return { sinceSent: [], network: [], inWorker: [], hopIn: [], beforeFetch: [], afterFetch: [] };
}

/** One call in flight: when the tab posted it, when the worker got it, sent its request and had the answer (epoch ms). */
interface Started {
  sentAt: number | null;
  receivedAt: number;
  fetchAt: number | null;
  answeredAt: number | null;
  network: number;
}

interface Stamped {
  id?: unknown;
  path?: unknown;
  sentAt?: unknown;
}

/**
 * The tab side: a port to the worker whose outgoing Comlink messages carry `sentAt`, on the
 * worker's clock once `offsetMs` (this tab's clock minus the worker's, see bench/pages/clock.ts) is set.
 */
export function stampingEndpoint(port: MessagePort): Endpoint & { offsetMs: number } {
  return {
    offsetMs: 0,
    postMessage(message: unknown, transfer?: Transferable[]) {
      if (typeof message === "object" && message !== null) (message as Stamped).sentAt = epochNow() - this.offsetMs;
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
  private times: CallTimes = emptyCallTimes();
  private readonly started = new Map<string, Started>();
  private last: string | null = null;

  /** Takes (and clears) what was recorded. */
  take(): CallTimes {
    const taken = this.times;
    this.times = emptyCallTimes();
    return taken;
  }

  /**
   * `fetch`, with its time counted against the call that sent it: until the library's own read of
   * the body (`arrayBuffer()` or `text()`, as the transport reads it) has the whole body, so waiting
   * for the body is HTTP time, not the worker's. The response is the one `fetch` gave, read once.
   */
  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const entry = this.last === null ? undefined : this.started.get(this.last);
    const t0 = epochNow();
    if (entry && entry.fetchAt === null) entry.fetchAt = t0;
    let stamped = false;
    const stamp = (): void => {
      if (!entry || stamped) return;
      stamped = true;
      const t1 = epochNow();
      entry.network += t1 - t0;
      entry.answeredAt = t1;
    };
    let response: Response;
    try {
      response = await globalThis.fetch(input, init);
    } catch (error) {
      stamp();
      throw error;
    }
    const arrayBuffer = response.arrayBuffer.bind(response);
    const text = response.text.bind(response);
    Object.defineProperties(response, {
      arrayBuffer: { value: () => arrayBuffer().finally(stamp) },
      text: { value: () => text().finally(stamp) },
    });
    return response;
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
            const now = epochNow();
            const total = now - start.sentAt;
            this.times.sinceSent.push(total);
            this.times.network.push(start.network);
            this.times.inWorker.push(total - start.network);
            this.times.hopIn.push(start.receivedAt - start.sentAt);
            if (start.fetchAt !== null) this.times.beforeFetch.push(start.fetchAt - start.receivedAt);
            if (start.answeredAt !== null) this.times.afterFetch.push(now - start.answeredAt);
          }
        }
        port.postMessage(message, transfer ?? []);
      },
      addEventListener: (type: string, listener: EventListenerOrEventListenerObject) => {
        const run = typeof listener === "function" ? listener : (e: Event) => listener.handleEvent(e);
        port.addEventListener(type, (event: Event) => {
          const data = (event as MessageEvent).data as Stamped | null;
          if (isClockPing(data)) return; // answered by the probe worker itself, not a Comlink message
          if (typeof data?.id === "string" && Array.isArray(data.path) && data.path[0] === "callFunction") {
            const sentAt = typeof data.sentAt === "number" ? data.sentAt : null;
            this.started.set(data.id, { sentAt, receivedAt: epochNow(), fetchAt: null, answeredAt: null, network: 0 });
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

/** The BroadcastChannel on which a probe page asks the probe worker for its {@link CommitLog}. */
export const PROBE_CHANNEL = "realm-tabs-bench-probe";

/** One store commit of the probe worker: the epoch it wrote, when it started and when it was persisted (epoch ms). */
export interface CommitTime {
  epoch: number;
  startedAt: number;
  persistedAt: number;
  /** When the first tab's push port was posted this commit (null: no push port). */
  firstPushedAt: number | null;
  /** When the last tab's push port was posted this commit (null: no push port). */
  pushedAt: number | null;
}

/** The store commits of the probe worker, timed (the runtime pushes a commit to the tabs once it is persisted). */
export class CommitLog {
  private log: CommitTime[] = [];

  /** Takes (and clears) what was recorded. */
  take(): CommitTime[] {
    return this.log.splice(0);
  }

  /**
   * Times the posts on the push port of a `connect` message (Comlink's wire form), if it has one:
   * each post stamps the latest commit.
   */
  timePushPort(data: unknown): void {
    const message = data as { path?: unknown; argumentList?: { value?: { push?: unknown } }[] } | null;
    const port = Array.isArray(message?.path) && message.path[0] === "connect" ? message.argumentList?.[0]?.value?.push : undefined;
    if (!(port instanceof MessagePort)) return;
    const post = port.postMessage.bind(port) as (message: unknown) => void;
    const log = this.log;
    port.postMessage = (m: unknown) => {
      post(m);
      const last = log.at(-1);
      if (!last) return;
      last.pushedAt = epochNow();
      last.firstPushedAt ??= last.pushedAt;
    };
  }

  /** The store, with each commit timed. */
  wrap<S extends { commit(app: { epoch: number }, ...rest: never[]): Promise<void> }>(store: S): S {
    const commit = store.commit.bind(store) as (app: { epoch: number }, ...rest: unknown[]) => Promise<void>;
    const log = this.log;
    return Object.assign(Object.create(store) as S, {
      async commit(app: { epoch: number }, ...rest: unknown[]): Promise<void> {
        const startedAt = epochNow();
        await commit(app, ...rest);
        log.push({ epoch: app.epoch, startedAt, persistedAt: epochNow(), firstPushedAt: null, pushedAt: null });
      },
    });
  }
}

/** Asks the probe worker for its commit log (a probe page only). @throws Error when it does not answer within 5 s */
export function askCommits(): Promise<CommitTime[]> {
  const channel = new BroadcastChannel(PROBE_CHANNEL);
  return new Promise<CommitTime[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the probe worker did not send its commit log within 5 s")), 5_000);
    channel.onmessage = (event: MessageEvent) => {
      const commits = (event.data as { commits?: CommitTime[] } | null)?.commits;
      if (!commits) return;
      clearTimeout(timer);
      resolve(commits);
    };
    channel.postMessage({ ask: "commits" });
  }).finally(() => channel.close());
}
