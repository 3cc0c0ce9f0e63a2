/**
 * `collection.bulkWrite(operations, options)` for functions, as App Services documents it: the
 * operations (`insertOne`, `updateOne`, `updateMany`, `deleteOne`, `deleteMany`, `replaceOne`) run
 * one after another on the collection, each under the caller's rules; `ordered` (the default)
 * stops at the first failure, unordered runs them all and then fails with the first failure. Like
 * MongoDB's, a bulk write is not atomic: operations before a failure stay done. Resolves to `null`.
 * @packageDocumentation
 */

import { isPlainObject } from "../data/bsonValues.js";

type Obj = Record<string, unknown>;

/** The collection methods a bulk write uses. */
export interface BulkTarget {
  insertOne(document: Obj): Promise<unknown>;
  updateOne(filter: Obj, update: Obj | Obj[], options: Obj): Promise<unknown>;
  updateMany(filter: Obj, update: Obj | Obj[], options: Obj): Promise<unknown>;
  deleteOne(filter: Obj): Promise<unknown>;
  deleteMany(filter: Obj): Promise<unknown>;
  findOneAndReplace(filter: Obj, replacement: Obj, options: Obj): Promise<unknown>;
}

type Step = () => Promise<unknown>;

/**
 * Runs a bulk write.
 * @param target - the collection
 * @param operations - `[{insertOne: {document}}, {updateOne: {filter, update, upsert?, arrayFilters?}}, …]`
 * @param options - `ordered` (default true)
 * @returns null
 * @throws Error (as a rejection) naming the operation for a malformed one, before any runs; the
 * first failure of an operation
 */
export async function bulkWrite(target: BulkTarget, operations: unknown, options: { ordered?: boolean } = {}): Promise<null> {
  if (!Array.isArray(operations) || operations.length === 0) throw new Error("bulkWrite() takes a non-empty array of operations");
  const steps = operations.map((op: unknown, i) => stepOf(target, op, i));
  let first: unknown;
  let failed = false;
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      if (options.ordered !== false) throw err;
      if (!failed) [first, failed] = [err, true];
    }
  }
  if (failed) throw first;
  return null;
}

function stepOf(target: BulkTarget, op: unknown, i: number): Step {
  const entries = isPlainObject(op) ? Object.entries(op) : [];
  const [kind, body] = entries[0] ?? [];
  if (entries.length !== 1 || !isPlainObject(body))
    throw malformed(i, "must be an object with one operation, such as {insertOne: {document}}");
  const filter = (): Obj => (body.filter === undefined ? {} : objectField(body, "filter", i));
  const updateOptions = (): Obj => ({ upsert: body.upsert === true, ...(body.arrayFilters ? { arrayFilters: body.arrayFilters } : {}) });
  switch (kind) {
    case "insertOne": {
      const document = objectField(body, "document", i);
      return () => target.insertOne(document);
    }
    case "updateOne":
    case "updateMany": {
      const [f, update, opts] = [filter(), updateField(body, i), updateOptions()];
      return () => target[kind](f, update, opts);
    }
    case "deleteOne":
    case "deleteMany": {
      const f = filter();
      return () => target[kind](f);
    }
    case "replaceOne": {
      const [f, replacement] = [filter(), objectField(body, "replacement", i)];
      return () => target.findOneAndReplace(f, replacement, { upsert: body.upsert === true });
    }
    default:
      throw malformed(i, `has an unknown operation ${JSON.stringify(kind)}`);
  }
}

function objectField(body: Obj, name: string, i: number): Obj {
  const value = body[name];
  if (!isPlainObject(value)) throw malformed(i, `needs a ${name} object`);
  return value;
}

function updateField(body: Obj, i: number): Obj | Obj[] {
  const value = body.update;
  if (Array.isArray(value) ? !value.every((stage) => isPlainObject(stage)) : !isPlainObject(value))
    throw malformed(i, "needs an update document or pipeline");
  return value as Obj | Obj[];
}

function malformed(i: number, what: string): Error {
  return new Error(`bulkWrite(): operation ${i} ${what}`);
}
