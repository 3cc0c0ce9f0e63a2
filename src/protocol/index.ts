/**
 * The contract shared by the tab side (`src/`) and the session runtime (`worker/`).
 * @packageDocumentation
 */
export * from "./snapshots.js";
export * from "./events.js";
export * from "./rpc.js";
export * from "./errors.js";
export * from "./encodeError.js";
export * from "./args.js";
export * from "./accountArgs.js";
export * from "./names.js";
export * from "./deadline.js";
export { wrapSession, type Outcome } from "./comlink.js";
export { exposeSession } from "./expose.js";
