/**
 * The `node:vm` context functions run in, with the globals App Services gives them.
 * Not a security boundary: functions are trusted code of the app.
 * @packageDocumentation
 */
import * as bson from "bson";
import vm from "node:vm";

/**
 * Creates the shared context: `BSON` (the bson package, e.g. `new BSON.ObjectId()`), `EJSON`,
 * `console`, timers, `Buffer`, `URL`, `TextEncoder`/`TextDecoder`.
 */
export function createSandbox(): vm.Context {
  return vm.createContext({
    BSON: bson,
    EJSON: bson.EJSON,
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
}
