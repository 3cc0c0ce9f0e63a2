/**
 * `$lookup` with `localField` and `foreignField`, matching as MongoDB matches (as
 * `{<foreignField>: {$in: <the local values>}}`): by BSON value (`1`, `Long(1)` and
 * `Decimal128("1.0")` are one value, also inside documents), paths through arrays of documents, a
 * local array by its elements, a foreign array as a whole and by its elements, a missing, null or
 * empty local value matching foreign documents whose field is null or missing; the joined
 * documents in the foreign collection's order. With a
 * `pipeline` too (MongoDB 5.0's concise form), the pipeline runs on the matched documents only
 * (mingo ran it on the whole collection). The `let`/`pipeline` form without fields is mingo's.
 * @packageDocumentation
 */
import { Lazy, type Iterator } from "mingo/lazy";
import * as pipelineOperators from "mingo/operators/pipeline";
import type { Options } from "mingo/types";
import { ValueGroups } from "./bsonGroups.js";
import { leafValues } from "./bsonSort.js";
import { defineOwn, isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";

type PipelineOperator = (collection: Iterator, expr: unknown, options: Options) => Iterator;

const mingoLookup = pipelineOperators.$lookup as unknown as PipelineOperator;

/**
 * The values a local document joins on, as MongoDB collects them: every value the path reaches
 * (through arrays of documents), an array's elements instead of the array, a missing value as null,
 * and null when the path yields no value at all (an empty array).
 */
function localValues(doc: Doc, path: string): unknown[] {
  const out: unknown[] = [];
  for (const leaf of leafValues(doc, path)) {
    if (Array.isArray(leaf)) for (const element of leaf as unknown[]) out.push(element);
    else out.push(leaf ?? null);
  }
  return out.length === 0 ? [null] : out;
}

/**
 * The values a foreign document is found by, as `{<foreignField>: value}` finds it: every value
 * the path reaches, an array as a whole and by its elements, a missing value as null.
 */
function foreignValues(doc: Doc, path: string): unknown[] {
  const out: unknown[] = [];
  for (const leaf of leafValues(doc, path)) {
    if (Array.isArray(leaf)) out.push(leaf, ...(leaf as unknown[]));
    else out.push(leaf ?? null);
  }
  return out;
}

/** The collection `from` names (through the collection resolver), or the documents it gives. */
function joined(from: unknown, options: Options): Doc[] {
  const docs = typeof from === "string" ? options.collectionResolver?.(from) : from;
  if (!Array.isArray(docs)) throw mongoError("$lookup: from must name a collection of the same database");
  return docs as Doc[];
}

/** The field a pipeline's results come back in, before they move to `as`. */
const RESULT = "\u0000lookup";

/** A copy of a document with a value at a dotted path (`as: "a.b"` sets `b` inside `a`, as MongoDB does). */
function withField(doc: Doc, path: string, value: unknown): Doc {
  const dot = path.indexOf(".");
  const out: Doc = { ...doc };
  if (dot < 0) {
    defineOwn(out, path, value);
    return out;
  }
  const head = path.slice(0, dot);
  const inner = Object.prototype.hasOwnProperty.call(doc, head) ? doc[head] : undefined;
  defineOwn(out, head, withField(isPlainObject(inner) ? inner : {}, path.slice(dot + 1), value));
  return out;
}

/** The `$lookup` stage (see the module's description). */
export const lookupStage: PipelineOperator = (collection, expr, options) => {
  // the let/pipeline form, and a join on `$documents` (no `from`), are mingo's
  if (
    !isPlainObject(expr) ||
    typeof expr["localField"] !== "string" ||
    typeof expr["foreignField"] !== "string" ||
    expr["from"] === undefined
  ) {
    return mingoLookup(collection, expr, options);
  }
  const { localField, foreignField, as, pipeline } = expr as { localField: string; foreignField: string; as: unknown; pipeline?: unknown };
  if (typeof as !== "string" || as === "") throw mongoError("$lookup: as must be a field name");
  if (pipeline !== undefined && !Array.isArray(pipeline)) throw mongoError("$lookup: pipeline must be an array");
  const join = joined(expr["from"], options);
  const groups = new ValueGroups();
  const byKey = new Map<string, number[]>();
  join.forEach((doc, i) => {
    for (const key of new Set(foreignValues(doc, foreignField).map((v) => groups.key(v)))) {
      const at = byKey.get(key);
      if (at === undefined) byKey.set(key, [i]);
      else at.push(i);
    }
  });
  const plain = pipeline === undefined || (Array.isArray(pipeline) && pipeline.length === 0);
  return collection.map((value) => {
    const obj = value as Doc;
    const at = new Set<number>();
    for (const v of localValues(obj, localField)) for (const i of byKey.get(groups.key(v)) ?? []) at.add(i);
    const matched = [...at].sort((a, b) => a - b).map((i) => join[i] as Doc);
    if (plain) return withField(obj, as, matched);
    const sub = { as: RESULT, from: matched, pipeline, ...(expr["let"] === undefined ? {} : { let: expr["let"] }) };
    const [out] = mingoLookup(Lazy([obj]), sub, options).collect<Doc>();
    return withField(obj, as, out?.[RESULT] ?? []);
  });
};
