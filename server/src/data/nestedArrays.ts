/**
 * MongoDB's traversal of a query path through arrays nested in arrays. A query path steps into the
 * elements of an array by a field name (`"a.b"` reaches each `b` of `a: [{b: 1}, {b: 2}]`), but
 * not into an array that is itself an element: `{a: [[{b: 5}]]}` and `{a: [[5, 6]]}` have no
 * `a.b`. mingo's path resolution stops at such an array and hands the array itself on, so
 * `{"a.b": 5}` matched `{a: [[5, 6]]}` and `{"a.b": {$exists: true}}` matched both. Each query
 * operator here runs on a view of the document in which such arrays are left out along its path
 * (an index, `"a.0.b"`, still reaches them). The view is the document itself unless one is met.
 * The equalities (`$eq`, `$ne`, `$in`, `$nin`) take their values from bsonSort.ts's `leafValues`
 * instead (bsonOperators.ts), which also gives MongoDB's null semantics.
 * @packageDocumentation
 */
import type { AnyObject, Options } from "mingo/types";
import { Query } from "mingo/query";
import { someLeafValue } from "./bsonSort.js";
import { isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";

type Predicate = (obj: AnyObject) => boolean;
type QueryOperator = (selector: string, value: unknown, options: Options) => Predicate;

/** The operators that take no path (they combine or evaluate whole queries). */
const WHOLE_QUERY = new Set(["$and", "$or", "$nor", "$expr", "$where", "$jsonSchema", "$comment", "$text"]);

const isIndex = (part: string): boolean => /^\d+$/.test(part);

function withField(obj: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...obj };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/**
 * `value` as the query path `parts` (from `at` on) sees it: the arrays that are elements of an
 * array the path steps into by a field name are left out. Copies only what changes.
 */
function viewAlong(value: unknown, parts: string[], at: number): unknown {
  const part = parts[at];
  if (part === undefined) return value;
  if (Array.isArray(value)) {
    if (isIndex(part)) {
      const element: unknown = value[Number(part)];
      const seen = viewAlong(element, parts, at + 1);
      if (seen === element) return value;
      const copy: unknown[] = value.slice();
      copy[Number(part)] = seen;
      return copy;
    }
    let copy: unknown[] | undefined;
    value.forEach((element: unknown, i) => {
      const seen = Array.isArray(element) ? undefined : viewAlong(element, parts, at);
      if (seen === element && copy === undefined) return;
      copy ??= value.slice(0, i);
      if (seen !== undefined) copy.push(seen);
    });
    return copy ?? value;
  }
  if (!isPlainObject(value) || !Object.hasOwn(value, part)) return value;
  const child = value[part];
  const seen = viewAlong(child, parts, at + 1);
  return seen === child ? value : withField(value, part, seen);
}

/** The operators that walk the path themselves (bsonSort.ts's `someLeafValue`): the equalities of bsonOperators.ts, and those below. */
const OWN_TRAVERSAL = new Set(["$eq", "$ne", "$in", "$nin", "$all", "$size", "$elemMatch"]);

/** Logical operators that make an `$elemMatch` a query on documents even among operators. */
const LOGICAL = new Set(["$and", "$or", "$nor"]);

/** An array as the document MongoDB matches a query on: its elements under the fields "0", "1", … */
function asDocument(array: unknown[]): AnyObject {
  const out: AnyObject = {};
  array.forEach((element, i) => {
    out[String(i)] = element;
  });
  return out;
}

/**
 * `$elemMatch` as MongoDB's: an array the path reaches (not an element of one) has an element that
 * matches. A query on fields (`{b: null}`, `{$or: […]}`) tests the elements that are documents (an
 * array as the document of its indexes); other elements never match (mingo ran it on numbers too,
 * so `{a: {$elemMatch: {b: null}}}` matched `a: [1, 2]`). Operator conditions (`{$gt: 4}`) test each
 * element as mingo does.
 * @throws ServerError `MongoDBError` for an argument that is not a document, and (through mingo) for a malformed query
 */
export const elemMatchOperator: QueryOperator = (selector, value, options) => {
  if (!isPlainObject(value)) throw mongoError("$elemMatch needs an Object");
  const criteria = value;
  const keys = Object.keys(criteria);
  const onValues = keys.length > 0 && keys.every((k) => k.startsWith("$") && !LOGICAL.has(k));
  const query = new Query(onValues ? { v: criteria } : criteria, options);
  const element = onValues
    ? (e: unknown) => query.test({ v: e })
    : (e: unknown) => (isPlainObject(e) ? query.test(e) : Array.isArray(e) && query.test(asDocument(e)));
  const parts = selector.split(".");
  return (obj) => someLeafValue(obj, parts, (v) => Array.isArray(v) && v.some(element));
};

/** `$size` of each array the path reaches (not of arrays gathered from several documents, nor of a nested array). */
const sizeOperator: QueryOperator = (selector, value) => {
  const parts = selector.split(".");
  return (obj) => someLeafValue(obj, parts, (v) => Array.isArray(v) && v.length === value);
};

/** The query operators of this file, to lay over mingo's (their arguments are checked first, queryChecks.ts). */
export const pathQueryOperators: Record<string, QueryOperator> = { $elemMatch: elemMatchOperator, $size: sizeOperator };

/**
 * The query operators with each one that takes a dotted path run on the view of the document
 * along that path (see the module's summary).
 * @param operators - the query operators
 */
export function nestedArrayPaths<T extends object>(operators: T): T {
  const out: Record<string, QueryOperator> = { ...(operators as unknown as Record<string, QueryOperator>) };
  for (const [name, operator] of Object.entries(out)) {
    if (WHOLE_QUERY.has(name) || OWN_TRAVERSAL.has(name) || !name.startsWith("$")) continue;
    out[name] = (selector, value, options) => {
      const test = operator(selector, value, options);
      if (!selector.includes(".")) return test;
      const parts = selector.split(".");
      return (obj) => test(viewAlong(obj, parts, 0) as AnyObject);
    };
  }
  return out as unknown as T;
}
