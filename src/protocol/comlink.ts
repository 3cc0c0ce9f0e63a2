/**
 * Makes thrown errors keep their class and fields across Comlink. Comlink's own "throw" handler
 * keeps only `message`, `name` and `stack`; this replaces it (same detection, our codec) so a
 * `MongoDBRealmError` keeps `statusCode`, `errorCode`, … and a `RealmTabsError` keeps `code`.
 * Both realms (tab and worker) must call {@link installErrorTransfer} before the first call.
 * @packageDocumentation
 */
import { transferHandlers, type TransferHandler } from "comlink";
import { deserializeError, serializeError, type SerializedError } from "./errors.js";

let installed = false;

/** Replaces Comlink's "throw" transfer handler with one that keeps our error classes. Idempotent. */
export function installErrorTransfer(): void {
  if (installed) return;
  const original = transferHandlers.get("throw");
  if (!original) throw new Error("comlink has no 'throw' transfer handler to replace");
  const handler: TransferHandler<{ value: unknown }, SerializedError> = {
    canHandle: (value): value is { value: unknown } => original.canHandle(value),
    serialize: ({ value }) => [serializeError(value), []],
    deserialize: (serialized) => {
      throw deserializeError(serialized);
    },
  };
  transferHandlers.set("throw", handler);
  installed = true;
}
