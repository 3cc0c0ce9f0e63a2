/**
 * Errors of the function runner, as App Services reports them.
 * @packageDocumentation
 */
import { ServerError } from "../contracts.js";

/**
 * @param name - the function asked for
 * @returns a 404 `FunctionNotFound`
 */
export function functionNotFound(name: string): ServerError {
  return new ServerError(404, "FunctionNotFound", `function not found: '${name}'`);
}

/**
 * @param message - the thrown error's message
 * @returns a 400 `FunctionExecutionError`
 */
export function executionError(message: string): ServerError {
  return new ServerError(400, "FunctionExecutionError", message);
}

/**
 * @param name - the function that ran too long
 * @param timeoutMs - the limit
 * @returns a 400 `ExecutionTimeLimitExceeded`
 */
export function timeLimitExceeded(name: string, timeoutMs: number): ServerError {
  return new ServerError(
    400,
    "ExecutionTimeLimitExceeded",
    `execution time limit exceeded: function '${name}' ran longer than ${timeoutMs} ms`,
  );
}

/**
 * The message of anything thrown by user code, which may come from another realm (so no
 * `instanceof Error`).
 * @param err - what was thrown
 */
export function messageOf(err: unknown): string {
  if (typeof err === "object" && err !== null && "message" in err && typeof err.message === "string") {
    const name = "name" in err && typeof err.name === "string" && err.name !== "Error" ? `${err.name}: ` : "";
    return `${name}${err.message}`;
  }
  return String(err);
}

/**
 * True if `err` is Node's vm timeout for synchronous code.
 * @param err - what was thrown
 */
export function isVmTimeout(err: unknown): boolean {
  return typeof err === "object" && err !== null && "code" in err && err.code === "ERR_SCRIPT_EXECUTION_TIMEOUT";
}
