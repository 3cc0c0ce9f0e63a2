/**
 * Contracts between the parts of the server: the HTTP/auth layer (server/http, server/auth) and the
 * data layer (server/data: the document store and MongoDB service; server/functions: the function
 * runner). Each side codes against these interfaces; `server/app.ts` wires the implementations.
 * @packageDocumentation
 */
import type { Timestamp } from "bson";

/** A user as functions see it in `context.user` (the shape App Services gives). */
export interface ContextUser {
  /** The user id (hex ObjectId string). */
  id: string;
  /** `normal` for end users, `server` for API-key users of server keys (unused here), `system` for the system user. */
  type: "normal" | "server" | "system";
  /** Profile data (`name`, `email`, …). */
  data: Record<string, unknown>;
  /** The user's custom data document, or `{}`. */
  custom_data: Record<string, unknown>;
  /** Identities as `{id, provider_type}`. */
  identities: { id: string; provider_type: string }[];
}

/**
 * Who is calling a function or a service method; `user` is absent for system calls. A function that
 * runs as system keeps its caller's `user` (as `context.user`) and sets `runAsSystem`: data access
 * rules apply only to callers with a user that do not run as system.
 */
export interface Caller {
  user?: ContextUser;
  runAsSystem?: boolean;
  /** The HTTP request the call came in with (`%%request` in rules, `context.request` in functions); absent for calls the server makes itself. */
  request?: RequestInfo;
  /** The transaction a function's operation is part of (its session's), if any. */
  transaction?: string;
  /**
   * True for the calls of a function that a rule's `%function` runs: they are made within the call
   * whose rules are evaluated, and are not queued behind transactions (see data/transactions.ts).
   */
  nested?: boolean;
  /**
   * When the function making the call gives up on it (epoch ms): a call still waiting behind a
   * transaction then is refused rather than run for no one.
   */
  deadline?: number;
}

/**
 * The incoming request as App Services describes it to rule expressions (`%%request`) and functions
 * (`context.request`). Header names are canonical (`User-Agent`), each with its values; the
 * credential headers (`Authorization`, `Cookie`, and the endpoints' `apiKey`, `email`, `password`,
 * `jwtTokenString`: see `CREDENTIAL_HEADERS`) are left out, so a function that logs the request
 * logs no credential.
 */
export interface RequestInfo {
  httpMethod: string;
  /** The `Referer` header, or undefined without one. */
  httpReferrer?: string | undefined;
  /** The `User-Agent` header, or undefined without one. */
  httpUserAgent?: string | undefined;
  /** The query string, without its `secret` parameters (as App Services) and a watch's `baas_at`. */
  rawQueryString: string;
  remoteIPAddress: string;
  requestHeaders: Record<string, string[]>;
  /** The service of a service call (`mongodb-atlas`). */
  service?: string;
  /** The function or service method called. */
  action: string;
  /** In an HTTPS endpoint's function: the endpoint's route. */
  webhookUrl?: string;
}

/** An HTTPS endpoint's request as its function receives it (App Services' `Request` object). */
export interface EndpointRequest {
  /** Each header, canonically named (`Content-Type`), with its values. */
  headers: Record<string, string[]>;
  /** Each query parameter's first value. */
  query: Record<string, string>;
  /** The raw body; absent when the request has none. */
  body?: Uint8Array | undefined;
}

/** What an endpoint function set on its `Response` object. */
export interface EndpointResponseState {
  /** From `setStatusCode`; undefined if never called. */
  statusCode?: number | undefined;
  /** From `setHeader` and `addHeader`, canonically named. */
  headers: Record<string, string[]>;
  /** From `setBody`; undefined if never called. */
  body?: Uint8Array | undefined;
}

/** An endpoint function's return value and what it set on the response. */
export interface EndpointOutcome {
  value: unknown;
  response: EndpointResponseState;
}

/** A MongoDB change event as the watch stream sends it (before EJSON serialization). */
export interface ChangeEvent {
  _id: { _data: string };
  operationType: "insert" | "update" | "replace" | "delete";
  /** When the change was committed, as MongoDB gives it: seconds and an ordinal. */
  clusterTime: Timestamp;
  /** When the change was committed, as a Date. */
  wallTime: Date;
  ns: { db: string; coll: string };
  documentKey: { _id: unknown };
  fullDocument?: Record<string, unknown>;
  updateDescription?: { updatedFields: Record<string, unknown>; removedFields: string[] };
}

/** Arguments of a watch request, as decoded from `baas_request`. */
export interface WatchArgs {
  database: string;
  collection: string;
  /** Only events whose `documentKey._id` is one of these. */
  ids?: unknown[];
  /** A MongoDB query applied to the change event. */
  filter?: Record<string, unknown>;
  /** Resume after this event (its `_id._data`, also its SSE id): the events since come first. */
  resumeAfter?: string;
}

/** The MongoDB service as the HTTP layer sees it. All values are BSON-typed JS values (relaxed numbers). */
export interface MongoService {
  /** True if `service` is a configured MongoDB service name (e.g. `mongodb-atlas`). */
  hasService(service: string): boolean;
  /**
   * Runs a collection method (`find`, `insertOne`, …) with its single argument object, as sent by
   * realm-web / realm-js. Rejects with a {@link ServerError}-compatible error (`MongoDBError`,
   * `InvalidParameter`, `FunctionNotFound` for an unknown method).
   */
  call(service: string, name: string, args: unknown[], caller: Caller): Promise<unknown>;
  /**
   * Subscribes to change events as the caller (an application user sees only what the data access
   * rules let it read); returns the unsubscribe function. Throws on bad arguments and on namespaces
   * the caller may not watch. `onError` is called once if the stream's filter fails or runs over the
   * query limits (tested off the main thread); the subscription has ended then. A system caller
   * (no user) also receives the document as it was before the change (null for an insert).
   */
  watch(
    service: string,
    args: WatchArgs,
    onEvent: (event: ChangeEvent, before?: Record<string, unknown> | null) => void,
    caller: Caller,
    onError?: (err: ServerError) => void,
  ): () => void;
  /**
   * Optional (added for database triggers): listens, as the system, to the changes of every
   * collection of a database, each event with the document as it was before the change; returns the
   * unsubscribe function. Ended, like every watch, by `reset()`.
   */
  watchDatabase?(
    service: string,
    database: string,
    onEvent: (event: ChangeEvent, before: Record<string, unknown> | null) => void,
  ): () => void;
  /**
   * Optional (added for system functions' `getCollectionNames()` and `admin().getDBNames()`): the
   * collections that hold documents, by database. Every data source reaches the same store.
   */
  namespaces?(service: string): Promise<{ database: string; collection: string }[]>;
  /**
   * Optional (added for functions' transactions): commits or aborts the transaction of a session.
   * Rejects with `MongoDBError` `NoSuchTransaction` for committing one that was aborted.
   */
  transaction?(op: "commit" | "abort", transaction: string): Promise<void>;
  /** Reads one document as the system (used for custom user data). */
  findOne(service: string, database: string, collection: string, filter: Record<string, unknown>): Promise<Record<string, unknown> | null>;
  /**
   * Optional (added for the admin API's `POST /admin/v1/reset`): deletes every stored document of
   * every service and ends open watch subscriptions. When absent, the admin reset wipes only auth state.
   */
  reset?(): void;
  /**
   * Optional (added for the function runner's worker thread, which cannot ask `hasService`
   * synchronously): the configured service names. When absent, `context.services.get(name)` accepts
   * any name and an unknown one fails on its first call.
   */
  serviceNames?(): string[];
}

/** The user-function runner as the HTTP and auth layers see it. */
export interface FunctionRunner {
  /** True if a function of that name was loaded. */
  has(name: string): boolean;
  /**
   * Runs a function with the given arguments as the caller, under the configured time limit.
   * Rejects with `FunctionNotFound` (404) or `FunctionExecutionError` (400) / `ExecutionTimeLimitExceeded`.
   */
  call(name: string, args: unknown[], caller: Caller): Promise<unknown>;
  /**
   * Runs a function as an HTTPS endpoint's handler: it receives App Services' `Request` and
   * `Response` objects. Rejects as {@link FunctionRunner.call} does.
   */
  callEndpoint(name: string, request: EndpointRequest, caller: Caller): Promise<EndpointOutcome>;
  /** Stops any worker threads. */
  close(): Promise<void>;
}

/**
 * An error that the HTTP layer turns into an App Services error body `{error, error_code, link}`
 * with `statusCode`. Any code in `server/` may throw it; anything else thrown becomes a 500
 * `InternalServerError` (but malformed input must never reach that).
 */
export class ServerError extends Error {
  /** HTTP status to answer with. */
  readonly statusCode: number;
  /** App Services error code, e.g. `InvalidSession`, `FunctionNotFound`, `MongoDBError`. */
  readonly errorCode: string;

  /**
   * @param statusCode - HTTP status
   * @param errorCode - App Services error code
   * @param message - the `error` text of the body
   */
  constructor(statusCode: number, errorCode: string, message: string) {
    super(message);
    this.name = "ServerError";
    this.statusCode = statusCode;
    this.errorCode = errorCode;
  }
}
