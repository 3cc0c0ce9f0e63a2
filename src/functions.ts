/**
 * The `user.functions` proxy. The EJSON codec of arguments and results is in codec/: arguments go
 * out as canonical EJSON (as realm-web sends them); results come back relaxed, so numbers are
 * numbers and ObjectId, Date, Decimal128 keep their classes.
 * @packageDocumentation
 */
import { RealmTabsError } from "./protocol/errors.js";

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

// realm-web proxies `then` too; here it is left out so that `await user.functions` and promise
// libraries never take the object for a promise (docs/moving-from-realm-web.md)
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
 * property is a bound function, so `const f = functions.f; await f(1)` works too. `inspect`,
 * symbol keys and `Object.prototype` names are not proxied: they read as on a plain object, as in
 * realm-web (`String(functions)` and `functions.hasOwnProperty(…)` work, and it prints normally);
 * nor is `then`, which realm-web proxies, so that the object is not mistaken for a thenable.
 */
export function createFunctionsProxy<F extends object = DefaultFunctionsFactory>(call: CallFunction): F {
  const cache = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  const target: Record<string, unknown> = {};
  const handler: ProxyHandler<Record<string, unknown>> = {
    get(_target, key) {
      if (typeof key !== "string" || notProxied.has(key)) return Reflect.get(target, key) as unknown;
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
