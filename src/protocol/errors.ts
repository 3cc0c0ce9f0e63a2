/**
 * The error classes of realm-tabs, and their plain-data form for crossing the worker boundary.
 * `MongoDBRealmError` is the server's error, with the fields realm-web gives it; `RealmTabsError`
 * is a local failure with a `code`; `WatchError` ends a watch stream. Errors cross the port as
 * outcomes (`src/protocol/comlink.ts`): the runtime encodes them (`serializeError`, with the brand
 * checks, in encodeError.ts) and the tab rebuilds them ({@link deserializeError}).
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
  /** Brand that survives realms (use `isRealmTabsError` rather than `instanceof`). */
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
  /** Brand that survives realms (use `isMongoDBRealmError` rather than `instanceof`). */
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
 * object. Thrown by the runtime's stream reader and rebuilt in the tab (through `serializeError`, encodeError.ts).
 */
export class WatchError extends Error {
  /** Brand that survives realms and bundled copies (use `isWatchError` rather than `instanceof`). */
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

/** The inverse of `serializeError` (encodeError.ts): rebuilds the error class with its fields. */
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
