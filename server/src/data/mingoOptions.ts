/**
 * The mingo entry points the server uses, over one operator context in which no expression can
 * build an oversized value in one step: `$range`, `$concatArrays` and `$concat` check the size
 * before they allocate, and every expression operator's result is checked against the array and
 * string caps (a `$range` of 2e8 elements, or an array doubled 60 times, answers 400). V8 ends the
 * whole process, not just the thread, on an array it cannot size, so these caps matter even on a
 * query thread; what grows step by step meets the thread's heap limit instead. JavaScript
 * operators (`$where`, `$function`, `$accumulator`) are off. The conversions that meet BSON values
 * (`$convert` and its shorthands `$toInt`, `$toString`, …) are the server's own (bsonConversions.ts),
 * and so is `$sample` (sampleStage.ts), which mingo runs with replacement.
 * (mingo's own `Query`/`Aggregator` exports merge a caller's operators under its defaults, so an
 * operator cannot be replaced through them; these wrappers build on the base classes instead.)
 * @packageDocumentation
 */
import { Aggregator as AggregatorBase } from "mingo/aggregator";
import { Context, evalExpr, type OpType } from "mingo/core";
import type { Cursor } from "mingo/cursor";
import * as accumulatorOperators from "mingo/operators/accumulator";
import * as expressionOperators from "mingo/operators/expression";
import * as pipelineOperators from "mingo/operators/pipeline";
import * as projectionOperators from "mingo/operators/projection";
import * as windowOperators from "mingo/operators/window";
import { Query as QueryBase } from "mingo/query";
import type { AnyObject, Criteria, Options, Projection } from "mingo/types";
import { update as updaterUpdate } from "mingo/updater";
import { bsonConversionExpressions } from "./bsonConversions.js";
import { bsonArithmeticExpressions } from "./bsonArithmetic.js";
import { bsonArithmeticAccumulators, bsonArithmeticReducers } from "./bsonAccumulators.js";
import { bsonRoundingExpressions } from "./bsonRounding.js";
import { bsonMathExpressions } from "./bsonMath.js";
import { bsonLogicExpressions, exprQueryOperator } from "./bsonLogic.js";
import { bsonStringExpressions } from "./bsonStrings.js";
import { bsonRegexExpressions } from "./bsonRegex.js";
import { bsonDateExpressions } from "./bsonDates.js";
import { bsonArrayExpressions } from "./bsonArrays.js";
import { bsonAccumulators, bsonExpressionOperators, bsonExtremeReducers, bsonQueryOperators } from "./bsonOperators.js";
import { addToSetAccumulator, GROUP_KEY_OPERATOR, groupKeyExpression, groupStage, sortByCountStage } from "./bsonGroups.js";
import { lookupStage } from "./bsonLookup.js";
import { bsonSetExpressions } from "./bsonSets.js";
import { sortStage } from "./bsonSort.js";
import { mongoError } from "./errors.js";
import { nestedArrayPaths, pathQueryOperators } from "./nestedArrays.js";
import { asMongoQueryError, checkedQueryOperators } from "./queryChecks.js";
import { sampleStage } from "./sampleStage.js";
import { elemMatchProjection, graphLookupStage, matchStage, parsedFilter, projectStage, windowFieldsStage } from "./mingoStages.js";
import { windowAccumulators, type AccumulatorOperator } from "./windowMemo.js";
import { statsReducers } from "./bsonGroupAccumulatorsStats.js";
import { accumulatorExpressions } from "./accumulatorExpressions.js";
import { bsonNumberQueryOperators } from "./bsonQueryNumbers.js";
import { bsonRegexQueryOperators } from "./bsonRegexQuery.js";
import { bsonStageOperators } from "./bsonStages.js";
import { addFieldsStages } from "./bsonAddFields.js";
import { bsonGroupAccumulators, bsonGroupExpressionOperators, bsonWindowOperators } from "./bsonGroupAccumulators.js";

/** The most elements a `$range` may produce. */
export const MAX_RANGE_ELEMENTS = 1_000_000;
/** The most elements an expression may produce as an array. */
export const MAX_ARRAY_ELEMENTS = 5_000_000;
/** The most characters an expression may produce as a string (a BSON document's size). */
export const MAX_STRING_LENGTH = 16 * 1024 * 1024;

function tooLarge(what: string, size: number, limit: number): never {
  throw mongoError(`${what} would have ${size} elements; the limit is ${limit}`);
}

/** Checks a value an expression produced. */
function checked<T>(op: string, value: T): T {
  if (Array.isArray(value) && value.length > MAX_ARRAY_ELEMENTS) tooLarge(`the array of ${op}`, value.length, MAX_ARRAY_ELEMENTS);
  if (typeof value === "string" && value.length > MAX_STRING_LENGTH) tooLarge(`the string of ${op}`, value.length, MAX_STRING_LENGTH);
  return value;
}

function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

/**
 * `$range` with a size check before anything is allocated.
 * @throws ServerError 400 `MongoDBError` for non-integer arguments or more than {@link MAX_RANGE_ELEMENTS} elements
 */
function cappedRange(obj: unknown, expr: unknown, options: Options): number[] {
  if (!Array.isArray(expr) || expr.length < 2 || expr.length > 3) throw mongoError("$range expects an array of 2 or 3 arguments");
  const [start, end, step = 1] = evalExpr(obj, expr, options) as unknown[];
  if (!isInteger(start) || !isInteger(end) || !isInteger(step) || step === 0) {
    throw mongoError("$range expects integer start and end and a non-zero integer step");
  }
  const count = Math.max(0, Math.ceil((end - start) / step));
  if (count > MAX_RANGE_ELEMENTS) throw mongoError(`$range would produce ${count} elements; the limit is ${MAX_RANGE_ELEMENTS}`);
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = start + i * step;
  return out;
}

/**
 * `$concatArrays` sized before it allocates.
 * @throws ServerError 400 `MongoDBError` over {@link MAX_ARRAY_ELEMENTS}
 */
function cappedConcatArrays(obj: unknown, expr: unknown, options: Options): unknown[] | null {
  const args = evalExpr(obj, expr, options);
  if (args === null || args === undefined) return null;
  if (!Array.isArray(args)) throw mongoError("$concatArrays expects an array of arrays");
  let size = 0;
  for (const arr of args) {
    if (arr === null || arr === undefined) return null;
    if (!Array.isArray(arr)) throw mongoError("$concatArrays only supports arrays");
    size += arr.length;
  }
  if (size > MAX_ARRAY_ELEMENTS) tooLarge("$concatArrays", size, MAX_ARRAY_ELEMENTS);
  const out: unknown[] = [];
  for (const arr of args as unknown[][]) for (const item of arr) out.push(item);
  return out;
}

/**
 * `$concat` sized before it allocates.
 * @throws ServerError 400 `MongoDBError` over {@link MAX_STRING_LENGTH}
 */
function cappedConcat(obj: unknown, expr: unknown, options: Options): string | null {
  if (!Array.isArray(expr)) throw mongoError("$concat expects an array");
  const args = evalExpr(obj, expr, options) as unknown[];
  let size = 0;
  for (const s of args) {
    if (s === null || s === undefined) return null;
    if (typeof s !== "string") throw mongoError("$concat only supports strings");
    size += s.length;
  }
  if (size > MAX_STRING_LENGTH) tooLarge("$concat", size, MAX_STRING_LENGTH);
  return args.join("");
}

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;

/** Every expression operator, with the capped ones, each checking the size of what it returns. */
function expressionContext(): Record<string, ExpressionOperator> {
  const ops: Record<string, ExpressionOperator> = {
    ...(expressionOperators as unknown as Record<string, ExpressionOperator>),
    ...bsonExpressionOperators,
    ...bsonArithmeticExpressions,
    ...bsonRoundingExpressions,
    ...bsonMathExpressions,
    ...bsonLogicExpressions,
    ...bsonStringExpressions,
    ...bsonRegexExpressions,
    ...bsonSetExpressions,
    ...bsonDateExpressions,
    ...bsonArrayExpressions,
    ...bsonGroupExpressionOperators,
    ...accumulatorExpressions,
    [GROUP_KEY_OPERATOR]: groupKeyExpression,
    $range: cappedRange,
    $concatArrays: cappedConcatArrays,
    $concat: cappedConcat,
    ...bsonConversionExpressions,
  };
  return Object.fromEntries(
    Object.entries(ops).map(([name, op]) => [
      name,
      (obj: unknown, expr: unknown, options: Options) => checked(name, op(obj, expr, options)),
    ]),
  );
}

const ACCUMULATORS = {
  ...accumulatorOperators,
  ...bsonAccumulators,
  ...bsonArithmeticAccumulators,
  $addToSet: addToSetAccumulator,
  ...bsonGroupAccumulators,
};

const CONTEXT = Context.init({
  accumulator: ACCUMULATORS,
  expression: expressionContext(),
  pipeline: {
    ...pipelineOperators,
    ...bsonStageOperators,
    ...addFieldsStages,
    $match: matchStage,
    $graphLookup: graphLookupStage,
    $setWindowFields: windowFieldsStage(() => WINDOW_CONTEXT),
    $project: projectStage,
    $sample: sampleStage,
    $sort: sortStage,
    $group: groupStage,
    $sortByCount: sortByCountStage,
    $lookup: lookupStage,
  } as unknown as typeof pipelineOperators,
  projection: { ...projectionOperators, $elemMatch: elemMatchProjection } as unknown as typeof projectionOperators,
  query: nestedArrayPaths(
    checkedQueryOperators({
      ...bsonQueryOperators,
      ...pathQueryOperators,
      ...bsonNumberQueryOperators,
      ...bsonRegexQueryOperators,
      $expr: exprQueryOperator,
    }),
  ),
  window: { ...windowOperators, ...bsonWindowOperators },
});

/** The context `$setWindowFields` runs in: the server's, with each window computed once (windowMemo.ts). */
const WINDOW_CONTEXT = Context.from(
  Context.init({
    accumulator: windowAccumulators(
      ACCUMULATORS as unknown as Record<string, AccumulatorOperator>,
      { ...bsonArithmeticReducers, ...bsonExtremeReducers, ...statsReducers },
      accumulatorOperators.$push,
    ),
  }),
  CONTEXT,
);

/**
 * True if the server evaluates an operator of that kind and name (mingo's, or one of this server's).
 * @param kind - `"expression"` or `"accumulator"`
 * @param name - the operator, `$` included
 */
export function isKnownOperator(kind: "expression" | "accumulator", name: string): boolean {
  return CONTEXT.getOperator(kind as OpType, name) !== null;
}

function withContext(options: Partial<Options> = {}): Partial<Options> {
  return { ...options, context: CONTEXT, scriptEnabled: false };
}

/** mingo's `Query` over the server's operators. */
export class Query<T = AnyObject> extends QueryBase<T> {
  constructor(condition: Criteria<T>, options?: Partial<Options>) {
    try {
      super(parsedFilter(condition), withContext(options));
    } catch (err) {
      throw asMongoQueryError(err);
    }
  }
}

/** mingo's `Aggregator` over the server's operators. */
export class Aggregator extends AggregatorBase {
  constructor(pipeline: AnyObject[], options?: Partial<Options>) {
    super(pipeline, withContext(options));
  }
}

/** mingo's `find` over the server's operators. */
export function find<R = AnyObject>(collection: AnyObject[], condition: AnyObject, projection?: AnyObject): Cursor<R> {
  return new Query(condition).find<R>(collection, projection as Projection<R> | undefined);
}

/** mingo's `update` (one document, in place) over the server's operators; returns the changed paths. */
export function update(obj: AnyObject, modifier: AnyObject, arrayFilters?: AnyObject[], condition?: AnyObject): string[] {
  return updaterUpdate(obj, modifier as never, arrayFilters?.map(parsedFilter), condition && parsedFilter(condition), {
    queryOptions: withContext(),
  });
}
