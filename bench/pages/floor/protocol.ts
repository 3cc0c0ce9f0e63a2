/**
 * The messages between the floor page and the floor SharedWorker (bench/pages/floor/): the least a
 * SharedWorker design can do for a call or a fan-out, with no library on either side. Times are
 * epoch ms (`performance.timeOrigin + performance.now()`, one clock for tabs and workers).
 * @packageDocumentation
 */

/** Tab → worker. */
export type FloorRequest =
  /** Answer at once: the worker's reply carries the time from `sentAt` to its post. */
  | { type: "echo"; id: number; sentAt: number }
  /** Relay one function call to the server with the worker's own anonymous user. */
  | { type: "call"; id: number; server: string; app: string; body: string }
  /** Post `{type: "push"}` to every other connected port. */
  | { type: "fanout"; id: number }
  /** From now on, this tab's pushes go to the port transferred with this message (as realm-tabs' push port). */
  | { type: "push-port" }
  /** This tab's port is going away. */
  | { type: "bye" };

/** Worker → tab. */
export type FloorReply =
  | { type: "echoed"; id: number; inWorkerMs: number }
  | { type: "called"; id: number; text: string; status: number }
  | { type: "fanned"; id: number; at: number; ports: number; loopMs: number }
  | { type: "push"; at: number }
  | { type: "failed"; id: number; message: string };

/** Epoch ms on this realm's high-resolution clock. */
export const epochNow = (): number => performance.timeOrigin + performance.now();
