/**
 * The runtime side of the error codec (errors.ts holds the classes and the tab side's
 * `deserializeError`): recognising our errors by their brands, from any realm and from the copies
 * of the error classes that the worker's modules loaded on first use carry, and turning any thrown
 * value into the plain data that crosses the port. A tab's start never needs it: only a runtime
 * (the SharedWorker, or a fallback mode's host in the page) and the apps that ask for the brands do.
 * @packageDocumentation
 */
import type { MongoDBRealmError, RealmTabsError, SerializedError, WatchError } from "./errors.js";

/** True for a {@link RealmTabsError}, from any realm. */
export function isRealmTabsError(e: unknown): e is RealmTabsError {
  return typeof e === "object" && e !== null && (e as { isRealmTabsError?: unknown }).isRealmTabsError === true;
}

/** True for a {@link MongoDBRealmError}, from any realm. */
export function isMongoDBRealmError(e: unknown): e is MongoDBRealmError {
  return typeof e === "object" && e !== null && (e as { isMongoDBRealmError?: unknown }).isMongoDBRealmError === true;
}

/**
 * True for a {@link WatchError}, from any realm, and from the copy of this module that the lazily
 * loaded watch module of the SharedWorker carries (worker/features/lazy.ts).
 */
export function isWatchError(e: unknown): e is WatchError {
  return typeof e === "object" && e !== null && (e as { isWatchError?: unknown }).isWatchError === true;
}

/** Turns any thrown value into plain data that keeps the class and fields of our errors. */
export function serializeError(e: unknown): SerializedError {
  if (isMongoDBRealmError(e)) {
    return {
      kind: "realm",
      method: e.method,
      url: e.url,
      statusCode: e.statusCode,
      statusText: e.statusText,
      ...(e.error === undefined ? {} : { error: e.error }),
      ...(e.errorCode === undefined ? {} : { errorCode: e.errorCode }),
      ...(e.link === undefined ? {} : { link: e.link }),
      ...(e.stack === undefined ? {} : { stack: e.stack }),
    };
  }
  if (isRealmTabsError(e)) {
    return { kind: "tabs", code: e.code, message: e.message, retryable: e.retryable, ...(e.stack === undefined ? {} : { stack: e.stack }) };
  }
  if (isWatchError(e)) {
    return { kind: "watch", code: e.code, message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }) };
  }
  if (e instanceof Error) {
    return { kind: "error", name: e.name, message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }) };
  }
  try {
    return { kind: "value", value: structuredClone(e) };
  } catch {
    return { kind: "value", value: String(e) };
  }
}
