/**
 * The other collections an aggregation pipeline reads (`$lookup`, `$graphLookup`, `$unionWith`,
 * also inside `$facet` and nested pipelines) or writes (`$out`, `$merge`), so their replicas can be
 * sent with the call.
 * @packageDocumentation
 */
import { isPlainObject } from "./bsonValues.js";

/** Nesting deeper than this is not searched (such a pipeline fails in mingo anyway). */
const MAX_DEPTH = 64;

/**
 * Names of the collections a pipeline refers to (same database), without duplicates.
 * @param pipeline - the stages
 */
export function referencedCollections(pipeline: unknown[]): string[] {
  const found = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    if (!isPlainObject(value)) return;
    for (const [key, inner] of Object.entries(value)) {
      if ((key === "$lookup" || key === "$graphLookup") && isPlainObject(inner) && typeof inner.from === "string") found.add(inner.from);
      // the collection `$out` or `$merge` writes (its other-database form is refused later)
      if (key === "$out") {
        if (typeof inner === "string") found.add(inner);
        else if (isPlainObject(inner) && typeof inner.coll === "string") found.add(inner.coll);
      }
      if (key === "$merge") {
        const into = typeof inner === "string" || !isPlainObject(inner) ? inner : inner.into;
        if (typeof into === "string") found.add(into);
        else if (isPlainObject(into) && typeof into.coll === "string") found.add(into.coll);
      }
      if (key === "$unionWith") {
        if (typeof inner === "string") found.add(inner);
        else if (isPlainObject(inner) && typeof inner.coll === "string") found.add(inner.coll);
      }
      visit(inner, depth + 1);
    }
  };
  visit(pipeline, 0);
  return [...found];
}
