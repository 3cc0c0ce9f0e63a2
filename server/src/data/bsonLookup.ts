/**
 * `$lookup` with `localField` and `foreignField`, matching as MongoDB matches: by BSON value
 * (`1`, `Long(1)` and `Decimal128("1.0")` are one value, also inside documents), an array on either
 * side matching by its elements, a missing or null local value matching foreign documents whose
 * field is null or missing; the joined documents in the foreign collection's order. With a
 * `pipeline` too (MongoDB 5.0's concise form), the pipeline runs on the matched documents only
 * (mingo ran it on the whole collection). The `let`/`pipeline` form without fields is mingo's.
 * @packageDocumentation
 */
import { Lazy, type Iterator } from "mingo/lazy";
import * as pipelineOperators from "mingo/operators/pipeline";
import type { Options } from "mingo/types";
import { resolve } from "mingo/util";
import { ValueGroups } from "./bsonGroups.js";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";

type PipelineOperator = (collection: Iterator, expr: unknown, options: Options) => Iterator;

const mingoLookup = pipelineOperators.$lookup as unknown as PipelineOperator;

/** The values a field's value matches by: an array's elements, a missing value as null. */
function matchValues(value: unknown): unknown[] {
  if (value === undefined) return [null];
  return Array.isArray(value) ? value : [value];
}

/** The collection `from` names (through the collection resolver), or the documents it gives. */
function joined(from: unknown, options: Options): Doc[] {
  const docs = typeof from === "string" ? options.collectionResolver?.(from) : from;
  if (!Array.isArray(docs)) throw mongoError("$lookup: from must name a collection of the same database");
  return docs as Doc[];
}

/** The `$lookup` stage (see the module's description). */
export const lookupStage: PipelineOperator = (collection, expr, options) => {
  if (!isPlainObject(expr) || typeof expr["localField"] !== "string" || typeof expr["foreignField"] !== "string") {
    return mingoLookup(collection, expr, options);
  }
  const { localField, foreignField, as, pipeline } = expr as { localField: string; foreignField: string; as: unknown; pipeline?: unknown };
  if (typeof as !== "string" || as === "") throw mongoError("$lookup: as must be a field name");
  const join = joined(expr["from"], options);
  const groups = new ValueGroups();
  const byKey = new Map<string, number[]>();
  join.forEach((doc, i) => {
    for (const key of new Set(matchValues(resolve(doc, foreignField)).map((v) => groups.key(v ?? null)))) {
      byKey.set(key, [...(byKey.get(key) ?? []), i]);
    }
  });
  const plain = pipeline === undefined || (Array.isArray(pipeline) && pipeline.length === 0);
  return collection.map((value) => {
    const obj = value as Doc;
    const at = new Set<number>();
    for (const v of matchValues(resolve(obj, localField))) for (const i of byKey.get(groups.key(v ?? null)) ?? []) at.add(i);
    const matched = [...at].sort((a, b) => a - b).map((i) => join[i] as Doc);
    if (plain) return { ...obj, [as]: matched };
    const sub = { as, from: matched, pipeline, ...(expr["let"] === undefined ? {} : { let: expr["let"] }) };
    return mingoLookup(Lazy([obj]), sub, options).collect()[0];
  });
};
