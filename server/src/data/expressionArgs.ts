/**
 * The argument list of an expression operator as MongoDB's parser reads it (ExpressionNary's
 * `validateArguments`/ExpressionRangedArity): a value that is no array is the only argument, and
 * another count of arguments than the operator takes fails with MongoDB's message.
 * @packageDocumentation
 */
import { evalExpr } from "mingo/core";
import type { Options } from "mingo/types";
import { mongoError } from "./errors.js";

/**
 * Whether a value is null or missing (MongoDB's `nullish`), as most operators answer null for both.
 * @param v - a value
 */
export const isNil = (v: unknown): v is null | undefined => v === null || v === undefined;

/**
 * The arguments of an operator as written, unevaluated.
 * @param name - the operator
 * @param expr - its argument
 * @param min - the fewest arguments it takes
 * @param max - the most (`min` when omitted)
 * @throws ServerError 400 `MongoDBError` for another number of arguments (16020, 28667)
 */
export function argumentList(name: string, expr: unknown, min: number, max = min): unknown[] {
  const args = Array.isArray(expr) ? expr : [expr];
  if (args.length >= min && args.length <= max) return args;
  if (min === max) throw mongoError(`Expression ${name} takes exactly ${min} arguments. ${args.length} were passed in.`);
  throw mongoError(`Expression ${name} takes at least ${min} arguments, and at most ${max}, but ${args.length} were passed in.`);
}

/**
 * The arguments of an operator, evaluated against `obj` in order.
 * @param name - the operator
 * @param expr - its argument
 * @param min - the fewest arguments it takes
 * @param max - the most
 * @param obj - the document the expression is evaluated against
 * @param options - mingo's options
 * @throws ServerError 400 `MongoDBError` for another number of arguments (16020, 28667), or as an argument's evaluation fails
 */
export function evaluatedArguments(name: string, expr: unknown, min: number, max: number, obj: unknown, options: Options): unknown[] {
  return argumentList(name, expr, min, max).map((arg) => evalExpr(obj, arg, options));
}
