/**
 * Entry of a query evaluation thread. It keeps replicas of the collections the main thread sends
 * it and evaluates whole MongoDB calls on them — for application users with their data access
 * rules, for system callers directly — and tests watch filters. It never writes: it returns what a
 * call would change and the main thread commits it. A query that runs too long or needs too much
 * memory ends this thread, not the server.
 * @packageDocumentation
 */
import { parentPort, type MessagePort } from "node:worker_threads";
import { ServerError } from "../contracts.js";
import { denyAllAccess, openAccess, type AccessSpec, type DataAccess, type UserCaller } from "../rules/access.js";
import { createRulesAccess } from "../rules/index.js";
import type { MethodName } from "./args.js";
import { checkResultDepth, normalize, storedBytes, toBytes, type Doc } from "./bsonValues.js";
import { dispatch } from "./dispatch.js";
import { mongoError, toServerError } from "./errors.js";
import {
  fromWire,
  pack,
  toWire,
  unpack,
  type EncodedResult,
  type EncodedWrites,
  type FromEval,
  type ResultLimits,
  type RunRequest,
  type ToEval,
} from "./evalProtocol.js";
import { Query } from "./mingoOptions.js";
import { ReplicaSet, type RecordingCollection } from "./replica.js";
import { capList } from "./resultCaps.js";

/** Methods whose result is a list of documents. */
const LIST_METHODS = new Set<MethodName>(["find", "aggregate"]);
/** The most compiled watch filters kept. */
const MAX_FILTERS = 10_000;

const replicas = new ReplicaSet();
const filters = new Map<number, Query>();
const pendingFunctions = new Map<number, { resolve(value: unknown): void; reject(err: ServerError): void }>();
let nextCallId = 1;
let access: DataAccess = denyAllAccess();

function buildAccess(spec: AccessSpec | undefined, port: MessagePort, currentJob: () => number): DataAccess {
  if (spec === undefined || spec.mode === "deny") return denyAllAccess();
  if (spec.mode === "open") return openAccess(spec.customUserData);
  const rules = createRulesAccess(spec.options);
  // `%function` runs on the main thread (functions have their own threads and limits there).
  rules.bindFunctions(
    (name, args) =>
      new Promise((resolve, reject) => {
        const callId = nextCallId++;
        pendingFunctions.set(callId, { resolve, reject });
        const msg: FromEval = { type: "callFunction", id: currentJob(), callId, name, args: pack(args) };
        port.postMessage(msg);
      }),
  );
  return rules;
}

/** A list result is capped (see `resultCaps.ts`), each document its own buffer. */
function encodeResult(method: MethodName, result: unknown, limits: ResultLimits): EncodedResult {
  checkResultDepth(result);
  if (!LIST_METHODS.has(method) || !Array.isArray(result)) return { value: pack(result) };
  return {
    list: capList(result as Doc[], limits, (doc) => {
      const bytes = toBytes(doc);
      return { bytes: bytes.byteLength, value: bytes };
    }),
  };
}

function encodeWrites(views: Map<string, RecordingCollection>): EncodedWrites | undefined {
  for (const view of views.values()) {
    if (view.recorded === null) continue;
    return {
      db: view.db,
      coll: view.name,
      id: view.replica.id,
      version: view.replica.version,
      mutations: view.recorded.map((m) => ({
        kind: m.kind,
        key: m.key,
        bytes: m.after === null ? null : storedBytes(m.after),
        ...(m.changedPaths === undefined ? {} : { changedPaths: m.changedPaths }),
      })),
    };
  }
  return undefined;
}

async function run(msg: RunRequest): Promise<FromEval> {
  try {
    for (const sync of msg.syncs) replicas.apply(sync);
    const registry = replicas.registry();
    const args = unpack(msg.args) as unknown[];
    const result =
      msg.caller === undefined
        ? dispatch(registry, msg.method, normalize(args))
        : await access.call(registry, msg.service, msg.method, args, unpack(msg.caller) as UserCaller);
    const encoded = encodeResult(msg.method, result, msg.limits);
    const writes = encodeWrites(registry.views);
    return { type: "done", id: msg.id, result: encoded, ...(writes === undefined ? {} : { writes }) };
  } catch (err) {
    return { type: "done", id: msg.id, error: toWire(errorOf(err)) };
  }
}

function match(msg: Extract<ToEval, { type: "match" }>): FromEval {
  try {
    let query = filters.get(msg.filterId);
    if (query === undefined) {
      query = new Query(unpack(msg.filter) as Doc);
      if (filters.size >= MAX_FILTERS) filters.delete(filters.keys().next().value as number);
      filters.set(msg.filterId, query);
    }
    const q = query;
    return { type: "matched", id: msg.id, matches: msg.events.map((e) => q.test(unpack(e) as Doc)) };
  } catch (err) {
    return { type: "matched", id: msg.id, error: toWire(errorOf(err)) };
  }
}

function errorOf(err: unknown): ServerError {
  // A RangeError here is a stack or size limit reached by a hostile query: the client's fault.
  if (err instanceof RangeError) return mongoError(`the query is too large to evaluate: ${err.message}`);
  return toServerError(err);
}

function start(): void {
  const port = parentPort;
  if (!port) throw new Error("evalWorker must run in a worker thread");
  let job = 0;
  port.on("message", (msg: ToEval) => {
    switch (msg.type) {
      case "init":
        access = buildAccess(msg.access, port, () => job);
        return;
      case "run":
        job = msg.id;
        void run(msg).then((reply) => port.postMessage(reply));
        return;
      case "match":
        port.postMessage(match(msg));
        return;
      case "functionResult": {
        const pending = pendingFunctions.get(msg.callId);
        pendingFunctions.delete(msg.callId);
        if (msg.error !== undefined) pending?.reject(fromWire(msg.error));
        else pending?.resolve(msg.value === undefined ? null : unpack(msg.value));
        return;
      }
      case "forgetFilter":
        filters.delete(msg.filterId);
        return;
    }
  });
  const ready: FromEval = { type: "ready" };
  port.postMessage(ready);
}

start();
