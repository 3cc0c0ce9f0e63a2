/**
 * Sorts in MongoDB's order (bsonCompare.ts), for `find`'s `sort` (and `findOneAnd…`'s) and the
 * `$sort` stage: a field holding an array sorts by its smallest element ascending and its largest
 * descending, an empty array before null (after MinKey), and a path through an array of documents
 * collects the field of each (null where one lacks it). Ties keep their order.
 * @packageDocumentation
 */
import type { Iterator } from "mingo/lazy";
import { Lazy } from "mingo/lazy";
import type { AnyObject } from "mingo/types";
import { compareBson } from "./bsonCompare.js";
import { isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { checkSortSpec } from "./sortSpec.js";

/**
 * True if `test` holds for one of the values a dotted path reaches in a document, as MongoDB's
 * queries see them: through an array (unless the next part is an index) the path goes on in each
 * document element (not into nested arrays), and a place where the path is missing gives
 * `undefined` (a document, or a document element, that lacks the rest). A value that is an array
 * is tested as it is. Allocates nothing and stops at the first value that passes.
 * @param doc - the document
 * @param parts - the path's parts
 * @param test - the test of one value
 * @param from - the part to start at (the walk's own recursion)
 */
export function someLeafValue(doc: unknown, parts: readonly string[], test: (v: unknown) => boolean, from = 0): boolean {
  let at = doc;
  for (let i = from; i < parts.length; i++) {
    const part = parts[i] as string;
    if (Array.isArray(at)) {
      if (isIndexPart(part)) {
        at = at[Number(part)];
        continue;
      }
      // one level of array: the path goes on in its documents (not into nested arrays)
      for (const item of at) if (isPlainObject(item) && someLeafValue(item, parts, test, i)) return true;
      return false;
    }
    at = isPlainObject(at) && Object.hasOwn(at, part) ? at[part] : undefined;
  }
  return test(at);
}

function isIndexPart(part: string): boolean {
  if (part.length === 0) return false;
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The values a dotted path reaches in a document ({@link someLeafValue}), in document order.
 * @param doc - the document
 * @param path - a dotted path, or its parts
 */
export function leafValues(doc: unknown, path: string | string[]): unknown[] {
  const out: unknown[] = [];
  someLeafValue(doc, typeof path === "string" ? path.split(".") : path, (v) => {
    out.push(v);
    return false;
  });
  return out;
}

/** Sorts after MinKey and before null, as an empty array does in MongoDB's sorts. */
const EMPTY_ARRAY = Symbol("empty array");
const isMinKey = (v: unknown): boolean => (v as { _bsontype?: unknown } | null)?._bsontype === "MinKey";

/** A document's sort key for one field: of an array, its smallest (or largest) element. */
function sortKey(doc: AnyObject, path: string, direction: 1 | -1): unknown {
  const leaves = leafValues(doc, path);
  // nothing reached (a path through an array of non-documents): a missing field, null
  if (leaves.length === 0) return null;
  if (leaves.length === 1 && !Array.isArray(leaves[0])) return leaves[0];
  const items: unknown[] = [];
  for (const leaf of leaves) {
    if (Array.isArray(leaf)) for (const item of leaf as unknown[]) items.push(item);
    else items.push(leaf === undefined ? null : leaf);
  }
  if (items.length === 0) return EMPTY_ARRAY;
  let best = items[0];
  for (const item of items) if (compareBson(item, best) * direction < 0) best = item;
  return best;
}

function compareKeys(a: unknown, b: unknown): number {
  // the common cases first: two numbers, two strings
  if (typeof a === "number" && typeof b === "number" && a === a && b === b) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (a === EMPTY_ARRAY || b === EMPTY_ARRAY) {
    if (a === b) return 0;
    const other = a === EMPTY_ARRAY ? b : a;
    const emptyFirst = isMinKey(other) ? 1 : -1;
    return a === EMPTY_ARRAY ? emptyFirst : -emptyFirst;
  }
  return compareBson(a, b);
}

/**
 * Documents in MongoDB's sort order (a stable sort: ties keep their order).
 * @param docs - the documents (not changed)
 * @param spec - the sort specification, its orders 1 or -1
 * @throws ServerError 400 `MongoDBError` for another order (sortSpec.ts)
 */
export function sortDocs<T extends AnyObject>(docs: readonly T[], spec: Record<string, unknown>): T[] {
  checkSortSpec(spec);
  const fields = Object.entries(spec).map(([path, dir]) => ({ path, dir: dir as 1 | -1 }));
  const keyed = docs.map((doc) => ({ doc, keys: fields.map((f) => sortKey(doc, f.path, f.dir)) }));
  keyed.sort((x, y) => {
    for (let i = 0; i < fields.length; i++) {
      const c = compareKeys(x.keys[i], y.keys[i]);
      if (c !== 0) return c * (fields[i]?.dir ?? 1);
    }
    return 0;
  });
  return keyed.map((k) => k.doc);
}

/**
 * The `$sort` stage over {@link sortDocs}.
 * @param collection - the stage's input
 * @param expr - the sort specification
 * @throws ServerError 400 `MongoDBError` for an order other than 1 or -1, or no sort key
 */
export const sortStage = (collection: Iterator, expr: unknown): Iterator => {
  checkSortSpec(expr);
  if (Object.keys(expr as object).length === 0) throw mongoError("$sort stage must have at least one sort key");
  return collection.transform((docs) => Lazy(sortDocs(docs as AnyObject[], expr as Record<string, unknown>)));
};
