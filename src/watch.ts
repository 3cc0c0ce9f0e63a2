/**
 * `collection.watch()` in a tab: an async generator of change events. The runtime holds the
 * server stream (shared with other tabs watching the same thing) and posts each event to a
 * `MessagePort` this tab owns; breaking out of `for await` (or `return()`) releases the watch.
 * @packageDocumentation
 */
import * as Comlink from "comlink";
import { loadFullCodec, type FullCodec } from "./codec/lazy.js";
import { watchSelector } from "./protocol/args.js";
import { deserializeError, RealmTabsError, WatchError } from "./protocol/errors.js";
import type { ChangeEvent } from "./changeEvents.js";
import type { Operation, SessionApi, SessionMethod, WatchMessage, WatchRequest } from "./protocol/rpc.js";

/** Runs a call on the runtime (the `UserHost.call` of the app): `run` gets the remote method `op` names. */
export type RuntimeCall = <M extends SessionMethod, T>(
  op: Operation<M>,
  run: (method: Comlink.Remote<SessionApi>[M], appKey: string) => Promise<T>,
) => Promise<T>;

export type { ChangeEvent } from "./changeEvents.js";

let codec: FullCodec | null = null;

/**
 * The full codec (change events carry BSON values).
 * @throws {RealmTabsError} `network` or `timeout` if its code cannot be loaded in time
 */
async function loadCodec(): Promise<FullCodec> {
  codec ??= await loadFullCodec();
  return codec;
}

/** What to watch, or how to encode it once the full codec is loaded (its selectors hold BSON values). */
export type WatchRequestSource = WatchRequest | ((codec: FullCodec) => WatchRequest);

type Item<T> = { event: ChangeEvent<T> } | { error: unknown };

/** Options of {@link watchCollection}. */
export interface WatchOptions {
  /**
   * How often an open watch checks that the runtime still answers (a dead SharedWorker never
   * closes the port); a check that fails with `timeout` or `leader-changed` ends the iterator with a
   * retryable `watch-closed`. @default 30000
   */
  livenessMs?: number;
}

function lostRuntime(e: unknown): boolean {
  return e instanceof RealmTabsError && (e.code === "timeout" || e.code === "leader-changed" || e.code === "worker-unavailable");
}

/** The async generator `watch()` returns. It starts the watch on the first `next()`. */
class WatchIterator<T> implements AsyncGenerator<ChangeEvent<T>, undefined, unknown> {
  private readonly queue: Item<T>[] = [];
  private waiters: (() => void)[] = [];
  private port: MessagePort | null = null;
  private watchId: Promise<string | null> | null = null;
  private done = false;
  private liveness: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly call: RuntimeCall,
    private readonly userId: string,
    private readonly request: WatchRequestSource,
    private readonly livenessMs: number,
  ) {}

  private checkRuntime(): void {
    this.call({ method: "stats", about: "watch liveness" }, (stats) => stats()).catch((e: unknown) => {
      if (lostRuntime(e))
        this.push({
          error: new RealmTabsError("watch-closed", `the session runtime stopped answering (${(e as Error).message}); watch again`, {
            retryable: true,
            cause: e,
          }),
        });
    });
  }

  private start(): void {
    this.liveness = setInterval(() => this.checkRuntime(), this.livenessMs);
    (this.liveness as { unref?: () => void }).unref?.(); // Node: an open watch alone keeps no process up
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    port1.onmessage = (m: MessageEvent) => this.receive(m.data as WatchMessage);
    // change events carry BSON values (document ids): the full codec decodes them
    this.watchId = loadCodec()
      .then((full) => {
        const request = typeof this.request === "function" ? this.request(full) : this.request;
        return this.call({ method: "watch" }, (watch, appKey) => watch(appKey, this.userId, request, Comlink.transfer(port2, [port2])));
      })
      .catch((error: unknown) => {
        this.push({ error });
        return null;
      });
  }

  private receive(m: WatchMessage): void {
    if (m.type === "event") {
      try {
        this.push({ event: codec!.EJSON.parse(m.ejson, { relaxed: true }) as ChangeEvent<T> });
      } catch {
        this.push({ error: new WatchError("bad bson parse", "the runtime sent a change event that is not EJSON") });
      }
      return;
    }
    this.push({ error: deserializeError(m.error) });
  }

  private push(item: Item<T>): void {
    if (this.done) return;
    this.queue.push(item);
    this.wake();
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  async next(): Promise<IteratorResult<ChangeEvent<T>, undefined>> {
    if (!this.port && !this.done) this.start();
    while (!this.done) {
      const item = this.queue.shift();
      if (item && "event" in item) return { value: item.event, done: false };
      if (item) {
        this.stop();
        throw item.error;
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
      });
    }
    return { value: undefined, done: true };
  }

  private stop(): void {
    if (this.done) return;
    this.done = true;
    if (this.liveness !== null) clearInterval(this.liveness);
    this.port?.close();
    this.wake();
    const id = this.watchId;
    // fire and forget: the runtime also releases the watch when this tab dies
    void id?.then((w) => (w ? this.call({ method: "unwatch" }, (unwatch) => unwatch(w)) : undefined)).catch(() => undefined);
  }

  async return(): Promise<IteratorResult<ChangeEvent<T>, undefined>> {
    this.stop();
    return { value: undefined, done: true };
  }

  async throw(e: unknown): Promise<IteratorResult<ChangeEvent<T>, undefined>> {
    this.stop();
    throw e;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * Starts a watch (lazily, on the first `next()`).
 * @throws {RealmTabsError} `invalid-argument` (from `next()`) for bad arguments, `watch-closed` when the user logs out
 *   or (retryable) when the runtime stops answering
 * @throws {MongoDBRealmError} when the server refuses the stream
 * @throws {WatchError} when the server ends the stream with an error event
 */
export function watchCollection<T>(
  call: RuntimeCall,
  userId: string,
  request: WatchRequestSource,
  options: WatchOptions = {},
): AsyncGenerator<ChangeEvent<T>, undefined, unknown> {
  if (typeof request !== "function") watchSelector(request.idsEJSON, request.filterEJSON);
  const livenessMs = options.livenessMs ?? 30_000;
  if (!(livenessMs > 0)) throw new RealmTabsError("invalid-argument", "livenessMs must be positive", { retryable: false });
  return new WatchIterator<T>(call, userId, request, livenessMs);
}

// reaches every module the start and the runtime connection need too, so that they share
// their chunks (see laterShared.ts)
export * as sharedWithAttachment from "./attachment.js";
