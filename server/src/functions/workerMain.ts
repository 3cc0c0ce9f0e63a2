/**
 * Entry of the function runner's worker thread: runs the functions with {@link InProcessRunner},
 * forwarding `context.services` calls to the main thread's MongoDB service.
 * @packageDocumentation
 */
import { parentPort, workerData } from "node:worker_threads";
import {
  ServerError,
  type Caller,
  type ChangeEvent,
  type ContextUser,
  type EndpointRequest,
  type MongoService,
  type WatchArgs,
} from "../contracts.js";
import { compileSpecs } from "./loader.js";
import { InProcessRunner } from "./runner.js";
import { threadRealm } from "./sandbox.js";
import {
  endpointRequestFromWire,
  fromWire,
  NAMESPACES,
  TRANSACTION,
  pack,
  USER_LOOKUP,
  toWire,
  unpack,
  type FromWorker,
  type ToWorker,
  type WorkerInit,
} from "./workerProtocol.js";

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
}

/** The main thread's MongoDB service, reached by messages. */
class RemoteMongo implements MongoService {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /**
   * @param post - sends a message to the main thread
   * @param services - configured service names, or null if unknown (then any name is tried)
   * @param deadlineMs - a reply later than this is abandoned (a call cannot outlive its function)
   */
  constructor(
    private readonly post: (msg: FromWorker) => void,
    private readonly services: Set<string> | null,
    private readonly deadlineMs: number,
  ) {}

  hasService(service: string): boolean {
    return this.services ? this.services.has(service) : true;
  }

  call(service: string, name: string, args: unknown[], caller: Caller): Promise<unknown> {
    let payload: Uint8Array;
    try {
      payload = pack({ args, caller });
    } catch (err) {
      return Promise.reject(new ServerError(400, "InvalidParameter", `arguments are not representable in BSON: ${(err as Error).message}`));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new ServerError(400, "ExecutionTimeLimitExceeded", `no reply from the MongoDB service for ${name} in ${this.deadlineMs} ms`),
        );
      }, this.deadlineMs);
      this.pending.set(id, { resolve, reject, timer });
      this.post({ type: "mongo", id, service, name, payload });
    });
  }

  watch(_service: string, _args: WatchArgs, _onEvent: (event: ChangeEvent) => void): () => void {
    throw new ServerError(400, "FunctionExecutionError", "watch is not available inside functions");
  }

  /** Asks the main thread's service (a message of its own: no client method has that name). */
  async namespaces(service: string): Promise<{ database: string; collection: string }[]> {
    return (await this.call(service, NAMESPACES, [], {})) as { database: string; collection: string }[];
  }

  /** Commits or aborts a session's transaction (a message of its own: no client method has that name). */
  async transaction(op: "commit" | "abort", transaction: string): Promise<void> {
    await this.call("", TRANSACTION, [op, transaction], {});
  }

  /** Looks up a user for `run_as_user_id` (a message of its own: no client method has that name). */
  async user(userId: string): Promise<ContextUser> {
    return (await this.call("", USER_LOOKUP, [userId], {})) as ContextUser;
  }

  async findOne(
    service: string,
    database: string,
    collection: string,
    filter: Record<string, unknown>,
  ): Promise<Record<string, unknown> | null> {
    return (await this.call(service, "findOne", [{ database, collection, query: filter }], {})) as Record<string, unknown> | null;
  }

  settle(msg: Extract<ToWorker, { type: "mongoReply" }>): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.error) p.reject(fromWire(msg.error));
    else p.resolve(unpack(msg.payload));
  }
}

function start(): void {
  const port = parentPort;
  if (!port) throw new Error("workerMain must run in a worker thread");
  const init = workerData as WorkerInit;
  const post = (msg: FromWorker): void => port.postMessage(msg);
  const mongo = new RemoteMongo(post, init.serviceNames.length > 0 ? new Set(init.serviceNames) : null, init.timeoutMs);
  const functions = compileSpecs(init.sources);
  const values = (unpack(init.values) ?? {}) as Record<string, unknown>;
  const environment = (unpack(init.environment) ?? { tag: "", values: {} }) as { tag: string; values: Record<string, unknown> };
  const runner = new InProcessRunner(functions, {
    dir: undefined,
    timeoutMs: init.timeoutMs,
    values,
    environment,
    mongo,
    realm: threadRealm(init.dependencies),
    users: (userId) => mongo.user(userId),
    ...(init.app === undefined ? {} : { app: init.app }),
  });

  const runCall = async (msg: Extract<ToWorker, { type: "call" }>): Promise<void> => {
    try {
      const { args, caller, endpoint } = unpack(msg.payload) as { args: unknown[]; caller: Caller; endpoint?: EndpointRequest };
      const result =
        endpoint === undefined || endpoint === null
          ? await runner.call(msg.name, args, caller ?? {})
          : await runner.callEndpoint(msg.name, endpointRequestFromWire(endpoint), caller ?? {});
      post({ type: "result", id: msg.id, payload: pack(result) });
    } catch (err) {
      const error = err instanceof ServerError ? err : new ServerError(400, "FunctionExecutionError", (err as Error).message);
      post({ type: "result", id: msg.id, error: toWire(error) });
    }
  };

  port.on("message", (msg: ToWorker) => {
    if (msg.type === "call") void runCall(msg);
    else if (msg.type === "mongoReply") mongo.settle(msg);
    else if (msg.type === "ping") post({ type: "pong", id: msg.id });
  });
  post({ type: "ready" });
}

start();
