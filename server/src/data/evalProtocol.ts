/**
 * Messages between the MongoDB service (main thread) and its query evaluation threads. Values
 * cross as BSON bytes so every BSON type survives (structured cloning would turn an ObjectId into
 * a plain object); each document of a sync or a result is its own buffer, so no single buffer
 * reaches the BSON size limit.
 * @packageDocumentation
 */
import { BSON } from "bson";
import { ServerError } from "../contracts.js";
import type { AccessSpec } from "../rules/access.js";
import type { MethodName } from "./args.js";
import type { Mutation } from "./changeFeed.js";
import type { SyncPayload } from "./collection.js";

/** Caps a result must respect. */
export interface ResultLimits {
  /** Lists (find, aggregate) are cut to this many documents. */
  maxDocuments: number;
  /** A result larger than this (BSON bytes) fails. */
  maxBytes: number;
}

/** A method call to evaluate: as the system (`caller` undefined) or as an application user under `access`. */
export interface RunRequest {
  type: "run";
  id: number;
  method: MethodName;
  /** Packed `arguments` array. */
  args: Uint8Array;
  /** Packed caller, for calls of application users. */
  caller?: Uint8Array;
  service: string;
  syncs: SyncPayload[];
  limits: ResultLimits;
}

/** Main thread → evaluation thread. */
export type ToEval =
  | { type: "init"; access: AccessSpec | undefined }
  | RunRequest
  | { type: "match"; id: number; filterId: number; filter: Uint8Array; events: Uint8Array[] }
  | { type: "functionResult"; callId: number; value?: Uint8Array; error?: WireError }
  | { type: "forgetFilter"; filterId: number };

/** A write a call computed on a replica, for the main thread to commit. */
export interface EncodedWrite {
  kind: Mutation["kind"];
  key: string;
  bytes: Uint8Array | null;
  changedPaths?: string[];
}

/** The writes of a call: one collection, as seen at `version`. */
export interface EncodedWrites {
  db: string;
  coll: string;
  /** The collection id and version the replica had. */
  id: number;
  version: number;
  mutations: EncodedWrite[];
}

/** A serialised error. */
export interface WireError {
  statusCode: number;
  errorCode: string;
  message: string;
}

/** A result: a list of documents (find, aggregate), each its own buffer, or one packed value. */
export type EncodedResult = { list: Uint8Array[] } | { value: Uint8Array };

/** Evaluation thread → main thread. */
export type FromEval =
  | { type: "ready" }
  | { type: "done"; id: number; result?: EncodedResult; writes?: EncodedWrites; error?: WireError }
  | { type: "matched"; id: number; matches?: boolean[]; error?: WireError }
  | { type: "callFunction"; id: number; callId: number; name: string; args: Uint8Array };

/**
 * Packs a value as BSON bytes.
 * @param value - any BSON-representable value
 * @throws ServerError 400 `MongoDBError` if it is not representable (e.g. over 16 MiB)
 */
export function pack(value: unknown): Uint8Array {
  try {
    return BSON.serialize({ v: value }, { ignoreUndefined: true });
  } catch (err) {
    throw new ServerError(400, "MongoDBError", `the value cannot be encoded: ${(err as Error).message}`);
  }
}

/**
 * Unpacks bytes from {@link pack}; `Int32`/`Double` become numbers.
 * @param bytes - packed bytes
 */
export function unpack(bytes: Uint8Array): unknown {
  return BSON.deserialize(bytes).v ?? null;
}

/**
 * Serialises an error.
 * @param err - the error
 */
export function toWire(err: ServerError): WireError {
  return { statusCode: err.statusCode, errorCode: err.errorCode, message: err.message };
}

/**
 * Rebuilds an error.
 * @param wire - a serialised error
 */
export function fromWire(wire: WireError): ServerError {
  return new ServerError(wire.statusCode, wire.errorCode, wire.message);
}
