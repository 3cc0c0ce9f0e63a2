/**
 * The life of one watch stream on the wire: change events as `id:`/`data:` frames (each frame
 * built once and shared by every stream that carries the same event), a heartbeat comment on an
 * interval, a bound on the bytes the client has not read (a stream over it is closed with a
 * `BufferFull` error event and its socket released), and an end with an `InvalidSession` error
 * event when the access token expires or the session ends.
 * @packageDocumentation
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Caller, ChangeEvent, MongoService, WatchArgs } from "../contracts.js";
import type { Limits } from "../limits.js";
import { SSE_HEARTBEAT, sseDataFrame, sseErrorFrame, type StreamRegistry } from "./streams.js";
import { canonicalEjson } from "../data/canonicalEjson.js";

/** Who owns a stream and until when its token is valid. */
export interface StreamOwner {
  userId: string;
  sessionId: string;
  /** When the access token expires (ms since epoch). */
  expiresAt: number;
}

/** What a stream needs. */
export interface WatchStreamDeps {
  mongo: MongoService;
  streams: StreamRegistry;
  limits: Pick<Limits, "watchBufferBytes" | "watchHeartbeatSeconds">;
}

/** After an error frame, a client that does not read gets this long before the socket is destroyed. */
const CLOSE_GRACE_MS = 1_000;

/**
 * The frame of each event, encoded once for all the streams that carry it: sockets hold on to the
 * same bytes (a Buffer is queued by reference), so N slow readers do not cost N copies.
 */
const frames = new WeakMap<ChangeEvent, Buffer>();

function frameOf(event: ChangeEvent): Buffer {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = Buffer.from(sseDataFrame(canonicalEjson(event), event._id._data));
    frames.set(event, frame);
  }
  return frame;
}

/**
 * Subscribes and opens the SSE response.
 * @throws ServerError from `mongo.watch` (bad arguments, 400 `ChangeStreamHistoryLost` for a lost
 * resume point, a namespace without rules) before anything is sent
 */
export function openWatchStream(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: WatchStreamDeps,
  owner: StreamOwner,
  call: { service: string; args: WatchArgs; caller: Caller },
): void {
  const raw = reply.raw;
  const { limits } = deps;
  let unsubscribe: (() => void) | undefined;
  let closed = false;
  const timers: NodeJS.Timeout[] = [];

  const close = (code?: string, message?: string): void => {
    if (closed) return;
    closed = true;
    for (const t of timers) clearTimeout(t);
    unsubscribe?.();
    unregister();
    if (raw.writableEnded || raw.destroyed) return;
    if (code !== undefined) raw.write(sseErrorFrame(code, message ?? code));
    raw.end();
    // a client that reads nothing would keep the buffered bytes alive: let go after a grace period
    setTimeout(() => raw.destroy(), CLOSE_GRACE_MS).unref();
  };
  const unregister = deps.streams.add({ userId: owner.userId, sessionId: owner.sessionId, close });

  // The bound is checked before each write, so a client that reads holds at most the bound plus
  // one event, and one event larger than the bound still goes out to a client that keeps up.
  const write = (frame: string | Buffer): void => {
    if (closed) return;
    if (raw.writableLength > limits.watchBufferBytes) {
      close(
        "BufferFull",
        `the client did not read ${raw.writableLength} bytes of this stream (limit ${limits.watchBufferBytes}); watch again to resume`,
      );
      return;
    }
    raw.write(frame);
  };
  const onEvent = (event: ChangeEvent): void => {
    try {
      write(frameOf(event));
    } catch (err) {
      close("InternalServerError", (err as Error).message);
    }
  };

  try {
    // a filter that fails off the main thread (e.g. over the query time limit) ends the stream
    unsubscribe = deps.mongo.watch(call.service, call.args, onEvent, call.caller, (err) => close(err.errorCode, err.message));
  } catch (err) {
    unregister();
    closed = true;
    throw err;
  }
  raw.on("close", () => close());
  raw.on("error", () => close());
  reply.hijack();
  raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  raw.write(": stream open\n\n");
  const heartbeat = setInterval(() => write(SSE_HEARTBEAT), limits.watchHeartbeatSeconds * 1000);
  heartbeat.unref();
  timers.push(heartbeat);
  const expiry = setTimeout(
    () => close("InvalidSession", "the access token of this stream expired"),
    Math.min(2 ** 31 - 1, Math.max(0, owner.expiresAt - Date.now())),
  );
  expiry.unref();
  timers.push(expiry);
  request.log.debug({ service: call.service, args: call.args }, "watch stream opened");
}
