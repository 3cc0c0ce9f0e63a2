/**
 * `collection.distinct(field, query)` for functions: the service has no distinct method, so the
 * matching documents are grouped by the path's top-level field (an aggregation, under the caller's
 * rules as any) and the values collected from the groups as MongoDB's distinct does: an array's
 * elements count one by one, paths go through arrays of documents, a document without the
 * field adds nothing, and numbers equal by value are one value.
 * @packageDocumentation
 */
import { ValueGroups } from "../data/bsonGroups.js";
import { isPlainObject } from "../data/bsonValues.js";

type Obj = Record<string, unknown>;

/**
 * The distinct values of `field` among `docs`, first occurrence first.
 * @param docs - the matching documents (projected or not)
 * @param field - a field path, dotted for embedded fields
 * @throws Error if `field` is not a non-empty string
 */
export function distinctValues(docs: readonly Obj[], field: string): unknown[] {
  if (typeof field !== "string" || field === "") throw new Error("distinct() takes a field name as its first argument");
  const path = field.split(".");
  const seen = new Set<string>();
  const out: unknown[] = [];
  // numbers equal by value (1, Long(1), Decimal128("1.0")) are one value, the first met
  const groups = new ValueGroups();
  for (const doc of docs) {
    for (const value of valuesAt(doc, path)) {
      const key = groups.key(value);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(value);
    }
  }
  return out;
}

function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  const [key, ...rest] = path;
  if (key === undefined) return Array.isArray(value) ? value : [value];
  if (Array.isArray(value)) {
    const index = /^\d+$/.test(key) ? Number(key) : -1;
    const own = index >= 0 && index < value.length ? valuesAt(value[index], rest) : [];
    return [...own, ...value.flatMap((item) => (isPlainObject(item) ? valuesAt(item, path) : []))];
  }
  return isPlainObject(value) && Object.hasOwn(value, key) ? valuesAt(value[key], rest) : [];
}
