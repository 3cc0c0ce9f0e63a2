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
 * Each target becomes a `$set` of its new array (none when nothing is removed); `$`, `$[]` and
 * `$[id]` are resolved before (positional.ts, arrayTargets.ts). A missing target is left as it is.
 * Conflicting paths stay mingo's, which reports the conflict.
 * @packageDocumentation
 */
import { bsonEqual } from "./bsonCompare.js";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { target } from "./arrayTargets.js";
import { hashKey } from "./bsonOperators.js";
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

/**
 * A test of whether another path of the update is the same as `path`, or one holds the other (a
 * conflict mingo reports). Built once per update: an update through `$[]` may have many thousands
 * of paths.
 * @param update - the operators
 */
export function conflictTest(update: Doc): (path: string) => boolean {
  const seen = new Map<string, number>();
  const above = new Set<string>(); // every proper prefix of a path
  for (const fields of Object.values(update)) {
    if (!isPlainObject(fields)) continue;
    for (const path of Object.keys(fields)) {
      seen.set(path, (seen.get(path) ?? 0) + 1);
      for (let dot = path.indexOf("."); dot >= 0; dot = path.indexOf(".", dot + 1)) above.add(path.slice(0, dot));
    }
  }
  return (path) => {
    if ((seen.get(path) ?? 0) > 1 || above.has(path)) return true;
    for (let dot = path.indexOf("."); dot >= 0; dot = path.indexOf(".", dot + 1)) if (seen.has(path.slice(0, dot))) return true;
    return false;
  };
}

/** A field of the update applied here: its operator, its (concrete) path, and its new value (undefined when it stays). */
export interface FieldRewrite {
  op: string;
  path: string;
  value: unknown;
}

/** A test of equality with one of `values` (numbers of any BSON type by value), hashing what it can. */
function equalsOneOf(values: unknown[]): (element: unknown) => boolean {
  const keys = new Set<string>();
  const others: unknown[] = [];
  for (const value of values) {
    const key = hashKey(value);
    if (key === undefined) others.push(value);
    else keys.add(key);
  }
  return (element) => {
    const key = hashKey(element);
    return key === undefined ? others.some((value) => bsonEqual(element, value)) : keys.has(key);
  };
}

/**
 * The `$pull` and `$pullAll` fields the server applies itself (see the module's summary). Runs
 * after the type checks (updateTypes.ts) and once `$`, `$[]` and `$[id]` are resolved
 * (positional.ts, arrayTargets.ts): a target is an array, or missing (nothing changes).
 * @param doc - the document before the update
 * @param update - the operators
 * @param conflicts - from {@link conflictTest}
 * @throws ServerError `MongoDBError` for a malformed `$pull` query
 */
export function pulledArrays(doc: Doc, update: Doc, conflicts = conflictTest(update)): FieldRewrite[] {
  const out: FieldRewrite[] = [];
  for (const op of ["$pull", "$pullAll"]) {
    const fields = update[op];
    if (!isPlainObject(fields)) continue;
    for (const [path, condition] of Object.entries(fields)) {
      if ((op === "$pullAll" && !Array.isArray(condition)) || path.includes("$") || conflicts(path)) continue;
      const found = target(doc, path);
      if (found.kind !== "value") {
        if (found.kind === "missing") out.push({ op, path, value: undefined });
        continue;
      }
      if (!Array.isArray(found.value)) continue;
      const removes = op === "$pullAll" ? equalsOneOf(condition as unknown[]) : pullMatcher(condition);
      const kept = found.value.filter((element) => !removes(element));
      out.push({ op, path, value: kept.length === found.value.length ? undefined : kept });
    }
  }
  return out;
}
