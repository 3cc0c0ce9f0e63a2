/**
 * The server's function runner: App Services-style functions from a folder, run with `context` in
 * a worker thread under a time limit per call.
 * @packageDocumentation
 */
export { createFunctionRunner } from "./workerRunner.js";
export { createInProcessRunner, type FunctionContext, type FunctionRunnerOptions } from "./runner.js";
export type { FindCursor, FunctionCollection, FunctionServiceClient } from "./serviceClient.js";
