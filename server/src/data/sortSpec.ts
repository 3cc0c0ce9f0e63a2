/**
 * Sort specifications as MongoDB accepts them: each key's order is 1 or -1 (mingo sorts by any
 * value it is given, so `{ a: "asc" }` or `{ a: 2 }` sorted silently).
 * @packageDocumentation
 */
import { mongoError } from "./errors.js";

/**
 * Checks a sort specification (of `find`'s `sort` or a `$sort` stage).
 * @param spec - the specification, its numbers already plain (see `normalize`)
 * @throws ServerError 400 `MongoDBError` `$sort key ordering must be 1 (for ascending) or -1 (for
 * descending)` for any other order
 */
export function checkSortSpec(spec: unknown): void {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) throw mongoError("the sort specification must be an object");
  for (const order of Object.values(spec)) {
    if (order !== 1 && order !== -1) throw mongoError("$sort key ordering must be 1 (for ascending) or -1 (for descending)");
  }
}
