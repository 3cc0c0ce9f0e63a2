/**
 * `$bucket` as MongoDB 6.0/7.0 parses and runs it (document_source_bucket.cpp): the stage is a
 * `$group` whose `_id` is a `$switch` with one branch `{$gte: [groupBy, lower]}` and
 * `{$lt: [groupBy, upper]}` per pair of boundaries, then a `$sort` by `_id`. So:
 *
 * - a value equal to an inner boundary belongs to the bucket that boundary starts (mingo put it in
 *   the one before), and the highest boundary is excluded;
 * - a bucket no document falls in is not output (mingo output it with a count of 0);
 * - `_id` comes first, as `$group` writes it (mingo put it last);
 * - boundaries may mix number types (all numbers are one canonical type, compared by value);
 * - each option is checked with MongoDB's message, an unknown option too (40197).
 *
 * Here the bucket is found by a binary search over the boundaries (the `$switch`'s answer, in
 * O(log n) per document), then each non-empty bucket goes through the server's `$group` (so its
 * accumulators are the server's), and the buckets are sorted by `_id` in MongoDB's order.
 * @packageDocumentation
 */
import { evalExpr } from "mingo/core";
import { Lazy, type Iterator } from "mingo/lazy";
import type { AnyObject, Options } from "mingo/types";
import { compareBson } from "./bsonCompare.js";
import { groupStage } from "./bsonGroups.js";
import { bsonTypeName } from "./bsonNumbers.js";
import { sortDocs } from "./bsonSort.js";
import { valueText } from "./bsonStringsValues.js";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { bsonText } from "./bsonText.js";

type PipelineOperator = (collection: Iterator, expr: unknown, options: Options) => Iterator;

/** A parsed `$bucket` specification. */
interface BucketSpec {
  groupBy: unknown;
  boundaries: unknown[];
  hasDefault: boolean;
  defaultValue: unknown;
  output: Doc;
}

/** Expression operators whose value is not fixed when their arguments are (Expression::optimize keeps them). */
const NOT_CONSTANT = new Set(["$rand", "$function", "$accumulator", "$meta", "$sampleRate"]);

/** True for a value that parses to a constant expression: no field path or variable, no operator of {@link NOT_CONSTANT}. */
function isConstant(v: unknown): boolean {
  if (typeof v === "string") return !v.startsWith("$");
  if (Array.isArray(v)) return v.every(isConstant);
  if (!isPlainObject(v)) return true;
  const [first] = Object.keys(v);
  if (first === undefined) return true;
  if (first === "$literal") return true;
  if (first.startsWith("$")) {
    if (NOT_CONSTANT.has(first)) return false;
    const args = v[first];
    return Array.isArray(args) ? args.every(isConstant) : isConstant(args);
  }
  return Object.values(v).every(isConstant);
}

/** MongoDB's canonical type of a value (canonicalizeBSONType): every number is one type, strings and symbols another. */
function canonicalType(v: unknown): string {
  const name = bsonTypeName(v);
  if (name === "int" || name === "long" || name === "double" || name === "decimal") return "number";
  return name === "symbol" ? "string" : name;
}

/** Reads the specification in MongoDB's order of checks (DocumentSourceBucket::createFromBson). */
function parseBucket(expr: unknown, options: Options): BucketSpec {
  if (!isPlainObject(expr)) throw mongoError(`Argument to $bucket stage must be an object, but found type: ${bsonTypeName(expr)}.`);
  const spec: BucketSpec = {
    groupBy: undefined,
    boundaries: [],
    hasDefault: false,
    defaultValue: undefined,
    output: { count: { $sum: 1 } },
  };
  let hasGroupBy = false;
  for (const [name, value] of Object.entries(expr)) {
    if (name === "groupBy") {
      const first = isPlainObject(value) ? Object.keys(value)[0] : undefined;
      const isExpression = first?.startsWith("$") === true || (typeof value === "string" && value.startsWith("$"));
      if (!isExpression) {
        throw mongoError(
          `The $bucket 'groupBy' field must be defined as a $-prefixed path or an expression, but found: ${bsonText(value)}.`,
        );
      }
      spec.groupBy = value;
      hasGroupBy = true;
    } else if (name === "boundaries") {
      if (!Array.isArray(value))
        throw mongoError(`The $bucket 'boundaries' field must be an array, but found type: ${bsonTypeName(value)}.`);
      spec.boundaries = value.map((item) => {
        if (!isConstant(item)) {
          throw mongoError(`The $bucket 'boundaries' field must be an array of constant values, but found value: ${bsonText(item)}.`);
        }
        return evalExpr({}, item, options);
      });
      checkBoundaries(spec.boundaries);
    } else if (name === "default") {
      if (!isConstant(value)) throw mongoError(`The $bucket 'default' field must be a constant expression, but found: ${bsonText(value)}.`);
      spec.hasDefault = true;
      spec.defaultValue = evalExpr({}, value, options);
    } else if (name === "output") {
      if (!isPlainObject(value)) throw mongoError(`The $bucket 'output' field must be an object, but found type: ${bsonTypeName(value)}.`);
      // the $group the stage builds names `_id` after the output's fields
      if (Object.hasOwn(value, "_id")) throw mongoError("a group's _id may only be specified once");
      spec.output = value;
    } else {
      throw mongoError(`Unrecognized option to $bucket: ${name}.`);
    }
  }
  if (!hasGroupBy || spec.boundaries.length === 0) throw mongoError("$bucket requires 'groupBy' and 'boundaries' to be specified.");
  const lowest = spec.boundaries[0];
  const highest = spec.boundaries[spec.boundaries.length - 1];
  if (spec.hasDefault && canonicalType(spec.defaultValue) === canonicalType(lowest)) {
    if (!(compareBson(spec.defaultValue, lowest) < 0 || compareBson(spec.defaultValue, highest) >= 0)) {
      throw mongoError(
        "The $bucket 'default' field must be less than the lowest boundary or greater than or equal to the highest boundary.",
      );
    }
  }
  return spec;
}

/** Checks that the boundaries are at least two, of one canonical type, and strictly ascending. */
function checkBoundaries(boundaries: unknown[]): void {
  if (boundaries.length < 2) {
    throw mongoError(`The $bucket 'boundaries' field must have at least 2 values, but found ${boundaries.length} value(s).`);
  }
  for (let i = 1; i < boundaries.length; i++) {
    const lower = boundaries[i - 1];
    const upper = boundaries[i];
    if (canonicalType(lower) !== canonicalType(upper)) {
      throw mongoError(
        `All values in the the 'boundaries' option to $bucket must have the same type. Found conflicting types ${bsonTypeName(lower)} and ${bsonTypeName(upper)}.`,
      );
    }
    if (!(compareBson(lower, upper) < 0)) {
      throw mongoError(
        `The 'boundaries' option to $bucket must be sorted, but elements ${i - 1} and ${i} are not in ascending order (${valueText(lower)} is not less than ${valueText(upper)}).`,
      );
    }
  }
}

/** The index of the bucket holding `value` (lower bound included, upper excluded), or -1 when it is outside every bucket. */
function bucketOf(boundaries: readonly unknown[], value: unknown): number {
  const last = boundaries.length - 1;
  if (compareBson(value, boundaries[0]) < 0 || compareBson(value, boundaries[last]) >= 0) return -1;
  let lo = 0;
  let hi = last - 1;
  // the largest i with boundaries[i] <= value
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (compareBson(boundaries[mid], value) <= 0) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * `$bucket` (see the file's comment).
 * @param collection - the stage's input
 * @param expr - the specification
 * @param options - mingo's options
 * @throws ServerError 400 `MongoDBError` for a malformed specification (40191–40202) and, while running, for a value outside every bucket without a `default` ("$switch could not find a matching branch for an input, and no default was specified.", 40066)
 */
export const bucketStage: PipelineOperator = (collection, expr, options) => {
  const spec = parseBucket(expr, options);
  const groupSpec = { _id: null, ...spec.output };
  const run = (docs: unknown[]): Iterator => {
    const buckets = new Map<number, unknown[]>();
    for (const doc of docs) {
      const index = bucketOf(spec.boundaries, evalExpr(doc, spec.groupBy, options));
      if (index < 0 && !spec.hasDefault) {
        throw mongoError("$switch could not find a matching branch for an input, and no default was specified.");
      }
      let bucket = buckets.get(index);
      if (bucket === undefined) buckets.set(index, (bucket = []));
      bucket.push(doc);
    }
    const out: AnyObject[] = [];
    for (const [index, members] of buckets) {
      const [row] = groupStage(Lazy(members), groupSpec, options).collect<AnyObject>();
      if (row === undefined) continue;
      row._id = index < 0 ? spec.defaultValue : spec.boundaries[index];
      out.push(row);
    }
    return Lazy(sortDocs(out, { _id: 1 }));
  };
  return collection.transform(run);
};
