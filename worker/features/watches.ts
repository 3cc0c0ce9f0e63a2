/**
 * The watch module the worker loads on the first `watch()` (features/lazy.ts): the shared streams
 * and the check of a watch request.
 * @packageDocumentation
 */
export { createWatchHub } from "./watchHub.js";
export { parseWatchRequest } from "./watchRequest.js";
