/**
 * The error classes of realm-tabs, and their plain-data form for crossing the worker boundary.
 * `MongoDBRealmError` is the server's error, with the fields realm-web gives it; `RealmTabsError`
 * is a local failure with a `code`; `WatchError` ends a watch stream. The Comlink transfer handler (registered in both realms by
 * `src/protocol/comlink.ts`) uses {@link serializeError} and {@link deserializeError}.
 * @packageDocumentation
 */

/** Codes of local failures (the server's codes travel in `MongoDBRealmError.errorCode`). */
export type RealmTabsErrorCode =
  | "timeout"
  | "worker-unavailable"
  | "protocol-mismatch"
  | "invalid-argument"
  | "user-not-found"
  | "not-logged-in"
  | "network"
  | "storage"
  | "runtime-closed"
  | "watch-closed"
  | "leader-changed"
  | "not-supported"
  | "window-blocked"
  | "window-closed"
  | "redirect-failed"
  | "internal";

/** A local failure: bad input, a deadline passed, the runtime went away, storage failed. */
export class RealmTabsError extends Error {
  /** Brand that survives realms (use {@link isRealmTabsError} rather than `instanceof`). */
  readonly isRealmTabsError = true;
  /** What kind of failure this is. */
  readonly code: RealmTabsErrorCode;
  /** Whether trying the same call again may succeed (timeouts, network, a leader change). */
  readonly retryable: boolean;

  /**
   * @param code - the failure kind
   * @param message - a sentence a developer can act on
   * @param options - `cause`, and `retryable` (default: true for timeout, network, worker-unavailable)
   */
  constructor(code: RealmTabsErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RealmTabsError";
    this.code = code;
    this.retryable = options.retryable ?? (code === "timeout" || code === "network" || code === "worker-unavailable");
  }
}

/**
 * An error answered by the App Services server, with the same fields and message as realm-web's:
 * `Request failed (<METHOD> <url>): <error> (status <code> <statusText>)`.
 */
export class MongoDBRealmError extends Error {
  /** Brand that survives realms (use {@link isMongoDBRealmError} rather than `instanceof`). */
  readonly isMongoDBRealmError = true;
  /** HTTP method of the failed request. */
  readonly method: string;
  /** URL of the failed request. */
  readonly url: string;
  /** HTTP status code. */
  readonly statusCode: number;
  /** HTTP status text (may be empty). */
  readonly statusText: string;
  /** The server's `error` message, if the body had one. */
  readonly error: string | undefined;
  /** The server's `error_code`, e.g. `InvalidSession`, `FunctionNotFound`. */
  readonly errorCode: string | undefined;
  /** The server's `link` to its logs, if any. */
  readonly link: string | undefined;

  /** Builds the error from the request and the parsed error body. */
  constructor(method: string, url: string, statusCode: number, statusText: string, error?: string, errorCode?: string, link?: string) {
    const summary = error ? `: ${error}` : "";
    const status = statusText ? `status ${statusCode} ${statusText}` : `status ${statusCode}`;
    super(`Request failed (${method} ${url})${summary} (${status})`);
    this.name = "MongoDBRealmError";
    this.method = method;
    this.url = url;
    this.statusCode = statusCode;
    this.statusText = statusText;
    this.error = error;
    this.errorCode = errorCode;
    this.link = link;
  }
}

/**
 * A watch stream ended by the server with an `error` event, or a change event that is not an EJSON
 * object. Thrown by the runtime's stream reader and rebuilt in the tab (through {@link serializeError}).
 */
export class WatchError extends Error {
  /** Brand that survives realms and bundled copies (use {@link isWatchError} rather than `instanceof`). */
  readonly isWatchError = true;
  /** The server's `error_code`, `unknown`, or `bad bson parse`. */
  readonly code: string;

  /**
   * @param code - the server's `error_code`, `unknown`, or `bad bson parse`
   * @param message - the server's `error` text (or a description of the bad event)
   */
  constructor(code: string, message: string) {
    super(message);
    this.name = "WatchError";
    this.code = code;
  }
}

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

/** The structured-clone form of any thrown value. */
export type SerializedError =
  | {
      kind: "realm";
      method: string;
      url: string;
      statusCode: number;
      statusText: string;
      error?: string;
      errorCode?: string;
      link?: string;
      stack?: string;
    }
  | { kind: "tabs"; code: RealmTabsErrorCode; message: string; retryable: boolean; stack?: string }
  | { kind: "watch"; code: string; message: string; stack?: string }
  | { kind: "error"; name: string; message: string; stack?: string }
  | { kind: "value"; value: unknown };

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

/** The inverse of {@link serializeError}: rebuilds the error class with its fields. */
export function deserializeError(s: SerializedError): unknown {
  let e: Error;
  switch (s.kind) {
    case "realm":
      e = new MongoDBRealmError(s.method, s.url, s.statusCode, s.statusText, s.error, s.errorCode, s.link);
      break;
    case "tabs":
      e = new RealmTabsError(s.code, s.message, { retryable: s.retryable });
      break;
    case "watch":
      e = new WatchError(s.code, s.message);
      break;
    case "error":
      e = new Error(s.message);
      e.name = s.name;
      break;
    default:
      return s.value;
  }
  if (s.stack !== undefined) e.stack = s.stack;
  return e;
}
