/**
 * The update operators `$inc`, `$mul`, `$min` and `$max` over Int64 and Decimal128 values, which
 * mingo's updater skips: it left a Decimal128 or an Int64 beyond 2^53 unchanged under `$inc`
 * and `$mul` and reported success, refused a Decimal128 amount, and compared with text. Before
 * mingo runs, each such field (on a path without positional parts; array indexes are followed) becomes a `$set` of the value
 * MongoDB computes: the sum or product typed as MongoDB types it (bsonArithmetic.ts), or the
 * smaller or larger value in MongoDB's order (bsonCompare.ts). `$addToSet` (with or without
 * `$each`) where an Int64 or a Decimal128 takes part adds only values no element equals by value
 * (mingo's added `1` to `[Decimal128("1")]`), and keeps the duplicates already there. `$pull` and
 * `$pullAll` follow MongoDB's matching of elements (pullUpdates.ts). A field left as it was is
 * dropped, so a no-op update stays unmodified.
 * @packageDocumentation
 */
import { Decimal128, Long } from "bson";
import { product, sum } from "./bsonArithmetic.js";
import { bsonEqual, compareBson } from "./bsonCompare.js";
import { isNumeric } from "./bsonNumbers.js";
import { bitResult, checkBitSpecs, identicalNumbers, integerArithmetic } from "./integerUpdates.js";
import { pushedArrays } from "./pushUpdates.js";
import { shown } from "./updateTypes.js";
import { defineOwn, isPlainObject, type Doc } from "./bsonValues.js";
import { arrayAt, target } from "./arrayTargets.js";
import { conflictTest, pulledArrays, type FieldRewrite } from "./pullUpdates.js";

const OPERATORS = ["$inc", "$mul", "$min", "$max"] as const;
type Operator = (typeof OPERATORS)[number];
/** The array operators applied here (pullUpdates.ts, {@link addedToSets}). */
const ARRAY_OPERATORS = ["$addToSet", "$pull", "$pullAll", "$push", "$bit"];

/** A zero of a number's BSON type (what `$mul` sets on a missing field). */
function zeroLike(v: unknown): unknown {
  const type = (v as { _bsontype?: unknown } | null)?._bsontype;
  if (type === "Decimal128") return Decimal128.fromString("0");
  if (type === "Long") return Long.ZERO;
  return 0;
}

/** The field's new value, or `undefined` to leave it as it is. */
function computed(op: Operator, current: unknown, missing: boolean, amount: unknown, id: string): unknown {
  switch (op) {
    case "$inc":
    case "$mul": {
      if (missing) return op === "$inc" ? amount : zeroLike(amount);
      const value = integerArithmetic(op, current, amount, id) ?? (op === "$inc" ? sum([current, amount]) : product([current, amount]));
      // MongoDB leaves a value of the same type and number as it is (`$inc` by 0)
      return identicalNumbers(value, current) ? undefined : value;
    }
    case "$min":
      return missing || compareBson(amount, current) < 0 ? amount : undefined;
    case "$max":
      return missing || compareBson(amount, current) > 0 ? amount : undefined;
  }
}

/**
 * Applies to `doc` (a private copy) the update's `$inc`, `$mul`, `$min` and `$max` on Int64 and
 * Decimal128 values, and every `$addToSet`, `$pull` and `$pullAll`, and returns the rest for mingo.
 * A value that exists is replaced in place (a `$[]` update of 100,000 elements stays fast); a
 * missing arithmetic target becomes a `$set` in the rest (mingo creates what leads to it). A field
 * left as it was is dropped. Run after the type checks (updateTypes.ts) and once `$`, `$[]` and
 * `$[id]` are resolved (positional.ts, arrayTargets.ts), so every path is concrete. Paths another
 * operator of the update also names (a conflict mingo reports) stay mingo's.
 * @param doc - the document, changed in place
 * @param update - the operators (`$setOnInsert` excluded)
 * @returns the update left for mingo (`update` itself when nothing was applied here), and the
 * paths changed here
 * @throws ServerError `MongoDBError` for a malformed `$pull` query
 */
export function applyBsonUpdates(doc: Doc, update: Doc): { rest: Doc; changed: string[] } {
  let out: Doc | undefined;
  const changed: string[] = [];
  const conflicts = conflictTest(update);
  const rewrites = [
    ...arithmetic(doc, update, conflicts),
    ...bits(doc, update, conflicts),
    ...addedToSets(doc, update, conflicts),
    ...pulledArrays(doc, update, conflicts),
    ...pushedArrays(doc, update, conflicts),
  ];
  for (const { op, path, value } of rewrites) {
    out ??= structuredCloneShallow(update);
    delete (out[op] as Doc)[path];
    if (value === undefined) continue;
    if (replaceAt(doc, path, value)) changed.push(path);
    else defineOwn(out.$set as Doc, path, value);
  }
  if (!out) return { rest: update, changed };
  for (const op of [...OPERATORS, ...ARRAY_OPERATORS, "$set"])
    if (isPlainObject(out[op]) && Object.keys(out[op]).length === 0) delete out[op];
  return { rest: out, changed };
}

/** Replaces the value at a concrete path that exists (an own property even when named `__proto__`); false where it does not. */
function replaceAt(doc: Doc, path: string, value: unknown): boolean {
  const dot = path.lastIndexOf(".");
  const parent = dot < 0 ? { kind: "value" as const, value: doc } : target(doc, path.slice(0, dot));
  const key = path.slice(dot + 1);
  if (parent.kind !== "value") return false;
  const holder = parent.value;
  if (Array.isArray(holder)) {
    if (!/^\d+$/.test(key) || Number(key) >= holder.length) return false;
    holder[Number(key)] = value;
    return true;
  }
  if (!isPlainObject(holder) || !Object.hasOwn(holder, key)) return false;
  defineOwn(holder, key, value);
  return true;
}

/**
 * The `$inc`, `$mul`, `$min` and `$max` fields, with the target's new value (undefined where it
 * stays): integers exactly (integerUpdates.ts), other numbers by value typed as MongoDB types them,
 * and `$min`/`$max` of any values in MongoDB's order. A non-numeric `$inc`/`$mul` amount or target,
 * a path mingo must refuse, and conflicting paths stay mingo's (which reports them).
 * @throws ServerError `MongoDBError` when an Int64 result overflows
 */
function arithmetic(doc: Doc, update: Doc, conflicts: (path: string) => boolean): FieldRewrite[] {
  const out: FieldRewrite[] = [];
  const id = shown(doc._id);
  for (const op of OPERATORS) {
    const fields = update[op];
    if (!isPlainObject(fields)) continue;
    const numeric = op === "$inc" || op === "$mul";
    for (const [path, amount] of Object.entries(fields)) {
      if (path.includes("$") || (numeric && !isNumeric(amount))) continue;
      const found = target(doc, path);
      if (found.kind === "other") continue;
      const current = found.kind === "value" ? found.value : undefined;
      if (numeric && found.kind === "value" && !isNumeric(current)) continue;
      if (conflicts(path)) continue;
      out.push({ op, path, value: computed(op, current, found.kind === "missing", amount, id) });
    }
  }
  return out;
}

/**
 * The `$bit` fields, with the target's new value (undefined where no bit changes), as MongoDB
 * computes it (integerUpdates.ts). A path mingo must refuse and conflicting paths stay mingo's.
 * @throws ServerError `MongoDBError` for a malformed `$bit` or a target that is not an integer
 */
function bits(doc: Doc, update: Doc, conflicts: (path: string) => boolean): FieldRewrite[] {
  const fields = update.$bit;
  if (!isPlainObject(fields)) return [];
  checkBitSpecs(update);
  const out: FieldRewrite[] = [];
  const id = shown(doc._id);
  for (const [path, spec] of Object.entries(fields)) {
    const found = target(doc, path);
    if (path.includes("$") || found.kind === "other" || conflicts(path) || !isPlainObject(spec)) continue;
    const current = found.kind === "value" ? found.value : undefined;
    const value = bitResult(spec, current, path.split(".").pop() ?? path, id);
    out.push({ op: "$bit", path, value: current !== undefined && identicalNumbers(value, current) ? undefined : value });
  }
  return out;
}

/**
 * The `$addToSet` fields whose targets are arrays, with the new array (undefined when every value
 * is already there): values are compared as BSON values (an Int64 or a Decimal128 equals the same
 * number), and elements already in the array stay, duplicates included, as MongoDB keeps them
 * (mingo's `$addToSet` drops them). A missing target was made an empty array before
 * (applyUpdate.ts). A malformed `$each` and conflicting paths stay mingo's.
 */
function addedToSets(doc: Doc, update: Doc, conflicts: (path: string) => boolean): FieldRewrite[] {
  const fields = update.$addToSet;
  if (!isPlainObject(fields)) return [];
  const out: FieldRewrite[] = [];
  for (const [path, spec] of Object.entries(fields)) {
    const each = isPlainObject(spec) && Object.hasOwn(spec, "$each");
    if (each && (Object.keys(spec).length !== 1 || !Array.isArray(spec.$each))) continue;
    const values = each ? (spec.$each as unknown[]) : [spec];
    const current = path.includes("$") || conflicts(path) ? undefined : arrayAt(doc, path, false);
    if (current === undefined) continue;
    const next = [...current];
    for (const value of values) if (!next.some((element) => bsonEqual(element, value))) next.push(value);
    out.push({ op: "$addToSet", path, value: next.length === current.length ? undefined : next });
  }
  return out;
}

/** A copy of the update whose operator objects (and a `$set`) are copies too. */
function structuredCloneShallow(update: Doc): Doc {
  const out: Doc = {};
  for (const [op, fields] of Object.entries(update)) out[op] = isPlainObject(fields) ? { ...fields } : fields;
  out.$set = isPlainObject(out.$set) ? out.$set : {};
  return out;
}
