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
 * keeping `ServerError`s as they are; a SQLite failure is a 500 `InternalServerError`.
 * @param err - what was thrown
 * @returns a `ServerError`
 */
export function toServerError(err: unknown): ServerError {
  if (err instanceof ServerError) return err;
  if (isStorageError(err)) return new ServerError(500, "InternalServerError", `storage error: ${err.message}`);
  const message = err instanceof Error ? err.message : String(err);
  return mongoError(message);
}

function isStorageError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && "code" in err && typeof err.code === "string" && err.code.startsWith("SQLITE_");
}
