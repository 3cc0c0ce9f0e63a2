/**
 * The expression forms of `$sum`, `$avg`, `$min`, `$max`, `$stdDevPop` and `$stdDevSamp`, as
 * MongoDB's ExpressionFromAccumulator evaluates them (expression.h): one operand that is an array
 * stands for its elements, one other operand for its value, several operands for their values;
 * the accumulator then computes over those values. mingo required the operand to resolve to an
 * array (`{$sum: "$qty"}` over a number, or over a missing field, failed with "arguments must
 * resolve to array") and took `{$sum: ["$items"]}` as one value, not the array's elements.
 * @packageDocumentation
 */
import { evalExpr, type OpType } from "mingo/core";
import type { Options } from "mingo/types";
import { inGroupingStage } from "./bsonGroupAccumulatorsArgs.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;
type AccumulatorOperator = (collection: unknown[], expr: unknown, options: Options) => unknown;

const NAMES = ["$sum", "$avg", "$min", "$max", "$stdDevPop", "$stdDevSamp"] as const;

/**
 * One expression form: mingo looks an operator up among the expressions first, also for a `$group`
 * statement (handing it the group's documents), so that call goes to the accumulator as before.
 * @param name - the accumulator's name
 */
function accumulatorExpression(name: string): ExpressionOperator {
  return (obj, expr, options) => {
    const accumulator = options.context.getOperator("accumulator" as OpType, name) as AccumulatorOperator | null;
    if (accumulator === null) return null;
    if (Array.isArray(obj) && inGroupingStage(obj, options)) return accumulator(obj, expr, options);
    const operands = Array.isArray(expr) ? expr : [expr];
    const values = operands.map((operand: unknown) => evalExpr(obj, operand, options));
    const only = values.length === 1 ? values[0] : undefined;
    const list = values.length === 1 ? (Array.isArray(only) ? only : [only]) : values;
    return accumulator(list as unknown[], null, options);
  };
}

/**
 * The expression forms of this file, to lay over mingo's expression operators.
 * @throws ServerError 400 `MongoDBError` from the accumulator or the operands' evaluation
 */
export const accumulatorExpressions: Record<string, ExpressionOperator> = Object.fromEntries(
  NAMES.map((name) => [name, accumulatorExpression(name)]),
);
