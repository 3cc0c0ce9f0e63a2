/**
 * The update operators `$inc`, `$mul`, `$min` and `$max` over Int64 and Decimal128 values, which
 * mingo's updater skips: it left a Decimal128 or an Int64 beyond 2^53 unchanged under `$inc`
 * and `$mul` and reported success, refused a Decimal128 amount, and compared with text. Before
 * mingo runs, each such field (on a path without positional parts; array indexes are followed) becomes a `$set` of the value
 * MongoDB computes: the sum or product typed as MongoDB types it (bsonArithmetic.ts), or the
 * smaller or larger value in MongoDB's order (bsonCompare.ts). `$addToSet` (with or without
 * `$each`) where an Int64 or a Decimal128 takes part adds only values no element equals by value
 * (mingo's added `1` to `[Decimal128("1")]`). A field left as it was is dropped, so a no-op update
 * stays unmodified.
 * @packageDocumentation
 */
import { Decimal128, Long } from "bson";
import { product, sum } from "./bsonArithmetic.js";
import { bsonEqual, compareBson } from "./bsonCompare.js";
import { isBsonNumber, isNumeric } from "./bsonNumbers.js";
import { isPlainObject, type Doc } from "./bsonValues.js";

const OPERATORS = ["$inc", "$mul", "$min", "$max"] as const;
type Operator = (typeof OPERATORS)[number];

/** A zero of a number's BSON type (what `$mul` sets on a missing field). */
function zeroLike(v: unknown): unknown {
  const type = (v as { _bsontype?: unknown } | null)?._bsontype;
  if (type === "Decimal128") return Decimal128.fromString("0");
  if (type === "Long") return Long.ZERO;
  return 0;
}

/** The field's new value, or `undefined` to leave it as it is. */
function computed(op: Operator, current: unknown, missing: boolean, amount: unknown): unknown {
  switch (op) {
    case "$inc":
      return missing ? amount : sum([current, amount]);
    case "$mul":
      return missing ? zeroLike(amount) : product([current, amount]);
    case "$min":
      return missing || compareBson(amount, current) < 0 ? amount : undefined;
    case "$max":
      return missing || compareBson(amount, current) > 0 ? amount : undefined;
  }
}

/** Where a path leads, following array indexes (`items.0.price`); `other` for what mingo handles. */
function target(doc: Doc, path: string): { kind: "value"; value: unknown } | { kind: "missing" } | { kind: "other" } {
  let at: unknown = doc;
  for (const part of path.split(".")) {
    if (Array.isArray(at)) {
      if (!/^\d+$/.test(part) || Number(part) >= at.length) return { kind: "other" };
      at = at[Number(part)];
    } else if (isPlainObject(at)) {
      if (!Object.hasOwn(at, part)) return { kind: "missing" };
      at = at[part];
    } else {
      return { kind: "other" };
    }
  }
  return { kind: "value", value: at };
}

/** True if another path of the update is the same, or one holds the other (a conflict mingo reports). */
function conflicts(update: Doc, op: string, path: string): boolean {
  for (const [other, fields] of Object.entries(update)) {
    if (!isPlainObject(fields)) continue;
    for (const p of Object.keys(fields)) {
      if (other === op && p === path) continue;
      if (p === path || p.startsWith(`${path}.`) || path.startsWith(`${p}.`)) return true;
    }
  }
  return false;
}

/**
 * An operator update with its `$inc`, `$mul`, `$min`, `$max` and `$addToSet` on Int64 and
 * Decimal128 values turned into `$set`s (or dropped where they change nothing). Run after the type checks
 * (updateTypes.ts), so an arithmetic target is a number or missing. Paths with positional parts,
 * and paths another operator of the update also names (a conflict mingo reports), stay mingo's.
 * @param doc - the document before the update
 * @param update - the operators (`$setOnInsert` excluded)
 * @returns the update to hand to mingo (`update` itself when nothing involves such values)
 * @throws nothing of its own: mingo answers the conflicts and positional paths it is left
 */
export function rewriteBsonUpdates(doc: Doc, update: Doc): Doc {
  let out: Doc | undefined;
  for (const op of OPERATORS) {
    const fields = update[op];
    if (!isPlainObject(fields)) continue;
    for (const [path, amount] of Object.entries(fields)) {
      if (path.includes("$") || !isNumeric(amount)) continue;
      const found = target(doc, path);
      if (found.kind === "other") continue;
      const current = found.kind === "value" ? found.value : undefined;
      if (!isBsonNumber(amount) && !isBsonNumber(current)) continue;
      if ((op === "$inc" || op === "$mul") && found.kind === "value" && !isNumeric(current)) continue;
      if (conflicts(update, op, path)) continue;
      out ??= structuredCloneShallow(update);
      delete (out[op] as Doc)[path];
      const value = computed(op, current, found.kind === "missing", amount);
      if (value !== undefined) (out.$set as Doc)[path] = value;
    }
  }
  for (const [path, arrays] of addedToSets(doc, update)) {
    out ??= structuredCloneShallow(update);
    delete (out.$addToSet as Doc)[path];
    for (const [concrete, next] of arrays) if (next !== undefined) (out.$set as Doc)[concrete] = next;
  }
  if (!out) return update;
  for (const op of [...OPERATORS, "$addToSet", "$set"]) if (isPlainObject(out[op]) && Object.keys(out[op]).length === 0) delete out[op];
  return out;
}

/**
 * The `$addToSet` fields whose targets are arrays, each with the new array of each target (undefined
 * when every value is already there): values are compared as BSON values (an Int64 or a Decimal128
 * equals the same number), and elements already in the array stay, duplicates included, as MongoDB
 * keeps them (mingo's `$addToSet` drops them). A path through `$[]` names a target in every element
 * (a missing one is created). Paths with `$` or `$[id]`, a malformed `$each`, and conflicting
 * paths stay mingo's.
 */
function addedToSets(doc: Doc, update: Doc): [string, [string, unknown[] | undefined][]][] {
  const fields = update.$addToSet;
  if (!isPlainObject(fields)) return [];
  const out: [string, [string, unknown[] | undefined][]][] = [];
  for (const [path, spec] of Object.entries(fields)) {
    const each = isPlainObject(spec) && Object.hasOwn(spec, "$each");
    if (each && (Object.keys(spec).length !== 1 || !Array.isArray(spec.$each))) continue;
    const values = each ? (spec.$each as unknown[]) : [spec];
    const concrete = everyElement(doc, path);
    if (concrete === undefined || conflicts(update, "$addToSet", path)) continue;
    const arrays: [string, unknown[] | undefined][] = [];
    for (const target of concrete) {
      const current = arrayAt(doc, target, target !== path);
      if (current === undefined) break;
      const next = [...current];
      for (const value of values) if (!next.some((element) => bsonEqual(element, value))) next.push(value);
      arrays.push([target, next.length === current.length ? undefined : next]);
    }
    if (arrays.length === concrete.length) out.push([path, arrays]);
  }
  return out;
}

/**
 * The paths `path` names, with each `$[]` replaced by every index of its array; undefined for a
 * path with `$` or `$[id]`, or a `$[]` that does not stand for an array.
 */
function everyElement(doc: Doc, path: string): string[] | undefined {
  const parts = path.split(".");
  const at = parts.indexOf("$[]");
  if (at < 0) return parts.some((part) => part.startsWith("$")) ? undefined : [path];
  const found = target(doc, parts.slice(0, at).join("."));
  if (found.kind !== "value" || !Array.isArray(found.value)) return undefined;
  const out: string[] = [];
  for (let i = 0; i < found.value.length; i++) {
    const more = everyElement(doc, [...parts.slice(0, at), String(i), ...parts.slice(at + 1)].join("."));
    if (more === undefined) return undefined;
    out.push(...more);
  }
  return out;
}

/** The array at `path`; `[]` where it is missing and may be created (within an element); else undefined. */
function arrayAt(doc: Doc, path: string, create: boolean): unknown[] | undefined {
  const found = target(doc, path);
  if (found.kind === "value") return Array.isArray(found.value) ? found.value : undefined;
  return found.kind === "missing" && create ? [] : undefined;
}

/** A copy of the update whose operator objects (and a `$set`) are copies too. */
function structuredCloneShallow(update: Doc): Doc {
  const out: Doc = {};
  for (const [op, fields] of Object.entries(update)) out[op] = isPlainObject(fields) ? { ...fields } : fields;
  out.$set = isPlainObject(out.$set) ? out.$set : {};
  return out;
}
