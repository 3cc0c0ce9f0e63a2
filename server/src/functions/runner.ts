/**
 * The in-process function runner: runs loaded App Services-style functions in a `node:vm` context
 * with a global `context`, under a time limit per call. The server runs it inside a worker thread
 * (see workerRunner.ts), which adds a hard stop for code the vm timeout cannot interrupt.
 * @packageDocumentation
 */
import { EJSON } from "bson";
import type vm from "node:vm";
import {
  ServerError,
  type Caller,
  type ContextUser,
  type EndpointOutcome,
  type EndpointRequest,
  type FunctionRunner,
  type MongoService,
  type RequestInfo,
} from "../contracts.js";
import { MAX_NESTING, nestedDeeperThan } from "../data/bsonValues.js";
import { endpointArguments } from "./endpointCall.js";
import { executionError, functionNotFound, isVmTimeout, messageOf, timeLimitExceeded } from "./errors.js";
import { CALL_SLOT, compileSpecs, loadFunctions, type FunctionSpec, type LoadedFunction } from "./loader.js";
import { appMetadata, type AppMetadata } from "./appMetadata.js";
import { createHttpClient, type FunctionHttpClient } from "./httpClient.js";
import type { FunctionDependencies } from "./dependencies.js";
import { executionCaller, type UserLookup } from "./runAs.js";
import { isolatedRealm, type FunctionRealm } from "./sandbox.js";
import { serviceClient, type FunctionServiceClient } from "./serviceClient.js";

/** Options of `createFunctionRunner` (workerRunner.ts) and {@link createInProcessRunner}. */
export interface FunctionRunnerOptions {
  /** Folder of function sources (`NAME.js` or `NAME/source.js`); undefined for none. */
  dir: string | undefined;
  /** Functions with their settings (an exported app's); when given, `dir` is not read. */
  functions?: FunctionSpec[] | undefined;
  /** `context.environment`; default `{tag: "", values: {}}`. */
  environment?: { tag: string; values: Record<string, unknown> } | undefined;
  /** Time limit of one top-level call, nested `context.functions.execute` calls included. */
  timeoutMs: number;
  /** `context.values.get(name)`. */
  values: Record<string, unknown>;
  /** The MongoDB service behind `context.services`. */
  mongo: MongoService;
  /** Heap limit of the worker thread in MiB (worker runner only); a call that exceeds it fails. */
  memoryLimitMb?: number;
  /** `context.app`; default: the metadata of an app whose id is `""`. */
  app?: AppMetadata;
  /** Where functions run (in-process runner only): a `node:vm` context of their own by default. */
  realm?: FunctionRealm;
  /** The app's function dependencies (`functions/package.json`), which `require` loads. */
  dependencies?: FunctionDependencies | undefined;
  /** Looks up the user a function with `run_as_user_id` (or its script) runs as. */
  users?: UserLookup | undefined;
}

/** The global `context` of a function call. */
export interface FunctionContext {
  /**
   * The user who called, also when the function runs as system; the user its settings choose
   * (`run_as_user_id` or its script); the system user
   * (`{id: "", type: "system", data: {}, custom_data: {}, identities: []}`) when the server itself called.
   */
  user: ContextUser;
  /** The client of a configured service, or undefined for an unknown name. */
  services: { get(name: string): FunctionServiceClient | undefined };
  functions: { execute(name: string, ...args: unknown[]): Promise<unknown> };
  values: { get(name: string): unknown };
  environment: { tag: string; values: Record<string, unknown> };
  /** True when the function runs as the system user (no data access rules apply). */
  runningAsSystem(): boolean;
  /** The HTTP request of the client's call that led here (a copy), or undefined when the server itself called. */
  request: RequestInfo | undefined;
  /** An HTTP client (`get`, `post`, …); its requests end at the call's time limit. */
  http: FunctionHttpClient;
  /** The app's metadata (a copy). */
  app: AppMetadata;
}

/** Runs functions in this thread. The server uses `createFunctionRunner` (a worker thread) instead. */
export class InProcessRunner implements FunctionRunner {
  private readonly realm: FunctionRealm;
  private readonly app: AppMetadata;

  /**
   * @param functions - the loaded functions
   * @param opts - time limit, values and MongoDB service (`dir` is ignored)
   */
  constructor(
    private readonly functions: Map<string, LoadedFunction>,
    private readonly opts: FunctionRunnerOptions,
  ) {
    this.realm = opts.realm ?? isolatedRealm(opts.dependencies);
    this.app = opts.app ?? appMetadata("", undefined, new Date(0));
  }

  has(name: string): boolean {
    return this.functions.has(name);
  }

  async call(name: string, args: unknown[], caller: Caller): Promise<unknown> {
    if (!Array.isArray(args)) throw executionError("arguments must be an array");
    const result = await this.run(name, args, caller, Date.now() + this.opts.timeoutMs);
    return checkResult(name, result);
  }

  async callEndpoint(name: string, request: EndpointRequest, caller: Caller): Promise<EndpointOutcome> {
    const { request: req, response } = endpointArguments(request);
    const result = await this.run(name, [req, response], caller, Date.now() + this.opts.timeoutMs);
    return { value: checkResult(name, result), response: response.state() };
  }

  async close(): Promise<void> {
    // In-process runner: no worker threads to stop.
  }

  private context(caller: Caller, deadline: number): FunctionContext {
    const environment = this.opts.environment ?? { tag: "", values: {} };
    return {
      user: caller.user ?? systemUser(),
      // its data calls carry the call's deadline: one still waiting then is refused, not run later
      services: { get: (service) => serviceClient(this.opts.mongo, service, { ...caller, deadline }) },
      functions: { execute: (fn, ...args) => this.run(fn, args, caller, deadline) },
      values: { get: (key) => this.opts.values[key] },
      environment: { tag: environment.tag, values: { ...environment.values } },
      runningAsSystem: () => caller.user === undefined || caller.runAsSystem === true,
      request: caller.request === undefined ? undefined : structuredClone(caller.request),
      http: createHttpClient(deadline),
      app: structuredClone(this.app),
    };
  }

  /** Runs one function (top-level or nested) before the shared deadline. */
  private run(name: string, args: unknown[], caller: Caller, deadline: number): Promise<unknown> {
    const fn = this.functions.get(name);
    if (!fn) return Promise.reject(functionNotFound(name));
    const script = fn.script;
    if (!script) return Promise.reject(executionError(fn.error));
    // A system function, and whatever it calls, runs as system; context.user stays the caller.
    if (fn.runAsSystem === true) return this.invoke(name, script, args, { ...caller, runAsSystem: true }, deadline);
    if (fn.runAsUserId === undefined && fn.runAsScript === undefined) return this.invoke(name, script, args, caller, deadline);
    const chosen = executionCaller(fn, caller, {
      users: this.opts.users,
      runScript: (runAsScript) => this.invoke(name, runAsScript, [], caller, deadline),
    });
    return withDeadline(chosen, deadline - Date.now(), () => timeLimitExceeded(name, this.opts.timeoutMs)).then((runAs) =>
      this.invoke(name, script, args, runAs, deadline),
    );
  }

  /** Runs a compiled script with a call's `context` and arguments, before the deadline. */
  private invoke(name: string, script: vm.Script, args: unknown[], caller: Caller, deadline: number): Promise<unknown> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.reject(timeLimitExceeded(name, this.opts.timeoutMs));
    let value: unknown;
    try {
      this.realm.global[CALL_SLOT] = { context: this.context(caller, deadline), args };
      value = this.realm.run(script, remaining);
    } catch (err) {
      return Promise.reject(toCallError(name, err, this.opts.timeoutMs));
    } finally {
      this.realm.global[CALL_SLOT] = undefined;
    }
    return withDeadline(Promise.resolve(value), deadline - Date.now(), () => timeLimitExceeded(name, this.opts.timeoutMs)).catch(
      (err: unknown) => Promise.reject(toCallError(name, err, this.opts.timeoutMs)),
    );
  }
}

/** The system user, as `context.user` of a call the server made itself (App Services: no id, no data). */
function systemUser(): ContextUser {
  return { id: "", type: "system", data: {}, custom_data: {}, identities: [] };
}

function toCallError(name: string, err: unknown, timeoutMs: number): ServerError {
  if (err instanceof ServerError) return err;
  if (isVmTimeout(err)) return timeLimitExceeded(name, timeoutMs);
  return executionError(messageOf(err));
}

function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(0, ms));
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function checkResult(name: string, result: unknown): unknown {
  if (result === undefined) return null;
  try {
    // a value nested thousands of levels deep would overflow the stack of whoever writes it out
    if (nestedDeeperThan(result, MAX_RESULT_NESTING)) throw new Error(`it is nested deeper than ${MAX_RESULT_NESTING} levels`);
    EJSON.serialize({ result }, { relaxed: false });
  } catch (err) {
    throw executionError(`${name}: the result cannot be sent as EJSON: ${messageOf(err)}`);
  }
  return result;
}

/**
 * The most levels of nesting a function's result may have: twice a stored document's (a result may
 * wrap documents of MongoDB's 100 levels), and far below what would overflow the stack of whoever
 * writes it out.
 */
const MAX_RESULT_NESTING = 2 * MAX_NESTING;

/**
 * Loads the functions of `dir` and returns a runner for them that runs in this thread: synchronous
 * code is stopped at the limit, but a synchronous loop after an `await` is not.
 * @param opts - folder, time limit, values, MongoDB service
 * @returns the runner; calls reject with `FunctionNotFound` (404), `FunctionExecutionError` (400,
 * also for a source that did not compile) or `ExecutionTimeLimitExceeded` (400)
 * @throws Error if `dir` exists but cannot be read
 */
export async function createInProcessRunner(opts: FunctionRunnerOptions): Promise<FunctionRunner> {
  return new InProcessRunner(opts.functions ? compileSpecs(opts.functions) : await loadFunctions(opts.dir), opts);
}
