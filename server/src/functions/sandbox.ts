/**
 * The `node:vm` context functions run in, with the globals App Services gives them.
 * Not a security boundary: functions are trusted code of the app.
 * @packageDocumentation
 */
import { EJSON } from "bson";
import vm from "node:vm";
import { createBsonGlobal } from "./bsonGlobal.js";
import { functionRequire } from "./builtins.js";
import { createUtils } from "./utilsGlobal.js";

/**
 * Creates the shared context: `BSON` (bsonGlobal.ts), `EJSON`, `utils` (`utils.jwt`,
 * `utils.crypto`: utilsGlobal.ts), `require` of Node's built-in modules (builtins.ts), `console`,
 * timers, `Buffer`, `URL`, `TextEncoder`/`TextDecoder`.
 */
export function createSandbox(): vm.Context {
  return vm.createContext({
    BSON: createBsonGlobal(),
    EJSON,
    utils: createUtils(),
    require: functionRequire,
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
