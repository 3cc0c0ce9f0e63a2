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
import { isBsonNumber, isNumeric } from "./bsonNumbers.js";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { arrayAt, concreteTargets, target } from "./arrayTargets.js";
import { conflicts, pulledArrays, type FieldRewrite } from "./pullUpdates.js";

const OPERATORS = ["$inc", "$mul", "$min", "$max"] as const;
type Operator = (typeof OPERATORS)[number];
/** The array operators applied here (pullUpdates.ts, {@link addedToSets}). */
const ARRAY_OPERATORS = ["$addToSet", "$pull", "$pullAll"];

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

/**
 * An operator update with its `$inc`, `$mul`, `$min` and `$max` on Int64 and Decimal128 values,
 * and every `$addToSet`, `$pull` and `$pullAll`, turned into `$set`s (or dropped where they change
 * nothing). Run after the type checks (updateTypes.ts) and once `$` is resolved (positional.ts).
 * Paths another operator of the update also names (a conflict mingo reports) stay mingo's.
 * @param doc - the document before the update
 * @param update - the operators (`$setOnInsert` excluded)
 * @param arrayFilters - for `$[id]`
 * @returns the update to hand to mingo (`update` itself when nothing involves such values)
 * @throws ServerError `MongoDBError` for a malformed `$pull` query; mingo answers the conflicts and
 * positional paths it is left
 */
export function rewriteBsonUpdates(doc: Doc, update: Doc, arrayFilters?: Doc[]): Doc {
  let out: Doc | undefined;
  const rewrites = [
    ...arithmetic(doc, update, arrayFilters),
    ...addedToSets(doc, update, arrayFilters),
    ...pulledArrays(doc, update, arrayFilters),
  ];
  for (const { op, path, values } of rewrites) {
    out ??= structuredCloneShallow(update);
    delete (out[op] as Doc)[path];
    for (const [concrete, next] of values) if (next !== undefined) (out.$set as Doc)[concrete] = next;
  }
  if (!out) return update;
  for (const op of [...OPERATORS, ...ARRAY_OPERATORS, "$set"])
    if (isPlainObject(out[op]) && Object.keys(out[op]).length === 0) delete out[op];
  return out;
}

/**
 * The `$inc`, `$mul`, `$min` and `$max` fields where an Int64 or a Decimal128 takes part (as the
 * amount or in a target), each target with its new value (undefined where it stays). A path with
 * `$[]` or `$[id]` names a target in each element it stands for (a missing field is created).
 * A target that is not a number (for `$inc`/`$mul`), a path mingo must refuse, and conflicting
 * paths stay mingo's.
 */
function arithmetic(doc: Doc, update: Doc, arrayFilters: Doc[] | undefined): FieldRewrite[] {
  const out: FieldRewrite[] = [];
  for (const op of OPERATORS) {
    const fields = update[op];
    if (!isPlainObject(fields)) continue;
    for (const [path, amount] of Object.entries(fields)) {
      if (!isNumeric(amount)) continue;
      const concrete = concreteTargets(doc, path, arrayFilters);
      if (concrete === undefined || conflicts(update, op, path)) continue;
      const found = concrete.map((at) => target(doc, at));
      const currents = found.map((f) => (f.kind === "value" ? f.value : undefined));
      if (found.some((f) => f.kind === "other")) continue;
      if (!isBsonNumber(amount) && !currents.some(isBsonNumber)) continue;
      if ((op === "$inc" || op === "$mul") && found.some((f) => f.kind === "value" && !isNumeric(f.value))) continue;
      const values: [string, unknown][] = concrete.map((at, i) => [at, computed(op, currents[i], found[i]?.kind === "missing", amount)]);
      out.push({ op, path, values });
    }
  }
  return out;
}

/**
 * The `$addToSet` fields whose targets are arrays, each with the new array of each target (undefined
 * when every value is already there): values are compared as BSON values (an Int64 or a Decimal128
 * equals the same number), and elements already in the array stay, duplicates included, as MongoDB
 * keeps them (mingo's `$addToSet` drops them). A path through `$[]` or `$[id]` names a target in
 * each element it stands for (a missing one is created). Paths with `$`, a malformed `$each`, and
 * conflicting paths stay mingo's.
 */
function addedToSets(doc: Doc, update: Doc, arrayFilters: Doc[] | undefined): FieldRewrite[] {
  const fields = update.$addToSet;
  if (!isPlainObject(fields)) return [];
  const out: FieldRewrite[] = [];
  for (const [path, spec] of Object.entries(fields)) {
    const each = isPlainObject(spec) && Object.hasOwn(spec, "$each");
    if (each && (Object.keys(spec).length !== 1 || !Array.isArray(spec.$each))) continue;
    const values = each ? (spec.$each as unknown[]) : [spec];
    const concrete = concreteTargets(doc, path, arrayFilters);
    if (concrete === undefined || conflicts(update, "$addToSet", path)) continue;
    const arrays: [string, unknown[] | undefined][] = [];
    for (const at of concrete) {
      const current = arrayAt(doc, at, at !== path);
      if (current === undefined) break;
      const next = [...current];
      for (const value of values) if (!next.some((element) => bsonEqual(element, value))) next.push(value);
      arrays.push([at, next.length === current.length ? undefined : next]);
    }
    if (arrays.length === concrete.length) out.push({ op: "$addToSet", path, values: arrays });
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
