/**
 * The caps on what one query returns, the same wherever the query was evaluated: a list (find,
 * aggregate) is cut to `maxDocuments` documents, as App Services cuts query results, and a list
 * larger than `maxBytes` of BSON fails.
 * @packageDocumentation
 */
import { BSON } from "bson";
import type { Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import type { ResultLimits } from "./evalProtocol.js";

/**
 * Applies the caps to a list result, calling `each` with every kept document and its size.
 * @param list - the documents
 * @param limits - the caps
 * @param size - the BSON size of a document (or its encoding's length)
 * @returns the kept documents
 * @throws ServerError 400 `MongoDBError` when the kept documents exceed `maxBytes`
 */
export function capList<T>(list: Doc[], limits: ResultLimits, size: (doc: Doc) => { bytes: number; value: T }): T[] {
  let total = 0;
  return list.slice(0, limits.maxDocuments).map((doc) => {
    const sized = size(doc);
    total += sized.bytes;
    if (total > limits.maxBytes) throw mongoError(`the query result is larger than ${limits.maxBytes} bytes; add a limit or a projection`);
    return sized.value;
  });
}

/**
 * Caps a result evaluated on the main thread (only lists are capped).
 * @param result - a method's result
 * @param limits - the caps
 * @throws ServerError 400 `MongoDBError` when the result exceeds `maxBytes`
 */
export function capResult(result: unknown, limits: ResultLimits): unknown {
  if (!Array.isArray(result)) return result;
  return capList(result as Doc[], limits, (doc) => ({ bytes: BSON.calculateObjectSize(doc), value: doc }));
}
