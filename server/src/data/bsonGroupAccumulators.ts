/**
 * Accumulators of `$group` and window functions of `$setWindowFields` as MongoDB computes them
 * where mingo's differ (mingo runs an accumulator as the window function of the same name, so each
 * fix holds in both places):
 *
 * - `$push` leaves out a document where the value is missing (null is pushed), as
 *   accumulator_push.cpp does; an empty window gives `[]`;
 * - `$count` takes only `{}`;
 * - `$firstN`, `$lastN`, `$maxN`, `$minN`, `$topN`, `$bottomN`, `$top`, `$bottom`:
 *   bsonGroupAccumulatorsN.ts;
 * - `$stdDevPop`, `$stdDevSamp`, `$covariancePop`, `$covarianceSamp`, `$median`, `$percentile`:
 *   bsonGroupAccumulatorsStats.ts.
 *
 * In a grouping stage (`$group`, `$bucket`, `$bucketAuto`) an array operand of a unary accumulator
 * is refused (40237); a window function takes it as an array literal.
 * @packageDocumentation
 */
import * as accumulatorOperators from "mingo/operators/accumulator";
import type { WindowOperator } from "mingo/types";
import {
  type AccumulatorOperator,
  checkUnary,
  type ExpressionOperator,
  inGroupingStage,
  isExpressionForm,
  valuesOf,
} from "./bsonGroupAccumulatorsArgs.js";
import { nAccumulators, nExpressionOperators } from "./bsonGroupAccumulatorsN.js";
import { statsAccumulators, statsExpressionOperators } from "./bsonGroupAccumulatorsStats.js";
import { isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";

const mingoAccumulator = accumulatorOperators as unknown as Record<string, AccumulatorOperator>;

/**
 * `$push`: the values, a missing one left out.
 * @throws ServerError 400 `MongoDBError` for an array operand in a grouping stage (40237)
 */
const push: AccumulatorOperator = (collection, expr, options) => {
  if (isExpressionForm(collection, expr, options)) return mingoAccumulator.$push?.(collection, expr, options);
  checkUnary("$push", collection, expr, options);
  return valuesOf(collection, expr, options).filter((v) => v !== undefined);
};

/**
 * `$count`: the number of documents; its operand must be `{}` (accumulation_statement.h
 * parseCountAccumulator; window_function_count.cpp).
 * @throws ServerError 400 `MongoDBError` for any other operand
 */
const count: AccumulatorOperator = (collection, expr, options) => {
  if (!isExpressionForm(collection, expr, options) && !(isPlainObject(expr) && Object.keys(expr).length === 0)) {
    throw mongoError(
      inGroupingStage(collection, options) ? "$count takes no arguments, i.e. $count:{}" : "$count only accepts an empty object as input",
    );
  }
  return collection.length;
};

/**
 * The accumulators of this file, to lay over mingo's (and this server's earlier ones).
 * @throws ServerError 400 `MongoDBError` as MongoDB refuses a malformed operand (see each file)
 */
export const bsonGroupAccumulators: Record<string, AccumulatorOperator> = {
  $push: push,
  $count: count,
  ...nAccumulators,
  ...statsAccumulators,
};

/** The window operators of this file, to lay over mingo's (none: the fixed window functions are accumulators). */
export const bsonWindowOperators: Record<string, WindowOperator> = {};

/**
 * The expression operators that are also accumulators here (`$firstN`, `$lastN`, `$maxN`,
 * `$minN`, `$median`, `$percentile`): mingo looks an operator up among the expressions first, also
 * for a `$group` statement (handing it the group's documents as an array), so each sends that call
 * to the accumulator of this file; to lay over mingo's expression operators.
 * @throws ServerError 400 `MongoDBError` for a malformed specification
 */
export const bsonGroupExpressionOperators: Record<string, ExpressionOperator> = {
  ...nExpressionOperators,
  ...statsExpressionOperators,
};
