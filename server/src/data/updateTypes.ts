/**
 * The type checks MongoDB makes before it applies update operators, which mingo skips (it leaves
 * the document unchanged and the update "succeeds"): arithmetic on a non-number, array operators
 * on a non-array, a path that would go through a value that is not a document, and a `$rename`
 * into or out of an array element. Each fails
 * with MongoDB's message, and nothing is written.
 * @packageDocumentation
 */
import { bsonTypeName, isNumeric } from "./bsonNumbers.js";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";

const ARITHMETIC = ["$inc", "$mul"];
const ARRAY_OPS = ["$push", "$addToSet", "$pull", "$pullAll", "$pop"];
const PATH_OPS = ["$set", "$inc", "$mul", "$min", "$max", "$currentDate", "$push", "$addToSet", "$bit"];
const REMOVING_OPS = ["$pull", "$pullAll", "$pop"];

type Found = { kind: "value"; value: unknown } | { kind: "missing" } | { kind: "blocked"; key: string; at: string; value: unknown };

/**
 * A value as MongoDB's messages show it, briefly (`"a"`, `5`, `[...]`, `{...}`).
 * @param value - a value
 */
export function shown(value: unknown): string {
  if (Array.isArray(value)) return "[...]";
  return typeof value === "string" ? JSON.stringify(value) : bsonTypeName(value) === "object" ? "{...}" : String(value);
}

/**
 * Where a dotted path leads in a document. An array is followed by an index (`items.1.qty`); any
 * other name in an array is blocked, as MongoDB refuses to create a field there (an update of
 * `items.qty` without `$`). Paths with positional parts are not followed.
 */
function follow(doc: Doc, path: string): Found {
  const keys = path.split(".");
  let at: unknown = doc;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? "";
    if (Array.isArray(at)) {
      if (!/^\d+$/.test(key)) return { kind: "blocked", key, at: keys[i - 1] ?? "", value: at };
      if (Number(key) >= at.length) return { kind: "missing" };
      at = at[Number(key)];
      continue;
    }
    if (!isPlainObject(at)) return { kind: "blocked", key, at: keys[i - 1] ?? "", value: at };
    if (!Object.hasOwn(at, key)) return { kind: "missing" };
    at = at[key];
  }
  return { kind: "value", value: at };
}

function fieldsOf(update: Doc, op: string): string[] {
  const fields = update[op];
  return isPlainObject(fields) ? Object.keys(fields).filter((path) => !path.includes("$")) : [];
}

/**
 * Checks an operator update against the document it is applied to.
 * @param doc - the document before the update
 * @param update - the operators (`$setOnInsert` excluded)
 * @throws ServerError 400 `MongoDBError` with MongoDB's message for the first mismatch
 */
export function checkUpdateTypes(doc: Doc, update: Doc): void {
  const id = shown(doc._id);
  for (const op of PATH_OPS) {
    for (const path of fieldsOf(update, op)) {
      const found = follow(doc, path);
      if (found.kind === "blocked") {
        throw mongoError(`Cannot create field '${found.key}' in element {${found.at}: ${shown(found.value)}}`);
      }
      checkPadding(doc, path);
    }
  }
  // the array operators that remove may not go through a value that is not a document either
  for (const op of REMOVING_OPS) {
    for (const path of fieldsOf(update, op)) {
      const found = follow(doc, path);
      if (found.kind === "blocked") throw notViable(found, path);
    }
  }
  for (const op of ARITHMETIC) {
    for (const path of fieldsOf(update, op)) {
      const found = follow(doc, path);
      if (found.kind === "value" && !isNumeric(found.value)) {
        throw mongoError(
          `Cannot apply ${op} to a value of non-numeric type. {_id: ${id}} has the field '${path.split(".").pop() ?? path}' of non-numeric type ${bsonTypeName(found.value)}`,
        );
      }
    }
  }
  for (const op of ARRAY_OPS) {
    for (const path of fieldsOf(update, op)) {
      const found = follow(doc, path);
      if (found.kind !== "value" || Array.isArray(found.value)) continue;
      if (op === "$push")
        throw mongoError(`The field '${path}' must be an array but is of type ${bsonTypeName(found.value)} in document {_id: ${id}}`);
      if (op === "$addToSet")
        throw mongoError(
          `Cannot apply $addToSet to non-array field. Field named '${path}' has non-array type ${bsonTypeName(found.value)}`,
        );
      if (op === "$pop") throw mongoError(`Path '${path}' contains an element of non-array type '${bsonTypeName(found.value)}'`);
      throw mongoError(`Cannot apply ${op} to a non-array value`);
    }
  }
  checkRenames(doc, update, id);
}

/** The most nulls MongoDB pads an array with to reach an index (path_support.cpp's kMaxPaddingAllowed). */
const MAX_PADDING = 1_500_000;

/**
 * Refuses a path whose index lies more than {@link MAX_PADDING} elements past the end of its
 * array, as MongoDB does (mingo padded it, 100 million nulls for `a.100000000`).
 * @throws ServerError `MongoDBError` `can't backfill more than 1500000 elements`
 */
function checkPadding(doc: Doc, path: string): void {
  let at: unknown = doc;
  for (const key of path.split(".")) {
    if (Array.isArray(at) && /^\d+$/.test(key)) {
      if (Number(key) - at.length > MAX_PADDING) throw mongoError(`can't backfill more than ${MAX_PADDING} elements`);
      at = at[Number(key)];
    } else if (isPlainObject(at) && Object.hasOwn(at, key)) {
      at = at[key];
    } else return;
  }
}

/** The name of the first array met along `path` before its last part (the array holding the field), or undefined; and whether the whole path exists. */
function arrayAbove(doc: Doc, path: string): { array: string | undefined; exists: boolean } {
  const keys = path.split(".");
  let at: unknown = doc;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (Array.isArray(at)) {
      const array = keys[i - 1] ?? "";
      const exists =
        /^\d+$/.test(key) &&
        Number(key) < at.length &&
        follow({ v: at[Number(key)] }, ["v", ...keys.slice(i + 1)].join(".")).kind === "value";
      return { array, exists };
    }
    if (!isPlainObject(at) || !Object.hasOwn(at, key)) return { array: undefined, exists: false };
    at = at[key];
  }
  return { array: undefined, exists: true };
}

/**
 * `$rename` as MongoDB limits it (mingo moved fields into and out of array elements, and padded an
 * array up to a destination index): neither field may be positional, the source may not be in an
 * array element, nor may the destination.
 */
function checkRenames(doc: Doc, update: Doc, id: string): void {
  const renames = update.$rename;
  if (!isPlainObject(renames)) return;
  for (const [from, to] of Object.entries(renames)) {
    if (typeof to !== "string") continue; // mingo answers a target that is not a string
    if (from.split(".").some((part) => part.startsWith("$"))) throw mongoError(`The source field for $rename may not be dynamic: ${from}`);
    if (to.split(".").some((part) => part.startsWith("$"))) throw mongoError(`The destination field for $rename may not be dynamic: ${to}`);
    const source = arrayAbove(doc, from);
    if (source.array !== undefined && source.exists)
      throw mongoError(
        `The source field cannot be an array element, '${from}' in doc with _id: ${id} has an array field called '${source.array}'`,
      );
    const found = follow(doc, from);
    // MongoDB's findLongestPrefix words it so
    if (found.kind === "blocked")
      throw mongoError(`cannot use the part (${found.at} of ${from}) to traverse the element ({${found.at}: ${shown(found.value)}})`);
    if (found.kind !== "value") continue; // nothing to move
    const destination = arrayAbove(doc, to);
    if (destination.array !== undefined)
      throw mongoError(
        `The destination field cannot be an array element, '${to}' in doc with _id: ${id} has an array field called '${destination.array}'`,
      );
    // a destination through a value that is not a document: the field would be lost on the way
    const target = follow(doc, to);
    if (target.kind === "blocked")
      throw mongoError(`Cannot create field '${target.key}' in element {${target.at}: ${shown(target.value)}}`);
  }
}

/** MongoDB's PathNotViable: a path that goes through a value that is not a document. */
function notViable(found: Extract<Found, { kind: "blocked" }>, path: string): Error {
  return mongoError(`Cannot use the part (${found.key}) of (${path}) to traverse the element ({${found.at}: ${shown(found.value)}})`);
}
