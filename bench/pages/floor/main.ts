/**
 * The floor benchmark page: a tab of no library, over the floor SharedWorker (./worker.ts). It puts
 * `window.floor` on the page for bench/suites/floor.ts.
 * @packageDocumentation
 */
import { epochNow, type FloorReply, type FloorRequest } from "./protocol.js";
import { measureClockOffset, type ClockOffset } from "../clock.js";

/** What the floor page offers the runner. */
export interface FloorPage {
  ready: boolean;
  /** `count` echoes in a row; resolves to each one's time in the worker (from the post to its reply, ms). */
  echo(count: number): Promise<number[]>;
  /** `count` function calls (`echo({n:1,s:"hello"})`) in a row through the worker; resolves to each one's latency (ms). */
  call(count: number): Promise<number[]>;
  /** Asks the worker to post a push to every other tab; resolves to the epoch ms it started posting and how long its loop took (ms). */
  fanout(): Promise<{ at: number; loopMs: number }>;
  /** Epoch ms at which this tab got the latest push (on the worker's clock once {@link FloorPage.clockOffset} ran), and the worker's time on it; null before any. */
  lastPush(): { at: number; seenAt: number } | null;
  /**
   * This tab's clock minus the worker's (ms, see pages/clock.ts), measured now; from then on echoes
   * are stamped on the worker's clock.
   */
  clockOffset(): Promise<ClockOffset>;
}

declare global {
  interface Window {
    floor?: FloorPage;
  }
}

const params = new URLSearchParams(location.search);
const server = params.get("server") ?? "";
const app = params.get("app") ?? "";
const worker = new SharedWorker(new URL("./worker.ts", import.meta.url), { type: "module", name: "realm-tabs-floor" });
const port = worker.port;
const waiting = new Map<number, (reply: FloorReply) => void>();
let nextId = 1;
let pushed: { at: number; seenAt: number } | null = null;
/** This tab's clock minus the worker's, once measured. */
let offsetMs = 0;

const onReply = (event: MessageEvent<FloorReply>): void => {
  const m = event.data;
  if (m.type === "push") {
    pushed = { at: m.at, seenAt: epochNow() - offsetMs };
    return;
  }
  const done = waiting.get(m.id);
  waiting.delete(m.id);
  done?.(m);
};
port.onmessage = onReply;
// pushes come on a port this tab made and transferred, as realm-tabs' push port (measured: no
// different from the connect port)
const pushChannel = new MessageChannel();
pushChannel.port1.onmessage = onReply;
port.postMessage({ type: "push-port" } satisfies FloorRequest, [pushChannel.port2]);
addEventListener("pagehide", () => port.postMessage({ type: "bye" } satisfies FloorRequest));

function ask(make: (id: number) => FloorRequest): Promise<FloorReply> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error("the floor worker did not answer within 30 s"));
    }, 30_000);
    waiting.set(id, (reply) => {
      clearTimeout(timer);
      if (reply.type === "failed") reject(new Error(reply.message));
      else resolve(reply);
    });
    port.postMessage(make(id));
  });
}

const body = JSON.stringify({ name: "echo", arguments: [{ n: 1, s: "hello" }] });

window.floor = {
  ready: true,
  async echo(count) {
    const times: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const reply = await ask((id) => ({ type: "echo", id, sentAt: epochNow() - offsetMs }));
      if (reply.type === "echoed") times.push(reply.inWorkerMs);
    }
    return times;
  },
  async call(count) {
    const times: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const t0 = performance.now();
      const reply = await ask((id) => ({ type: "call", id, server, app, body }));
      if (reply.type !== "called" || reply.status !== 200) throw new Error(`the call failed: ${JSON.stringify(reply)}`);
      JSON.parse(reply.text); // as a client would read it
      times.push(performance.now() - t0);
    }
    return times;
  },
  async fanout() {
    const reply = await ask((id) => ({ type: "fanout", id }));
    if (reply.type !== "fanned") throw new Error("no fan-out");
    return { at: reply.at, loopMs: reply.loopMs };
  },
  lastPush: () => pushed,
  async clockOffset() {
    const offset = await measureClockOffset(port);
    offsetMs = offset.offsetMs;
    return offset;
  },
};
