/**
 * Field paths for the stages of bsonStages.ts: reading and setting a value at one as MongoDB's
 * Document and MutableDocument classes do (the path's own checks are fieldPaths.ts').
 * @packageDocumentation
 */
import { defineOwn, isPlainObject, type Doc } from "./bsonValues.js";

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
