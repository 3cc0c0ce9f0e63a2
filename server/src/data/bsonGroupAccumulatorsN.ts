/**
 * `$firstN`, `$lastN`, `$maxN`, `$minN`, `$topN`, `$bottomN`, `$top` and `$bottom` as MongoDB's
 * accumulator_multi.cpp parses and computes them, in `$group` (and `$bucket`, `$bucketAuto`) and as
 * window functions: the specification's keys checked (an unknown one, or `n` given to `$top`, is
 * refused), `n` a positive whole number, `sortBy` a sort pattern of 1/-1, `$top`/`$bottom` the value
 * itself (mingo gave a one-element array), `$maxN`/`$minN` in BSON order.
 * @packageDocumentation
 */
import * as expressionOperators from "mingo/operators/expression";
import type { AnyObject, Options } from "mingo/types";
import { fieldPathProblem } from "./fieldPaths.js";
import { compareBson } from "./bsonCompare.js";
import {
  type AccumulatorOperator,
  asDouble,
  type ExpressionOperator,
  groupOrExpression,
  inGroupingStage,
  initializerRoot,
  oncePerWindow,
  shown,
  valueAgainst,
  validatedN,
  valuesOf,
} from "./bsonGroupAccumulatorsArgs.js";
import { isNumeric } from "./bsonNumbers.js";
import { sortDocs } from "./bsonSort.js";
import { isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";

const mingoExpression = expressionOperators as unknown as Record<string, ExpressionOperator>;

/** `n` of a group (against its `_id` document) or of a window (against an empty document). */
function nOf(collection: unknown[], nExpr: unknown, options: Options): number {
  return validatedN(valueAgainst(initializerRoot(collection, options), nExpr, options));
}

/**
 * `{input, n}` as AccumulatorN::parseArgs reads it.
 * @throws ServerError 400 `MongoDBError` for a specification that is no document (5787900, 5787801), an unknown key (5787901), or a missing `n` or `input` (5787906, 5787907)
 */
function parseInputN(name: string, spec: unknown): { input: unknown; n: unknown } {
  if (!isPlainObject(spec)) throw mongoError(`specification must be an object; found ${name}: ${shown(spec)}`);
  for (const key of Object.keys(spec)) {
    if (key !== "input" && key !== "n") throw mongoError(`Unknown argument for 'n' operator: ${key}`);
  }
  if (!Object.hasOwn(spec, "n")) throw mongoError("Missing value for 'n'");
  if (!Object.hasOwn(spec, "input")) throw mongoError("Missing value for 'input'");
  return { input: spec.input, n: spec.n };
}

const nullIfMissing = (v: unknown): unknown => (v === undefined ? null : v);
const isNullish = (v: unknown): boolean => v === undefined || v === null;

/** `$firstN`/`$lastN`: the values of the first/last `n` documents, a missing one as null. */
function firstLastN(name: "$firstN" | "$lastN"): AccumulatorOperator {
  return (collection, expr, options) => {
    const { input, n: nExpr } = parseInputN(name, expr);
    const n = nOf(collection, nExpr, options);
    const docs = name === "$firstN" ? collection.slice(0, n) : collection.slice(Math.max(0, collection.length - n));
    return valuesOf(docs, input, options).map(nullIfMissing);
  };
}

/** `$maxN`/`$minN`: the `n` largest/smallest values in BSON order, null and missing left out. */
function maxMinN(name: "$maxN" | "$minN"): AccumulatorOperator {
  const direction = name === "$maxN" ? -1 : 1;
  return (collection, expr, options) => {
    const { input, n: nExpr } = parseInputN(name, expr);
    const n = nOf(collection, nExpr, options);
    const sorted = oncePerWindow(collection, expr, options, () =>
      valuesOf(collection, input, options)
        .filter((v) => !isNullish(v))
        .sort((a, b) => direction * compareBson(a, b)),
    );
    return sorted.slice(0, n);
  };
}

/** The `$meta` sorts MongoDB knows (sort_pattern.cpp kValidMetaSorts). */
const META_SORTS = new Set(["textScore", "randVal", "geoNearDistance", "searchScore", "vectorSearchScore", "score"]);

/**
 * A `sortBy` pattern as SortPattern reads it, each order 1 or -1.
 * @throws ServerError 400 `MongoDBError` for an order that is no number (15974) or not ±1 (15975), a `$meta` sort, a bad field path
 */
function sortPattern(sortBy: Record<string, unknown>): Record<string, 1 | -1> {
  const pattern: Record<string, 1 | -1> = {};
  for (const [field, order] of Object.entries(sortBy)) {
    if (isPlainObject(order)) {
      const keys = Object.keys(order);
      if (keys[0] !== "$meta") throw mongoError("$meta is the only expression supported by $sort right now");
      if (keys.length !== 1) throw mongoError("Cannot have additional keys in a $meta sort specification");
      if (typeof order.$meta !== "string" || !META_SORTS.has(order.$meta))
        throw mongoError(`Illegal $meta sort: $meta: ${shown(order.$meta)}`);
      // no stage of this server produces sort metadata (text scores, search scores, …)
      throw mongoError(`$meta sort by '${order.$meta}' is not supported by this server`);
    }
    if (!isNumeric(order)) throw mongoError(`Illegal key in $sort specification: ${field}: ${shown(order)}`);
    const direction = Math.trunc(asDouble(order)); // safeNumberLong: 1.5 is 1
    if (direction !== 1 && direction !== -1) throw mongoError("$sort key ordering must be 1 (for ascending) or -1 (for descending)");
    const problem = fieldPathProblem(field);
    if (problem !== undefined) throw mongoError(problem);
    pattern[field] = direction;
  }
  return pattern;
}

/**
 * `{output, sortBy, n}` as accumulatorNParseArgs reads it (`n` only for `$topN`/`$bottomN`).
 * @throws ServerError 400 `MongoDBError` for a specification that is no document (5788001), an unknown key or `n` given to `$top`/`$bottom` (5788002), a `sortBy` that is no document (10065), a missing key (5788003–5788005), a bad sort pattern
 */
function parseTopBottom(name: string, single: boolean, spec: unknown): { n: unknown; output: unknown; sortBy: Record<string, 1 | -1> } {
  if (!isPlainObject(spec)) throw mongoError(`specification must be an object; found ${name}: ${shown(spec)}`);
  for (const key of Object.keys(spec)) {
    if ((key === "n" && !single) || key === "output") continue;
    if (key !== "sortBy") throw mongoError(`Unknown argument to ${name} '${key}'`);
    if (!isPlainObject(spec.sortBy)) throw mongoError("invalid parameter: expected an object (sortBy)");
  }
  if (!single && !Object.hasOwn(spec, "n")) throw mongoError("Missing value for 'n'");
  if (!Object.hasOwn(spec, "output")) throw mongoError("Missing value for 'output'");
  if (!Object.hasOwn(spec, "sortBy")) throw mongoError("Missing value for 'sortBy'");
  return { n: single ? 1 : spec.n, output: spec.output, sortBy: sortPattern(spec.sortBy as Record<string, unknown>) };
}

/**
 * `$bottomN` in `$group`: the last `n` documents in `sortBy`'s order where, among documents tied on
 * the sort key, the first met is kept (MongoDB's AccumulatorTopBottomN evicts only on a strictly
 * greater key), in `sortBy`'s order with ties as met. Sorting the documents in reverse order of
 * meeting puts the first met last among its ties.
 */
function groupBottom(collection: unknown[], sortBy: Record<string, 1 | -1>, output: unknown, n: number, options: Options): unknown[] {
  const met = new Map(collection.map((doc, i) => [doc, i]));
  const sorted = sortDocs([...collection].reverse() as AnyObject[], sortBy);
  const kept = sorted.slice(Math.max(0, sorted.length - n)).sort((x, y) => (met.get(x) ?? 0) - (met.get(y) ?? 0));
  return valuesOf(sortDocs(kept, sortBy), output, options).map(nullIfMissing);
}

/**
 * `$topN`/`$bottomN`/`$top`/`$bottom`: the outputs of the first/last `n` documents in `sortBy`'s
 * order (ties in the order met), a missing output as null; `$top`/`$bottom` the one value (null for
 * an empty window).
 */
function topBottom(name: "$topN" | "$bottomN" | "$top" | "$bottom"): AccumulatorOperator {
  const single = name === "$top" || name === "$bottom";
  const bottom = name === "$bottomN" || name === "$bottom";
  return (collection, expr, options) => {
    const { n: nExpr, output, sortBy } = parseTopBottom(name, single, expr);
    const n = single ? 1 : nOf(collection, nExpr, options);
    if (bottom && inGroupingStage(collection, options)) {
      return single
        ? (groupBottom(collection, sortBy, output, 1, options)[0] ?? null)
        : groupBottom(collection, sortBy, output, n, options);
    }
    const outputs = oncePerWindow(collection, expr, options, () =>
      valuesOf(sortDocs(collection as AnyObject[], sortBy), output, options).map(nullIfMissing),
    );
    const chosen = bottom ? outputs.slice(Math.max(0, outputs.length - n)) : outputs.slice(0, n);
    return single ? (chosen[0] ?? null) : chosen;
  };
}

/** `$firstN`, `$lastN`, `$maxN`, `$minN`: accumulators that are also array expressions. */
const firstLastMaxMin = {
  $firstN: firstLastN("$firstN"),
  $lastN: firstLastN("$lastN"),
  $maxN: maxMinN("$maxN"),
  $minN: maxMinN("$minN"),
};

/**
 * The accumulators of this file.
 * @throws ServerError 400 `MongoDBError` for a malformed specification or `n` (see parseInputN, parseTopBottom, validatedN)
 */
export const nAccumulators: Record<string, AccumulatorOperator> = {
  ...firstLastMaxMin,
  $topN: topBottom("$topN"),
  $bottomN: topBottom("$bottomN"),
  $top: topBottom("$top"),
  $bottom: topBottom("$bottom"),
};

/**
 * `$firstN`, `$lastN`, `$maxN`, `$minN` are also array expressions, and mingo finds an expression
 * before an accumulator, also in `$group` (where it hands the expression the group's documents, the
 * group's array being the root): these send that call to the accumulator above, and check the
 * specification's keys of the array form (the same parser in MongoDB) before mingo's array
 * expression runs.
 * @throws ServerError 400 `MongoDBError` as {@link nAccumulators}
 */
export const nExpressionOperators: Record<string, ExpressionOperator> = Object.fromEntries(
  (["$firstN", "$lastN", "$maxN", "$minN"] as const).map((name) => [
    name,
    groupOrExpression(firstLastMaxMin[name], (obj, expr, options) => {
      parseInputN(name, expr);
      return mingoExpression[name]?.(obj, expr, options);
    }),
  ]),
);

/**
 * Checks the specification of an `N` accumulator or of `$top`/`$bottom` as MongoDB parses it with
 * the pipeline, before any document (expressionShape.ts); other accumulators pass.
 * @param name - the accumulator
 * @param spec - its operand as written
 * @throws ServerError 400 `MongoDBError` as parseInputN and parseTopBottom
 */
export function checkNSpec(name: string, spec: unknown): void {
  if (name === "$firstN" || name === "$lastN" || name === "$maxN" || name === "$minN") parseInputN(name, spec);
  else if (name === "$topN" || name === "$bottomN") parseTopBottom(name, false, spec);
  else if (name === "$top" || name === "$bottom") parseTopBottom(name, true, spec);
}
