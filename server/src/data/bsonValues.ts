/**
 * BSON value helpers: normalisation for mingo, cloning, identity keys.
 * @packageDocumentation
 */
import { BSON, EJSON } from "bson";
import { invalidParameter, mongoError } from "./errors.js";

/** A stored MongoDB document. */
export type Doc = Record<string, unknown>;

/**
 * True for a plain object (also one made in another realm, e.g. a `node:vm` context),
 * false for arrays, BSON values, dates, regexps and primitives.
 * @param value - anything
 */
export function isPlainObject(value: unknown): value is Doc {
  if (typeof value !== "object" || value === null) return false;
  if ("_bsontype" in value) return false;
  return Object.prototype.toString.call(value) === "[object Object]";
}

/**
 * Sets an own, enumerable property: unlike an assignment, a key named `__proto__` stays a key
 * (headers, query parameters and documents may use any name).
 * @param target - the object
 * @param key - the key
 * @param value - the value
 */
export function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Deep-copies a value through BSON, which also normalises it for mingo: `Int32`/`Double`
 * wrappers and `Long`s that fit in 53 bits become numbers, values from other realms become
 * values of this realm, `undefined` fields are dropped. Exact BSON types (ObjectId, Date,
 * Decimal128, Binary, big Long) are kept.
 * @param value - any BSON-serialisable value
 * @returns the normalised copy
 * @throws ServerError `InvalidParameter` if the value cannot be represented in BSON
 */
export function normalize<T>(value: T): T {
  if (value === undefined || value === null || typeof value !== "object") return value;
  try {
    const bytes = BSON.serialize({ v: value }, { ignoreUndefined: true });
    return BSON.deserialize(bytes).v as T;
  } catch (err) {
    throw invalidParameter(`value is not representable in BSON: ${(err as Error).message}`);
  }
}

/**
 * Serialises a document to BSON bytes (the stored form).
 * @param doc - the document
 * @throws ServerError `InvalidParameter` if it is not serialisable (e.g. over 16 MB)
 */
export function toBytes(doc: Doc): Uint8Array {
  try {
    return BSON.serialize(doc, { ignoreUndefined: true });
  } catch (err) {
    throw invalidParameter(`document is not representable in BSON: ${(err as Error).message}`);
  }
}

/** The most levels of nesting a stored document may have, as MongoDB ("no more than 100 levels"). */
export const MAX_NESTING = 100;

/**
 * True if a value has documents or arrays nested deeper than `limit` levels (a document of plain
 * values is 1 level; BSON values, dates and byte arrays are leaves). The walk stops past `limit`,
 * so a value nested thousands of levels deep is answered without overflowing the stack.
 * @param value - anything
 * @param limit - the most levels allowed
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  return depth(value, limit + 1) > limit;
}

/** The nesting depth of a value (a document holding only plain values: 1), stopping past `limit`. */
function depth(value: unknown, limit: number): number {
  if (typeof value !== "object" || value === null || (!Array.isArray(value) && !isPlainObject(value))) return 0;
  let deepest = 0;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    if (deepest >= limit) break;
    deepest = Math.max(deepest, depth(item, limit - 1));
  }
  return deepest + 1;
}

/**
 * Checks a query's result (a document, a list of documents, or a value) against MongoDB's nesting
 * limit: an aggregation or a projection can build a value nested deeper than any stored document,
 * which MongoDB refuses, and which would overflow the stack of whoever writes it out.
 * @param result - what a method returned
 * @throws ServerError 400 `MongoDBError` if a document of it is nested deeper than {@link MAX_NESTING} levels
 */
export function checkResultDepth(result: unknown): void {
  const documents = Array.isArray(result) ? result : [result];
  for (const doc of documents) {
    if (nestedDeeperThan(doc, MAX_NESTING)) {
      throw mongoError(`a result document is nested deeper than ${MAX_NESTING} levels, MongoDB's limit`);
    }
  }
}

/**
 * Serialises a document that is to be stored: {@link toBytes}, after checking MongoDB's nesting
 * limit (a document nested deeper would also overflow the stack of whoever reads it later).
 * @param doc - the document
 * @throws ServerError `InvalidParameter` if it is nested deeper than {@link MAX_NESTING} levels or not serialisable
 */
export function storedBytes(doc: Doc): Uint8Array {
  if (nestedDeeperThan(doc, MAX_NESTING)) {
    throw invalidParameter(`document is nested deeper than ${MAX_NESTING} levels, MongoDB's limit`);
  }
  return toBytes(doc);
}

/**
 * Reads stored BSON bytes back into a document.
 * @param bytes - bytes from {@link toBytes}
 */
export function fromBytes(bytes: Uint8Array): Doc {
  return BSON.deserialize(bytes);
}

/**
 * The identity key of an `_id` value: its canonical EJSON, so `ObjectId("…")` and the string
 * `"…"` stay distinct, and `1` and `1.0` (both JS numbers) are the same key.
 * @param id - an `_id` value
 */
export function idKey(id: unknown): string {
  return EJSON.stringify({ k: id }, { relaxed: false });
}

/**
 * Deep equality of two values by their BSON bytes (type-exact).
 * @param a - first value
 * @param b - second value
 */
export function sameValue(a: unknown, b: unknown): boolean {
  const ba = BSON.serialize({ v: a }, { ignoreUndefined: true });
  const bb = BSON.serialize({ v: b }, { ignoreUndefined: true });
  return Buffer.from(ba).equals(bb);
}
