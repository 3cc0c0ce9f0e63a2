/**
 * The server's function runner: App Services-style functions from a folder, run with `context`.
 * @packageDocumentation
 */
export { createFunctionRunner, type FunctionContext, type FunctionRunnerOptions } from "./runner.js";
export type { FindCursor, FunctionCollection, FunctionServiceClient } from "./serviceClient.js";
