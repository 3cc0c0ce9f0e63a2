/**
 * The order of the fields an operator update creates. MongoDB (5.0 and later) applies an update's
 * fields in lexicographic order, numeric names in numeric order, whatever the order they were sent
 * in, so the fields it creates in one document come in that order after the existing ones
 * (`$set: {z: 1, b: 2}` on `{_id: 1}` stores `{_id: 1, b: 2, z: 1}`). mingo creates them in the
 * order they were sent; this puts them in MongoDB's order afterwards.
 * @packageDocumentation
 */
import { defineOwn, isPlainObject, type Doc } from "./bsonValues.js";

/** The operators that never create a field. */
const REMOVING = new Set(["$unset", "$pull", "$pullAll", "$pop"]);

const NUMERIC = /^\d+$/;
const DIGIT = /^\d/;

/**
 * MongoDB's order of field names in an update (its `cmpPathsAndArrayIndexes`): two names that
 * start with a digit, neither zero-padded, by length, then by code unit (`9a` before `10b`, `2nd`
 * after `10b`); any other two by code unit (MongoDB compares bytes; the two differ only between
 * characters above U+FFFF and U+E000–U+FFFF).
 * @param a - a field name
 * @param b - another
 * @returns negative, zero or positive, as for `Array.prototype.sort`
 */
export function compareFieldNames(a: string, b: string): number {
  const padded = (name: string): boolean => name[0] === "0" && name.length > 1;
  if (DIGIT.test(a) && DIGIT.test(b) && !padded(a) && !padded(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * MongoDB's order of two dotted paths in an update: field by field ({@link compareFieldNames}), a
 * path before the paths within it.
 * @param a - a path
 * @param b - another
 * @returns negative, zero or positive, as for `Array.prototype.sort`
 */
export function comparePaths(a: string, b: string): number {
  const pa = a.split(".");
  const pb = b.split(".");
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = compareFieldNames(pa[i] as string, pb[i] as string);
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}

/** The documents an update may add fields to, by path (`""` is the root), with the fields each one had. */
export type FieldSnapshot = Map<string, ReadonlySet<string>>;

/** The paths an operator update may create: each field's, and each `$rename`'s destination. */
function createdPaths(update: Doc): string[] {
  const out: string[] = [];
  for (const [op, fields] of Object.entries(update)) {
    if (REMOVING.has(op) || !isPlainObject(fields)) continue;
    // (no spread into push: an update through `$[]` may name hundreds of thousands of paths)
    if (op === "$rename") {
      for (const to of Object.values(fields)) if (typeof to === "string") out.push(to);
    } else {
      for (const path of Object.keys(fields)) out.push(path);
    }
  }
  return out;
}

/**
 * Records, before an update is applied, the documents it may add fields to and the fields they
 * have: along each path, the last document that exists (if the path does not end there) and every
 * document below it, which the update creates. A path that exists already adds nothing.
 * @param doc - the document, before the update
 * @param update - the operators, with concrete paths (no `$`, `$[]` or `$[id]`)
 * @returns what {@link orderNewFields} needs
 */
export function snapshotFields(doc: Doc, update: Doc): FieldSnapshot {
  const snapshot = new Map<string, ReadonlySet<string>>();
  for (const path of createdPaths(update)) {
    const parts = path.split(".");
    let at: unknown = doc;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      const prefix = parts.slice(0, i).join(".");
      let missing: boolean;
      if (isPlainObject(at)) {
        missing = !Object.hasOwn(at, part);
        if (missing && !snapshot.has(prefix)) snapshot.set(prefix, new Set(Object.keys(at)));
      } else if (Array.isArray(at) && NUMERIC.test(part)) {
        missing = Number(part) >= at.length;
      } else {
        break; // a path through a value that is not a document fails, or is mingo's
      }
      if (missing) {
        // the documents below are created: all their fields are new
        for (let j = i + 1; j < parts.length; j++) snapshot.set(parts.slice(0, j).join("."), new Set());
        break;
      }
      at = isPlainObject(at) ? at[part] : (at as unknown[])[Number(part)];
    }
  }
  return snapshot;
}

function valueAt(doc: Doc, path: string): unknown {
  if (path === "") return doc;
  let at: unknown = doc;
  for (const part of path.split(".")) {
    if (isPlainObject(at)) at = Object.hasOwn(at, part) ? at[part] : undefined;
    else if (Array.isArray(at) && NUMERIC.test(part)) at = at[Number(part)];
    else return undefined;
  }
  return at;
}

/**
 * Puts the fields an update added to each recorded document after the ones it had, in MongoDB's
 * order ({@link compareFieldNames}). Works in place.
 * @param doc - the document, after the update
 * @param snapshot - from {@link snapshotFields}, taken before it
 */
export function orderNewFields(doc: Doc, snapshot: FieldSnapshot): void {
  for (const [path, had] of snapshot) {
    const at = valueAt(doc, path);
    if (!isPlainObject(at)) continue;
    const keys = Object.keys(at);
    const added = keys.filter((key) => !had.has(key));
    if (added.length < 2) continue;
    const sorted = [...added].sort(compareFieldNames);
    const tail = keys.slice(keys.length - added.length);
    if (sorted.every((key, i) => key === tail[i])) continue;
    const values = sorted.map((key) => at[key]);
    for (const key of added) delete at[key];
    sorted.forEach((key, i) => defineOwn(at, key, values[i]));
  }
}
