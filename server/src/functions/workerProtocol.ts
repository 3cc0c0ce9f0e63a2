/**
 * Messages between the function runner (main thread) and its worker thread. Values cross as BSON
 * bytes, so BSON classes keep their type (structured clone would drop their prototypes).
 * @packageDocumentation
 */
import { Binary, BSON } from "bson";
import { ServerError, type EndpointOutcome, type EndpointRequest } from "../contracts.js";
import type { AppMetadata } from "./appMetadata.js";
import type { FunctionDependencies } from "./dependencies.js";
import type { FunctionSpec } from "./loader.js";

/** What the worker needs to start. */
export interface WorkerInit {
  sources: FunctionSpec[];
  timeoutMs: number;
  /** BSON of `{ v: values }` */
  values: Uint8Array;
  /** BSON of `{ v: {tag, values} }`: `context.environment` */
  environment: Uint8Array;
  serviceNames: string[];
  /** `context.app` */
  app?: AppMetadata | undefined;
  /** The app's function dependencies, which `require` loads. */
  dependencies?: FunctionDependencies | undefined;
}

/** The name of the `mongo` message that asks for the collections that hold documents (not a client method). */
export const NAMESPACES = "$namespaces";

/** The name of the `mongo` message that looks up a user by id, for `run_as_user_id` (not a client method). */
export const USER_LOOKUP = "$user";

/** The name of the `mongo` message that commits or aborts a session's transaction (not a client method). */
export const TRANSACTION = "$transaction";

/** A serialised error: a ServerError's fields. */
export interface WireError {
  statusCode: number;
  errorCode: string;
  message: string;
}

/** Main thread → worker. */
export type ToWorker =
  | { type: "call"; id: number; name: string; payload: Uint8Array }
  | { type: "mongoReply"; id: number; payload?: Uint8Array; error?: WireError }
  | { type: "ping"; id: number };

/** Worker → main thread. */
export type FromWorker =
  | { type: "ready" }
  | { type: "result"; id: number; payload?: Uint8Array; error?: WireError }
  | { type: "mongo"; id: number; service: string; name: string; payload: Uint8Array }
  | { type: "pong"; id: number };

/**
 * Packs a value as BSON bytes (`undefined` becomes absent, i.e. `null` after unpacking).
 * @param value - any BSON-representable value
 * @throws Error if it is not representable (cycles, over 16 MB)
 */
export function pack(value: unknown): Uint8Array {
  return BSON.serialize({ v: value }, { ignoreUndefined: true });
}

/**
 * Unpacks bytes from {@link pack}.
 * @param bytes - packed bytes
 * @param options - `promoteValues: false` keeps Int32, Double and Long values as their classes
 */
export function unpack(bytes: Uint8Array | undefined, options: { promoteValues?: boolean } = {}): unknown {
  if (!bytes) return null;
  return BSON.deserialize(bytes, options).v ?? null;
}

/**
 * Serialises an error for the other side.
 * @param err - a ServerError-like value
 */
export function toWire(err: ServerError): WireError {
  return { statusCode: err.statusCode, errorCode: err.errorCode, message: err.message };
}

/**
 * Rebuilds a ServerError from the wire.
 * @param wire - serialised error
 */
export function fromWire(wire: WireError): ServerError {
  return new ServerError(wire.statusCode, wire.errorCode, wire.message);
}

/** Bytes that crossed as BSON (a Binary after unpacking), back as bytes. */
function bytesOf(value: unknown): Uint8Array | undefined {
  if (value instanceof Binary) return value.buffer.subarray(0, value.position);
  return value instanceof Uint8Array ? value : undefined;
}

/**
 * An endpoint request after unpacking (its body arrives as a Binary).
 * @param value - the unpacked request
 */
export function endpointRequestFromWire(value: EndpointRequest): EndpointRequest {
  const body = bytesOf(value.body);
  return { headers: value.headers, query: value.query, ...(body === undefined ? {} : { body }) };
}

/**
 * An endpoint outcome after unpacking (the response body arrives as a Binary).
 * @param value - the unpacked outcome
 */
export function endpointOutcomeFromWire(value: EndpointOutcome): EndpointOutcome {
  const body = bytesOf(value.response.body);
  const { statusCode, headers } = value.response;
  // unpacked without promotion, the status code may be an Int32
  const code = statusCode === undefined || statusCode === null ? undefined : Number(statusCode);
  return {
    value: value.value,
    response: {
      ...(code === undefined ? {} : { statusCode: code }),
      headers,
      ...(body === undefined ? {} : { body }),
    },
  };
}
