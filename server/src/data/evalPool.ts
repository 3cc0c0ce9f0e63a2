/**
 * The query evaluation threads of one MongoDB service. Each job (a method call or a watch-filter
 * test) runs alone on one thread under a time limit; a thread that misses it, or runs out of its
 * heap, is terminated and its job fails with a 400 `MongoDBError` while the other threads keep
 * serving. Threads start on the first job (a server that is never queried starts none); from then
 * on at least two are kept started and one spare beyond the busy ones, so the next job never waits
 * for a start; idle threads beyond two are ended, and `close()` ends them all.
 * @packageDocumentation
 */
import { Worker } from "node:worker_threads";
import { ServerError } from "../contracts.js";
import type { AccessSpec } from "../rules/access.js";
import { mongoError } from "./errors.js";
import { pack, toWire, unpack, type FromEval, type ToEval } from "./evalProtocol.js";
import { threadBootstrap } from "../threadEntry.js";

/** A unit of work. `build` is called when a thread takes it, so it can send what that thread lacks. */
export interface EvalJob {
  /** Builds the message for a thread (its replicas' versions are in `thread.synced`). */
  build(thread: EvalThread, id: number): ToEval;
  timeoutMs: number;
  resolve(reply: FromEval): void;
  reject(err: ServerError): void;
  /** Runs a function a rule expression of the job calls (`%function`). */
  callFunction?(name: string, args: unknown[]): Promise<unknown>;
}

/** What a job knows of the thread it runs on. */
export interface EvalThread {
  /**
   * Namespace (`db\0coll`) → the collection (its id: a collection reset away or reloaded after a
   * transaction's abort has another) and the version this thread's replica has of it.
   */
  readonly synced: Map<string, { id: number; version: number }>;
}

/** Options of {@link EvalPool}. */
export interface EvalPoolOptions {
  /** Heap limit of each thread, in MiB. */
  memoryMb: number;
  /** The most threads at once. */
  maxThreads: number;
  /** The access policy the threads evaluate application users' calls under. */
  access: AccessSpec | undefined;
}

/** How long a thread may take to start (TypeScript sources compile through tsx in tests). */
const START_TIMEOUT_MS = 60_000;
/** An idle thread beyond the warm ones is ended after this long. */
const IDLE_MS = 30_000;
/** Threads kept started once the pool is in use. */
const WARM_THREADS = 2;

class Slot implements EvalThread {
  readonly worker: Worker;
  readonly synced = new Map<string, { id: number; version: number }>();
  ready = false;
  dead = false;
  job: { id: number; job: EvalJob; timer: NodeJS.Timeout } | undefined;
  idleSince = Date.now();

  constructor(memoryMb: number) {
    const young = Math.min(32, Math.max(4, Math.floor(memoryMb / 8)));
    this.worker = new Worker(threadBootstrap(import.meta.url, "evalWorker"), {
      eval: true,
      resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: young },
    });
    this.worker.unref();
  }
}

/** Evaluation threads of one service. */
export class EvalPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: EvalJob[] = [];
  private readonly exits = new Set<Promise<number>>();
  private nextId = 1;
  private reaper: NodeJS.Timeout | undefined;
  private startFailure: ServerError | undefined;
  private closed = false;

  /** @param opts - heap limit, thread count and access policy */
  constructor(private readonly opts: EvalPoolOptions) {}

  /**
   * Queues a job.
   * @param job - the job; rejected with 503 `ServiceUnavailable` once the pool is closed
   */
  submit(job: EvalJob): void {
    if (this.closed) return job.reject(new ServerError(503, "ServiceUnavailable", "the MongoDB service is closed"));
    // After a failed start, each new job tries once more.
    this.startFailure = undefined;
    this.queue.push(job);
    this.pump();
  }

  /**
   * Sends a message to every live thread (e.g. to forget a watch filter).
   * @param msg - the message
   */
  broadcast(msg: ToEval): void {
    for (const slot of this.slots) if (!slot.dead) slot.worker.postMessage(msg);
  }

  /** Threads alive now (for tests and stats). */
  get threads(): number {
    return this.slots.size;
  }

  /** Fails queued and running jobs with 503 and ends every thread; resolves once they have exited. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.reaper !== undefined) clearInterval(this.reaper);
    const error = new ServerError(503, "ServiceUnavailable", "the MongoDB service is closed");
    for (const job of this.queue.splice(0)) job.reject(error);
    for (const slot of [...this.slots]) this.fail(slot, error);
    await Promise.all([...this.exits]);
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const idle = [...this.slots].find((s) => s.ready && !s.dead && s.job === undefined);
      if (idle === undefined) break;
      this.dispatch(idle, this.queue.shift() as EvalJob);
    }
    if (this.closed || this.startFailure !== undefined) return;
    // Once in use, keep one thread spare (idle or starting) beyond the busy ones and the queue, and
    // at least two, so a job that occupies a thread for long (or a thread ended by its limits)
    // never makes the next job wait for a thread to start.
    const busy = [...this.slots].filter((s) => s.job !== undefined).length;
    const target = Math.min(this.opts.maxThreads, Math.max(WARM_THREADS, busy + this.queue.length + 1));
    while (this.slots.size < target) this.spawn();
  }

  private dispatch(slot: Slot, job: EvalJob): void {
    const id = this.nextId++;
    let msg: ToEval;
    try {
      msg = job.build(slot, id);
    } catch (err) {
      job.reject(err instanceof ServerError ? err : new ServerError(500, "InternalServerError", (err as Error).message));
      return;
    }
    const timer = setTimeout(() => {
      this.kill(slot);
      job.reject(mongoError(`operation exceeded time limit: the query ran longer than the limit of ${job.timeoutMs} ms`));
      this.pump();
    }, job.timeoutMs);
    slot.job = { id, job, timer };
    slot.worker.postMessage(msg);
  }

  private spawn(): void {
    const slot = new Slot(this.opts.memoryMb);
    this.slots.add(slot);
    this.reaper ??= setInterval(() => this.reapIdle(), IDLE_MS).unref();
    const exited = new Promise<number>((resolve) => slot.worker.once("exit", resolve));
    this.exits.add(exited);
    void exited.then(() => this.exits.delete(exited));
    const init: ToEval = { type: "init", access: this.opts.access };
    slot.worker.postMessage(init);
    const startTimer = setTimeout(
      () => this.fail(slot, new ServerError(503, "ServiceUnavailable", "a query thread did not start in time")),
      START_TIMEOUT_MS,
    );
    startTimer.unref();
    slot.worker.on("message", (msg: FromEval) => {
      if (msg.type === "ready") {
        clearTimeout(startTimer);
        slot.ready = true;
        this.pump();
        return;
      }
      const current = slot.job;
      if (current === undefined || current.id !== msg.id) return;
      if (msg.type === "callFunction") {
        this.callFunction(slot, current.job, msg.callId, msg.name, msg.args);
        return;
      }
      clearTimeout(current.timer);
      slot.job = undefined;
      slot.idleSince = Date.now();
      current.job.resolve(msg);
      this.pump();
    });
    slot.worker.on("error", (err: Error & { code?: string }) => {
      clearTimeout(startTimer);
      const error =
        err.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? mongoError(`the query exceeded the memory limit of ${this.opts.memoryMb} MiB`)
          : new ServerError(500, "InternalServerError", `query thread failed: ${err.message}`);
      this.fail(slot, error);
    });
    slot.worker.on("exit", () => {
      clearTimeout(startTimer);
      this.fail(slot, new ServerError(500, "InternalServerError", "query thread exited"));
    });
  }

  private callFunction(slot: Slot, job: EvalJob, callId: number, name: string, args: Uint8Array): void {
    const reply = (msg: ToEval): void => {
      if (!slot.dead && slot.job?.job === job) slot.worker.postMessage(msg);
    };
    const result =
      job.callFunction === undefined
        ? Promise.reject(new ServerError(500, "InternalServerError", "functions are not available here"))
        : Promise.resolve().then(() => job.callFunction?.(name, unpack(args) as unknown[]));
    result.then(
      (value) => reply({ type: "functionResult", callId, value: pack(value) }),
      (err: unknown) =>
        reply({
          type: "functionResult",
          callId,
          error: toWire(err instanceof ServerError ? err : new ServerError(500, "InternalServerError", String(err))),
        }),
    );
  }

  /** Ends a thread and fails its job (if any) with `error`; queued jobs go to other threads. */
  private fail(slot: Slot, error: ServerError): void {
    if (slot.dead) return;
    const current = slot.job;
    this.kill(slot);
    if (current !== undefined) {
      clearTimeout(current.timer);
      current.job.reject(error);
    }
    if (!slot.ready && !this.closed) {
      // A thread that cannot start would fail again: fail what waits rather than restart in a loop.
      this.startFailure = error;
      for (const job of this.queue.splice(0)) job.reject(error);
      return;
    }
    this.pump();
  }

  private kill(slot: Slot): void {
    slot.dead = true;
    slot.job = undefined;
    this.slots.delete(slot);
    void slot.worker.terminate();
  }

  private reapIdle(): void {
    const now = Date.now();
    const idle = [...this.slots].filter((s) => s.ready && s.job === undefined && now - s.idleSince > IDLE_MS);
    for (const slot of idle.slice(0, Math.max(0, this.slots.size - WARM_THREADS))) this.kill(slot);
  }
}
