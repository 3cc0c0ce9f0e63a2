/**
 * `$pull` and `$pullAll` as MongoDB applies them (its update/pull_node.cpp and pull_all_node.cpp),
 * where mingo's differ and remove what they should not:
 *
 * - a condition that is a document whose first field is not a query operator (`{b: 5}`, `{}`,
 *   `{$or: […]}`) is a query on each element that is a document; other elements stay (mingo ran
 *   it on scalars too: `{$pull: {a: {b: 5}}}` removed the `5` of `[5, 6]`, and `{a: {}}` emptied
 *   the array);
 * - a condition that starts with a query operator (`{$gt: 5}`), or a regex, tests each element as
 *   the value of a field;
 * - any other value (a scalar, an array) removes the elements equal to it, numbers of any BSON type
 *   by value; so does each value of `$pullAll`, which mingo ran as `$in` and so also removed an
 *   array element that merely held the value (`$pullAll: {a: [5]}` emptied `[[5, 6]]`).
 *
 * Each target becomes a `$set` of its new array (none when nothing is removed), also through
 * `$[]` and `$[id]`. A missing target is left as it is. Conflicting paths, `$`, and targets that are
 * not arrays stay mingo's, so
 * its errors still answer them.
 * @packageDocumentation
 */
import { bsonEqual } from "./bsonCompare.js";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { concreteTargets, target } from "./arrayTargets.js";
import { Query } from "./mingoOptions.js";

/** The operators a condition on a field may start with (MongoDB's path-accepting keywords). */
const FIELD_OPERATORS = new Set([
  "$eq",
  "$ne",
  "$gt",
  "$gte",
  "$lt",
  "$lte",
  "$in",
  "$nin",
  "$exists",
  "$type",
  "$size",
  "$all",
  "$elemMatch",
  "$regex",
  "$options",
  "$mod",
  "$not",
  "$bitsAllClear",
  "$bitsAllSet",
  "$bitsAnyClear",
  "$bitsAnySet",
  "$geoWithin",
  "$geoIntersects",
  "$near",
  "$nearSphere",
  "$within",
  "$maxDistance",
  "$minDistance",
]);

function isRegex(value: unknown): boolean {
  return value instanceof RegExp || (value as { _bsontype?: unknown } | null)?._bsontype === "BSONRegExp";
}

/**
 * The test of one element that a `$pull` condition stands for.
 * @param condition - the value given for the field
 * @throws ServerError `MongoDBError` (through mingo) for a malformed query
 */
export function pullMatcher(condition: unknown): (element: unknown) => boolean {
  if (isPlainObject(condition)) {
    const first = Object.keys(condition)[0];
    if (first === undefined || !FIELD_OPERATORS.has(first)) {
      const query = new Query(condition, {});
      return (element) => isPlainObject(element) && query.test(element);
    }
  }
  if (isPlainObject(condition) || isRegex(condition)) {
    const query = new Query({ v: condition }, {});
    return (element) => query.test({ v: element });
  }
  return (element) => bsonEqual(element, condition);
}

/** True if another path of the update is the same, or one holds the other (a conflict mingo reports). */
export function conflicts(update: Doc, op: string, path: string): boolean {
  for (const [other, fields] of Object.entries(update)) {
    if (!isPlainObject(fields)) continue;
    for (const p of Object.keys(fields)) {
      if (other === op && p === path) continue;
      if (p === path || p.startsWith(`${path}.`) || path.startsWith(`${p}.`)) return true;
    }
  }
  return false;
}

/** A field of the update applied here: its operator, its path, and each concrete target with its new value (undefined when unchanged). */
export interface FieldRewrite {
  op: string;
  path: string;
  values: [string, unknown][];
}

/**
 * The `$pull` and `$pullAll` fields the server applies itself (see the module's summary).
 * @param doc - the document before the update
 * @param update - the operators, `$` already resolved
 * @param arrayFilters - for `$[id]`
 * @throws ServerError `MongoDBError` for a malformed `$pull` query
 */
export function pulledArrays(doc: Doc, update: Doc, arrayFilters?: Doc[]): FieldRewrite[] {
  const out: FieldRewrite[] = [];
  for (const op of ["$pull", "$pullAll"]) {
    const fields = update[op];
    if (!isPlainObject(fields)) continue;
    for (const [path, condition] of Object.entries(fields)) {
      if (op === "$pullAll" && !Array.isArray(condition)) continue;
      const concrete = concreteTargets(doc, path, arrayFilters);
      if (concrete === undefined || conflicts(update, op, path)) continue;
      const removes =
        op === "$pullAll"
          ? (element: unknown) => (condition as unknown[]).some((value) => bsonEqual(element, value))
          : pullMatcher(condition);
      const arrays: [string, unknown[] | undefined][] = [];
      for (const at of concrete) {
        const found = target(doc, at);
        // a missing field is left as it is; a value that is not an array is mingo's to refuse
        if (found.kind === "missing") arrays.push([at, undefined]);
        if (found.kind !== "value" || !Array.isArray(found.value)) {
          if (found.kind === "missing") continue;
          break;
        }
        const kept = found.value.filter((element) => !removes(element));
        arrays.push([at, kept.length === found.value.length ? undefined : kept]);
      }
      if (arrays.length === concrete.length) out.push({ op, path, values: arrays });
    }
  }
  return out;
}
