/**
 * Field paths for the stages of bsonStages.ts: MongoDB's rules of a field path (field_path.cpp)
 * and reading and setting a value at one as its Document and MutableDocument classes do.
 * @packageDocumentation
 */
import { defineOwn, isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";

/** The most components a field path may have (BSONDepth::getMaxAllowableDepth()). */
const MAX_PATH_COMPONENTS = 200;

/** The `$`-prefixed names a FieldPath accepts (DBRef fields and metadata). */
const ALLOWED_DOLLAR_NAMES = new Set(["$id", "$ref", "$db", "$sortKey", "$recordId", "$searchSortValues", "$searchScore"]);

/**
 * Checks a dotted field path as MongoDB's FieldPath constructor does (6.0/7.0, at FCV 5.0 or later,
 * which adds the `$getField` hint).
 * @param path - a path such as `a.b` (without a leading `$`)
 * @returns the path's components
 * @throws ServerError 400 `MongoDBError` for an empty path or component, a trailing dot, a component starting with `$`, a NUL, or more than 200 components
 */
export function checkedFieldPath(path: string): string[] {
  if (path === "") throw mongoError("FieldPath cannot be constructed with empty string");
  if (path.endsWith(".")) throw mongoError("FieldPath must not end with a '.'.");
  const parts = path.split(".");
  if (parts.length > MAX_PATH_COMPONENTS) throw mongoError("FieldPath is too long");
  for (const part of parts) {
    if (part === "") throw mongoError("FieldPath field names may not be empty strings.");
    if (part.startsWith("$") && !ALLOWED_DOLLAR_NAMES.has(part)) {
      throw mongoError("FieldPath field names may not start with '$'. Consider using $getField or $setField.");
    }
    // MongoDB's text holds the NUL itself, which ends the C string: the message stops there
    if (part.includes("\0")) throw mongoError("FieldPath field names may not contain '");
  }
  return parts;
}

/**
 * The value at a path through documents only (Document::getNestedField): undefined where it is
 * missing or meets anything but a document (an array included).
 * @param doc - a document
 * @param parts - the path's components
 */
export function nestedValue(doc: Doc, parts: readonly string[]): unknown {
  let at: unknown = doc;
  for (const part of parts) {
    if (!isPlainObject(at) || !Object.hasOwn(at, part)) return undefined;
    at = at[part];
  }
  return at;
}

/** Given to {@link withValueAt} as the value, removes the field. */
export const REMOVE = Symbol("remove");

/**
 * A copy of `doc` with the value at `parts` set (or removed with {@link REMOVE}), each document on
 * the path copied and anything else on it replaced by a new document (MutableDocument's
 * setNestedField); the input is not changed. A field set keeps its place, a new one comes last.
 * @param doc - a document
 * @param parts - the path's components
 * @param value - the value, or {@link REMOVE}
 * @param from - the component to start at (the recursion's own)
 */
export function withValueAt(doc: Doc, parts: readonly string[], value: unknown, from = 0): Doc {
  const out: Doc = { ...doc };
  const part = parts[from] as string;
  if (from === parts.length - 1) {
    if (value === REMOVE) delete out[part];
    else defineOwn(out, part, value);
    return out;
  }
  const inner = Object.hasOwn(doc, part) ? doc[part] : undefined;
  if (value === REMOVE && !isPlainObject(inner)) return out;
  defineOwn(out, part, withValueAt(isPlainObject(inner) ? inner : {}, parts, value, from + 1));
  return out;
}
