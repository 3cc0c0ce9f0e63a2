/**
 * The function runner as the server uses it: functions run in a worker thread, so that a function
 * stuck in a synchronous loop (even after an `await`, which the vm timeout cannot stop) is ended by
 * terminating the worker; a new worker is started for the next call.
 * @packageDocumentation
 */
import { Worker } from "node:worker_threads";
import {
  ServerError,
  type Caller,
  type EndpointOutcome,
  type EndpointRequest,
  type FunctionRunner,
  type MongoService,
} from "../contracts.js";
import { executionError, functionNotFound, timeLimitExceeded } from "./errors.js";
import { loadFunctions } from "./loader.js";
import { answerMainThreadCall } from "./mainThreadCalls.js";
import type { UserLookup } from "./runAs.js";
import type { FunctionRunnerOptions } from "./runner.js";
import { endpointOutcomeFromWire, fromWire, pack, unpack, type FromWorker, type ToWorker, type WorkerInit } from "./workerProtocol.js";
import { threadBootstrap } from "../threadEntry.js";

/** How long a worker may take to start (it compiles TypeScript through tsx when run from source). */
const START_TIMEOUT_MS = 30_000;
/** Extra time the worker gets to report its own time-limit error before the main thread steps in. */
const GRACE_MS = 50;
/** How long a worker has to answer a ping before it is considered stuck and terminated. */
const PING_TIMEOUT_MS = 250;

/** Knobs for tests; read each time a worker thread starts. */
export interface WorkerTuning {
  /** How long a worker may take to start. @default 30000 */
  startTimeoutMs?: number;
}

interface PendingCall {
  /** Receives the result's packed bytes (each caller unpacks them its way). */
  resolve: (payload: Uint8Array | undefined) => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
}

/** One worker thread and the calls it is running. */
class WorkerHandle {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  readonly calls = new Map<number, PendingCall>();
  private readonly pongs = new Map<number, () => void>();
  dead = false;
  /** Set while a liveness check runs after a missed deadline; new calls wait for it. */
  checking: Promise<void> | undefined;

  constructor(
    init: WorkerInit,
    private readonly mongo: MongoService,
    private readonly users: UserLookup | undefined,
    onDeath: (h: WorkerHandle) => void,
    startTimeoutMs = START_TIMEOUT_MS,
    memoryLimitMb?: number,
  ) {
    // A heap limit turns a function's heap bomb into an out-of-memory error of this thread alone.
    const resourceLimits =
      memoryLimitMb === undefined
        ? undefined
        : { maxOldGenerationSizeMb: memoryLimitMb, maxYoungGenerationSizeMb: Math.min(32, Math.max(4, Math.floor(memoryLimitMb / 8))) };
    this.worker = new Worker(threadBootstrap(import.meta.url, "workerMain"), {
      eval: true,
      workerData: init,
      ...(resourceLimits === undefined ? {} : { resourceLimits }),
    });
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("function worker did not start in time")), startTimeoutMs);
      this.worker.once("message", (msg: FromWorker) => {
        clearTimeout(timer);
        if (msg.type === "ready") resolve();
        else reject(new Error(`function worker sent ${msg.type} before ready`));
      });
      this.worker.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    // a worker that never got ready is ended, so the next call starts a fresh thread
    this.ready.catch((err: unknown) =>
      this.die(executionError(`function worker did not start: ${(err as Error)?.message ?? String(err)}`), onDeath),
    );
    this.worker.on("message", (msg: FromWorker) => this.onMessage(msg));
    this.worker.on("error", (err) => this.die(executionError(`function worker failed: ${err.message}`), onDeath));
    this.worker.on("exit", () => this.die(executionError("function worker exited"), onDeath));
  }

  post(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  /** Resolves true if the worker answers a ping in time (its event loop is not blocked). */
  alive(id: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pongs.delete(id);
        resolve(false);
      }, PING_TIMEOUT_MS);
      this.pongs.set(id, () => {
        clearTimeout(timer);
        resolve(true);
      });
      this.post({ type: "ping", id });
    });
  }

  die(reason: ServerError, onDeath: (h: WorkerHandle) => void): void {
    if (this.dead) return;
    this.dead = true;
    for (const call of this.calls.values()) {
      clearTimeout(call.timer);
      call.reject(reason);
    }
    this.calls.clear();
    void this.worker.terminate();
    onDeath(this);
  }

  private onMessage(msg: FromWorker): void {
    if (msg.type === "result") {
      const call = this.calls.get(msg.id);
      if (!call) return;
      this.calls.delete(msg.id);
      clearTimeout(call.timer);
      if (msg.error) call.reject(fromWire(msg.error));
      else call.resolve(msg.payload);
    } else if (msg.type === "mongo") {
      void this.forwardMongo(msg);
    } else if (msg.type === "pong") {
      this.pongs.get(msg.id)?.();
      this.pongs.delete(msg.id);
    }
  }

  private async forwardMongo(msg: Extract<FromWorker, { type: "mongo" }>): Promise<void> {
    const reply = await answerMainThreadCall(msg, this.mongo, this.users);
    if (!this.dead) this.post(reply);
  }
}

class WorkerRunner implements FunctionRunner {
  private current: WorkerHandle | undefined;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly names: Set<string>,
    private readonly init: WorkerInit,
    private readonly opts: FunctionRunnerOptions,
    private readonly tuning: WorkerTuning = {},
  ) {}

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** The running worker, starting one if needed (after any liveness check of the current one). */
  async worker(): Promise<WorkerHandle> {
    if (this.closed) throw new ServerError(503, "ServiceUnavailable", "the function runner is closed");
    await this.current?.checking;
    if (this.closed) throw new ServerError(503, "ServiceUnavailable", "the function runner is closed");
    if (!this.current || this.current.dead) {
      this.current = new WorkerHandle(
        this.init,
        this.opts.mongo,
        this.opts.users,
        (h) => {
          if (this.current === h) this.current = undefined;
        },
        this.tuning.startTimeoutMs,
        this.opts.memoryLimitMb,
      );
    }
    const handle = this.current;
    await handle.ready;
    return handle;
  }

  async call(name: string, args: unknown[], caller: Caller): Promise<unknown> {
    if (!this.names.has(name)) throw functionNotFound(name);
    if (!Array.isArray(args)) throw executionError("arguments must be an array");
    let payload: Uint8Array;
    try {
      payload = pack({ args, caller });
    } catch (err) {
      throw executionError(`arguments are not representable in BSON: ${(err as Error).message}`);
    }
    return unpack(await this.send(name, payload));
  }

  async callEndpoint(name: string, request: EndpointRequest, caller: Caller): Promise<EndpointOutcome> {
    if (!this.names.has(name)) throw functionNotFound(name);
    let payload: Uint8Array;
    try {
      payload = pack({ args: [], caller, endpoint: request });
    } catch (err) {
      throw executionError(`the request is not representable in BSON: ${(err as Error).message}`);
    }
    // Int32, Double and Long stay as such: the answer is written in the types the function returned
    return endpointOutcomeFromWire(unpack(await this.send(name, payload), { promoteValues: false }) as EndpointOutcome);
  }

  /** Runs a packed call on the worker, under the time limit; resolves with the packed result. */
  private async send(name: string, payload: Uint8Array): Promise<Uint8Array | undefined> {
    const handle = await this.worker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.overtime(handle, id, name), this.opts.timeoutMs + GRACE_MS);
      handle.calls.set(id, { resolve, reject, timer });
      handle.post({ type: "call", id, name, payload });
    });
  }

  /** The worker missed a call's deadline: fail the call, and end the worker if it is stuck. */
  private overtime(handle: WorkerHandle, id: number, name: string): void {
    const call = handle.calls.get(id);
    if (!call) return;
    handle.calls.delete(id);
    call.reject(timeLimitExceeded(name, this.opts.timeoutMs));
    if (handle.checking) return;
    handle.checking = handle.alive(this.nextId++).then((alive) => {
      handle.checking = undefined;
      if (!alive) handle.die(timeLimitExceeded(name, this.opts.timeoutMs), () => this.forget(handle));
    });
  }

  private forget(handle: WorkerHandle): void {
    if (this.current === handle) this.current = undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    const handle = this.current;
    this.current = undefined;
    if (handle) {
      handle.die(new ServerError(503, "ServiceUnavailable", "the function runner is closed"), () => undefined);
      await handle.worker.terminate();
    }
  }
}

/**
 * Loads the functions of `dir` and starts the worker thread that runs them.
 * @param opts - folder, time limit per call, `context.values`, MongoDB service
 * @returns the runner; calls reject with `FunctionNotFound` (404), `FunctionExecutionError` (400,
 * also for a source that did not compile) or `ExecutionTimeLimitExceeded` (400)
 * A worker that does not start in time is ended; the next call starts a fresh one.
 * @param tuning - test knobs (the start deadline), read each time a worker starts
 * @throws Error if `dir` exists but cannot be read, or if the worker does not start within 30 s
 */
export async function createFunctionRunner(opts: FunctionRunnerOptions, tuning: WorkerTuning = {}): Promise<FunctionRunner> {
  const sources = opts.functions ?? [...(await loadFunctions(opts.dir)).values()].map(({ name, file, source }) => ({ name, file, source }));
  const serviceNames = opts.mongo.serviceNames?.() ?? [];
  const init: WorkerInit = {
    sources,
    timeoutMs: opts.timeoutMs,
    values: pack(opts.values),
    environment: pack(opts.environment ?? { tag: "", values: {} }),
    serviceNames,
    app: opts.app,
    dependencies: opts.dependencies,
  };
  const runner = new WorkerRunner(new Set(sources.map((s) => s.name)), init, opts, tuning);
  await runner.worker();
  return runner;
}
