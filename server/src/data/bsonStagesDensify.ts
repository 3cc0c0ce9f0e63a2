/**
 * `$densify` as MongoDB 6.0/7.0 runs it (document_source_densify.cpp; the model of
 * jstests/aggregation/sources/densify/libs/densify_in_js.js). The input is sorted by the partition
 * fields (not for `"full"` bounds) and the field; a document whose field is null or missing passes
 * through; each partition (defined by the documents that have a value) gets the values of a grid,
 * `start + k × step`, that no document of it holds, each one before the first document above it:
 *
 * - explicit `[lower, upper]`: the grid starts at `lower` and stops before `upper`, also after the
 *   last document and on an empty input (mingo stopped at the last document and generated nothing
 *   for an empty collection); documents outside the range pass through;
 * - `"full"`: the grid starts at the smallest value of the whole input and goes up to its largest,
 *   in every partition;
 * - `"partition"`: each partition's grid starts at its own smallest value and ends at its largest.
 *
 * A generated document holds the partition's fields and the field. Like MongoDB
 * (internalQueryMaxAllowedDensifyDocs, 500,000 by default) a stage that would generate more
 * documents fails, so no request can make it allocate without bound.
 * @packageDocumentation
 */
import { evalExpr } from "mingo/core";
import { Lazy, type Iterator } from "mingo/lazy";
import type { Options } from "mingo/types";
import { D, sum } from "./bsonArithmetic.js";
import { compareBson } from "./bsonCompare.js";
import { dateAdd } from "./bsonDatesUnits.js";
import { UTC_ZONE } from "./bsonDatesZones.js";
import { ValueGroups } from "./bsonGroups.js";
import { isNumeric } from "./bsonNumbers.js";
import { sortDocs } from "./bsonSort.js";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { nestedValue, withValueAt } from "./bsonStagesPaths.js";
import { parseDensify, type DensifySpec } from "./bsonStagesDensifySpec.js";

type PipelineOperator = (collection: Iterator, expr: unknown, options: Options) => Iterator;

/** The most documents one `$densify` may generate (MongoDB's internalQueryMaxAllowedDensifyDocs default). */
export const MAX_DENSIFY_DOCS = 500_000;

/** One partition's place on its grid. */
interface Partition {
  /** The partition's fields, as generated documents hold them. */
  fields: Doc;
  /** The next grid value not yet generated nor held by a document. */
  next: unknown;
}

/** A run of one `$densify` stage over its sorted input. */
class Densifier {
  readonly out: Doc[] = [];
  readonly #spec: DensifySpec;
  #generated = 0;

  /** The step as a whole number of units (Value::coerceToLong), for dates. */
  readonly #units: bigint;

  constructor(spec: DensifySpec) {
    this.#spec = spec;
    this.#units = spec.unit === undefined ? 0n : BigInt(new D(String(spec.step)).toFixed(0));
  }

  /** The grid value after `v` (DensifyValue::increment: `$add` for numbers, dateAdd in UTC for dates). */
  step(v: unknown): unknown {
    const { step, unit } = this.#spec;
    if (unit === undefined) return sum([v, step]);
    return new Date(dateAdd((v as Date).getTime(), unit, this.#units, UTC_ZONE));
  }

  /**
   * Generates the partition's grid values below the value of the document that comes next (all
   * of them up to `limit` when no document comes), below `limit` (up to it when `inclusive`), then
   * passes the document's value when it is on the grid.
   * @throws ServerError 400 `MongoDBError` past {@link MAX_DENSIFY_DOCS} generated documents
   */
  fill(partition: Partition, value: unknown, limit?: unknown, inclusive = false): void {
    const belowLimit = (v: unknown): boolean => {
      if (limit === undefined) return true;
      const c = compareBson(v, limit);
      return inclusive ? c <= 0 : c < 0;
    };
    while ((value === undefined || compareBson(partition.next, value) < 0) && belowLimit(partition.next)) {
      if (++this.#generated > MAX_DENSIFY_DOCS) {
        throw mongoError(
          `Generated ${this.#generated} documents in $densify, which is over the limit of ${MAX_DENSIFY_DOCS}. Increase the 'internalQueryMaxAllowedDensifyDocs' parameter to allow more generated documents`,
        );
      }
      this.out.push(withValueAt(partition.fields, this.#spec.field, partition.next));
      partition.next = this.step(partition.next);
    }
    if (value !== undefined && compareBson(partition.next, value) === 0) partition.next = this.step(partition.next);
  }
}

/** The densified field's value: null or missing (undefined), or a number or date of the right kind. */
function densifyValue(doc: Doc, spec: DensifySpec): unknown {
  const value = nestedValue(doc, spec.field);
  if (value === null || value === undefined) return undefined;
  const isDate = value instanceof Date;
  if (!isDate && !isNumeric(value)) throw mongoError("Densify field type must be numeric or a date");
  if (isDate !== (spec.unit !== undefined)) {
    throw mongoError(
      isDate
        ? "Encountered date densify value in collection when step does not have a date unit."
        : "Encountered numeric densify value in collection when step has a date unit.",
    );
  }
  return value;
}

/** `fields` with `value` at `parts`, documents on the way kept or created (a missing value leaves only those). */
function withPartitionValue(fields: Doc, parts: readonly string[], value: unknown): Doc {
  const [head, ...rest] = parts as [string, ...string[]];
  if (rest.length === 0) return value === undefined ? fields : withValueAt(fields, [head], value);
  const inner = Object.hasOwn(fields, head) ? fields[head] : undefined;
  return withValueAt(fields, [head], withPartitionValue(isPlainObject(inner) ? inner : {}, rest, value));
}

/** A document of the partition fields' values (the expression `{p: "$p", …}`, nested for dotted fields). */
function partitionFields(doc: Doc, spec: DensifySpec, options: Options): Doc {
  let fields: Doc = {};
  for (const path of spec.partitions) fields = withPartitionValue(fields, path.split("."), evalExpr(doc, `$${path}`, options));
  return fields;
}

/** Densifies the sorted documents (see the file's comment). */
function densify(docs: Doc[], spec: DensifySpec, options: Options): Doc[] {
  const run = new Densifier(spec);
  const partitions = new Map<string, Partition>();
  const keys = new ValueGroups();
  const { bounds } = spec;
  const explicit = Array.isArray(bounds) ? bounds : undefined;
  const values = docs.map((doc) => densifyValue(doc, spec));
  const present = values.filter((v) => v !== undefined);
  const [globalMin, globalMax] = [present[0], present[present.length - 1]];
  docs.forEach((doc, i) => {
    const value = values[i];
    if (value !== undefined) {
      const fields = spec.partitions.length > 0 ? partitionFields(doc, spec, options) : {};
      const key = keys.key(fields);
      let partition = partitions.get(key);
      if (partition === undefined) {
        // "partition" bounds: the partition's first value is its start (the document holds it)
        const start = explicit?.[0] ?? (bounds === "full" ? globalMin : value);
        partition = { fields, next: start };
        partitions.set(key, partition);
      }
      run.fill(partition, value, explicit?.[1]);
    }
    run.out.push(doc);
  });
  if (explicit !== undefined) {
    // the rest of each partition's range; with no partition at all, the whole range alone
    if (partitions.size === 0) partitions.set("", { fields: {}, next: explicit[0] });
    for (const partition of partitions.values()) run.fill(partition, undefined, explicit[1]);
  } else if (bounds === "full" && spec.partitions.length > 0 && globalMax !== undefined) {
    for (const partition of partitions.values()) run.fill(partition, undefined, globalMax, true);
  }
  return run.out;
}

/**
 * `$densify` (see the file's comment).
 * @param collection - the stage's input
 * @param expr - the specification
 * @param options - mingo's options
 * @throws ServerError 400 `MongoDBError` for a malformed specification (bsonStagesDensifySpec.ts), a value that is neither a number nor a date (5733201) or of the wrong kind for the unit (6053600), and past {@link MAX_DENSIFY_DOCS} generated documents (5897900)
 */
export const densifyStage: PipelineOperator = (collection, expr, options) => {
  const spec = parseDensify(expr);
  const order: Record<string, 1> = {};
  if (spec.bounds !== "full") for (const path of spec.partitions) order[path] = 1;
  order[spec.field.join(".")] = 1;
  return collection.transform((docs) => {
    const plain = docs.filter((doc): doc is Doc => isPlainObject(doc));
    return Lazy(densify(sortDocs(plain, order), spec, options));
  });
};
