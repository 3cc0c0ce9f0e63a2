/**
 * Where functions run, with the globals App Services gives them. Not a security boundary:
 * functions are trusted code of the app.
 *
 * The server runs them in its function worker thread's own realm ({@link threadRealm}), so that
 * documents, arguments and errors from the server are instances of the globals functions see
 * (`doc.when instanceof Date`, `err instanceof Error`). The in-process runner of the tests keeps them
 * in a `node:vm` context of their own ({@link isolatedRealm}), so that they do not change the
 * test's globals.
 * @packageDocumentation
 */
import { EJSON } from "bson";
import vm from "node:vm";
import { createBsonGlobal } from "./bsonGlobal.js";
import { createFunctionRequire } from "./builtins.js";
import type { FunctionDependencies } from "./dependencies.js";
import { createUtils } from "./utilsGlobal.js";

/** A realm functions run in: its global object, and how a compiled function is run there. */
export interface FunctionRealm {
  /** The global object (the runner passes each call's `context` and arguments through it). */
  readonly global: Record<string, unknown>;
  /**
   * Runs a compiled function in the realm.
   * @throws what the script throws; the vm's timeout error at `timeout` ms of synchronous code
   */
  run(script: vm.Script, timeout: number): unknown;
}

/** The globals App Services adds: `BSON` (bsonGlobal.ts), `EJSON`, `utils` (utilsGlobal.ts), `require` (builtins.ts). */
function appServicesGlobals(dependencies: FunctionDependencies | undefined): Record<string, unknown> {
  return { BSON: createBsonGlobal(), EJSON, utils: createUtils(), require: createFunctionRequire(dependencies) };
}

/**
 * The realm of this thread, with App Services' globals added to it (`console`, timers, `Buffer`,
 * `URL`, `TextEncoder`… are Node's own). For the function worker thread, which runs nothing else.
 * @param dependencies - the app's function dependencies, for `require`
 */
export function threadRealm(dependencies?: FunctionDependencies): FunctionRealm {
  const global = globalThis as unknown as Record<string, unknown>;
  Object.assign(global, appServicesGlobals(dependencies));
  return { global, run: (script, timeout): unknown => script.runInThisContext({ timeout }) as unknown };
}

/**
 * A `node:vm` context of its own, with App Services' globals and `console`, timers, `Buffer`, `URL`,
 * `URLSearchParams`, `TextEncoder`/`TextDecoder`. Values made outside it are of another realm.
 * @param dependencies - the app's function dependencies, for `require`
 */
export function isolatedRealm(dependencies?: FunctionDependencies): FunctionRealm {
  const global: vm.Context = vm.createContext({
    ...appServicesGlobals(dependencies),
    console,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    setImmediate,
    clearImmediate,
    queueMicrotask,
    Buffer,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
  });
  return { global, run: (script, timeout): unknown => script.runInContext(global, { timeout }) as unknown };
}
