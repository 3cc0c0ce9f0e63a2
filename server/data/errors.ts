/**
 * Error helpers of the data layer: every client mistake becomes a {@link ServerError}.
 * @packageDocumentation
 */
import { ServerError } from "../contracts.js";

/**
 * A MongoDB-level failure (bad operator, duplicate key, immutable `_id`, …).
 * @param message - the `error` text
 * @returns a 400 `MongoDBError`
 */
export function mongoError(message: string): ServerError {
  return new ServerError(400, "MongoDBError", message);
}

/**
 * A malformed argument object (missing database, non-object query, …).
 * @param message - the `error` text
 * @returns a 400 `InvalidParameter`
 */
export function invalidParameter(message: string): ServerError {
  return new ServerError(400, "InvalidParameter", message);
}

/**
 * An unknown service method.
 * @param name - the method name the client asked for
 * @returns a 404 `FunctionNotFound`
 */
export function functionNotFound(name: string): ServerError {
  return new ServerError(404, "FunctionNotFound", `function not found: '${name}'`);
}

/**
 * Turns anything thrown while evaluating a query/update (mingo, bson) into a `MongoDBError`,
 * keeping `ServerError`s as they are.
 * @param err - what was thrown
 * @returns a `ServerError`
 */
export function toServerError(err: unknown): ServerError {
  if (err instanceof ServerError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return mongoError(message);
}
