/**
 * The `user.functions` proxy and the EJSON codec of function arguments and results.
 * Arguments go out as canonical EJSON (as realm-web sends them); results come back relaxed, so
 * numbers are numbers and ObjectId, Date, Decimal128 keep their classes.
 * @packageDocumentation
 */
import { EJSON } from "bson";
import { RealmTabsError } from "./protocol/errors.js";
import { isForeignBson, localBson } from "./compat/bson.js";

/** Calls a remote function by name with already-decoded arguments. */
export type CallFunction = (name: string, ...args: unknown[]) => Promise<unknown>;

/**
 * The two names of `user.functions` that are not remote functions, as in realm-web:
 * `callFunction(name, ...args)` calls the function `name`; `callFunctionStreaming` is not supported.
 */
export interface BaseFunctionsFactory {
  /**
   * Calls the function `name` (so a remote function called "callFunction" needs `user.callFunction("callFunction")`).
   * @throws {RealmTabsError} `invalid-argument`, `timeout` @throws {MongoDBRealmError} from the server
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- realm-web's result type: usable without a cast
  callFunction(name: string, ...args: unknown[]): Promise<any>;
  /**
   * realm-web's streamed function call. Rejects: the session runtime does not stream function results.
   * @throws {RealmTabsError} `not-supported` (as the rejection)
   */
  callFunctionStreaming(name: string, ...args: unknown[]): Promise<AsyncIterable<Uint8Array>>;
}

/**
 * The default type of `user.functions`: any name is a bound function returning a promise of a
 * result typed `any`, as in realm-web (so `const n: number = await user.functions.sum(1, 2)` compiles).
 */
export interface DefaultFunctionsFactory extends BaseFunctionsFactory {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- realm-web's result type: usable without a cast
  [name: string]: (...args: any[]) => Promise<any>;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Copies `value`, dropping `undefined` values in plain objects at any depth (as realm-js v12 does)
 * and rebuilding BSON values of other bson copies or versions as this copy's (see compat/bson.ts).
 * @throws {RealmTabsError} `invalid-argument` for a BSON value of an unknown bson version
 */
export function dropUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropUndefined);
  if (isForeignBson(value)) return localBson(value);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = dropUndefined(v);
  }
  return out;
}

/**
 * Encodes function arguments as canonical EJSON, without mutating the caller's objects.
 * @throws {RealmTabsError} `invalid-argument` if an argument cannot be encoded (a function, a cycle, …)
 */
export function encodeArgs(args: unknown[]): string {
  try {
    return EJSON.stringify(args.map(dropUndefined), { relaxed: false });
  } catch (cause) {
    throw new RealmTabsError("invalid-argument", `function arguments cannot be encoded as EJSON: ${String(cause)}`, {
      cause,
      retryable: false,
    });
  }
}

/**
 * Decodes a function result (relaxed EJSON: numbers become `number`, BSON types keep their class).
 * @throws {RealmTabsError} `internal` if the runtime sent something that is not EJSON
 */
export function decodeResult(resultEJSON: string): unknown {
  try {
    return EJSON.parse(resultEJSON, { relaxed: true });
  } catch (cause) {
    throw new RealmTabsError("internal", "the session runtime returned a result that is not EJSON", { cause, retryable: false });
  }
}

const notProxied = new Set<string>(["then", "inspect", ...Object.getOwnPropertyNames(Object.prototype)]);

/** `callFunctionStreaming`: not supported by the session runtime. */
async function streamingNotSupported(): Promise<AsyncIterable<Uint8Array>> {
  throw new RealmTabsError("not-supported", "callFunctionStreaming is not supported by realm-tabs: call the function with callFunction", {
    retryable: false,
  });
}

/**
 * Builds the `functions` object: `functions.sum(1, 2)` calls `call("sum", 1, 2)`,
 * `functions.callFunction("sum", 1, 2)` does the same (reserved name), and every
 * property is a bound function, so `const f = functions.f; await f(1)` works too. `then`,
 * `inspect`, symbol keys and `Object.prototype` names are not proxied (so the object is not
 * mistaken for a thenable and prints normally).
 */
export function createFunctionsProxy<F extends object = DefaultFunctionsFactory>(call: CallFunction): F {
  const cache = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  const target = Object.create(null) as Record<string, unknown>;
  const handler: ProxyHandler<Record<string, unknown>> = {
    get(_target, key) {
      if (typeof key !== "string" || notProxied.has(key)) return undefined;
      let fn = cache.get(key);
      if (!fn) {
        if (key === "callFunction") fn = (name: unknown, ...args: unknown[]) => call(name as string, ...args);
        else if (key === "callFunctionStreaming") fn = streamingNotSupported;
        else fn = (...args: unknown[]) => call(key, ...args);
        cache.set(key, fn);
      }
      return fn;
    },
    has: (_target, key) => typeof key === "string" && !notProxied.has(key),
    set: () => false,
    deleteProperty: () => false,
  };
  return new Proxy(target, handler) as F;
}
