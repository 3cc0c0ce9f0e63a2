/**
 * The boolean expressions (`$and`, `$or`, `$not`, `$cond`, `$switch`) with MongoDB's truth of a
 * value (`coerceToBool`, bsonConversions.ts): a zero of any number type is false, a Decimal128
 * zero too (mingo took it, as any object, for true), and NaN is true (mingo: false). `$cond` and
 * `$switch` evaluate only the branch they take, `$switch` without a matching branch and without a
 * default fails as in MongoDB, and malformed arguments get MongoDB's messages. `$filter`'s `cond`
 * and a query's `$expr` take the same truth.
 * @packageDocumentation
 */
import { evalExpr, type OpType } from "mingo/core";
import { $filter as mingoFilter } from "mingo/operators/expression";
import type { AnyObject, Options } from "mingo/types";
import { bsonTypeName } from "./bsonNumbers.js";
import { coerceToBool } from "./bsonConversions.js";
import { isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { argumentList } from "./expressionArgs.js";
import { checkExpression } from "./expressionShape.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;
type QueryOperator = (selector: string, value: unknown, options: Options) => (obj: AnyObject) => boolean;

const truth = (obj: unknown, expr: unknown, options: Options): boolean => coerceToBool(evalExpr(obj, expr, options));

const and: ExpressionOperator = (obj, expr, options) => argumentList("$and", expr, 0, Infinity).every((arg) => truth(obj, arg, options));
const or: ExpressionOperator = (obj, expr, options) => argumentList("$or", expr, 0, Infinity).some((arg) => truth(obj, arg, options));

const not: ExpressionOperator = (obj, expr, options) => {
  const args = argumentList("$not", expr, 1);
  return !truth(obj, args[0], options);
};

const COND_FIELDS = ["if", "then", "else"] as const;

const cond: ExpressionOperator = (obj, expr, options) => {
  let parts: unknown[];
  if (isPlainObject(expr)) {
    for (const key of Object.keys(expr)) {
      if (!(COND_FIELDS as readonly string[]).includes(key)) throw mongoError(`Unrecognized parameter to $cond: ${key}`);
    }
    for (const key of COND_FIELDS) if (!(key in expr)) throw mongoError(`Missing '${key}' parameter to $cond`);
    parts = COND_FIELDS.map((key) => expr[key]);
  } else {
    parts = argumentList("$cond", expr, 3);
  }
  const [test, then, otherwise] = parts;
  return evalExpr(obj, truth(obj, test, options) ? then : otherwise, options);
};

const switchExpr: ExpressionOperator = (obj, expr, options) => {
  if (!isPlainObject(expr)) throw mongoError(`$switch requires an object as an argument, found: ${bsonTypeName(expr)}`);
  for (const key of Object.keys(expr)) {
    if (key !== "branches" && key !== "default") throw mongoError(`$switch found an unknown argument: ${key}`);
  }
  const branches = expr.branches;
  if (!Array.isArray(branches)) throw mongoError(`$switch expected an array for 'branches', found: ${bsonTypeName(branches)}`);
  if (branches.length === 0) throw mongoError("$switch requires at least one branch.");
  for (const branch of branches) {
    if (!isPlainObject(branch)) throw mongoError(`$switch expected each branch to be an object, found: ${bsonTypeName(branch)}`);
    for (const key of Object.keys(branch)) {
      if (key !== "case" && key !== "then") throw mongoError(`$switch found an unknown argument to a branch: ${key}`);
    }
    if (!("case" in branch)) throw mongoError("$switch requires each branch have a 'case' expression");
    if (!("then" in branch)) throw mongoError("$switch requires each branch have a 'then' expression.");
  }
  for (const branch of branches as Record<string, unknown>[]) {
    if (truth(obj, branch.case, options)) return evalExpr(obj, branch.then, options);
  }
  if (!("default" in expr)) throw mongoError("$switch could not find a matching branch for an input, and no default was specified.");
  return evalExpr(obj, expr.default, options);
};

/** `$filter` with MongoDB's truth of `cond` (mingo's own truth applies to the boolean `$and` gives it). */
const filter: ExpressionOperator = (obj, expr, options) => {
  const spec = isPlainObject(expr) && "cond" in expr ? { ...expr, cond: { $and: [expr.cond] } } : expr;
  return mingoFilter(obj as AnyObject, spec as Parameters<typeof mingoFilter>[1], options);
};

/**
 * A query's `$expr` with MongoDB's truth of its value (`{$expr: "$discount"}` leaves out a
 * Decimal128 zero discount). The expression is checked when the query is compiled, as MongoDB
 * parses it (expressionShape.ts), so an unknown operator fails with no document too.
 * @throws ServerError 400 `MongoDBError` "Unrecognized expression '$x'" as the query compiles; others from the expression, as it runs
 */
export const exprQueryOperator: QueryOperator = (_selector, value, options) => {
  const context = options.context;
  checkExpression(value, (kind, name) => context.getOperator(kind as OpType, name) !== null);
  return (doc) => truth(doc, value, options);
};

/**
 * The boolean expressions, to lay over mingo's.
 * @throws ServerError 400 `MongoDBError` (as the operators run) for malformed arguments, or a `$switch` that matches no branch and has no default
 */
export const bsonLogicExpressions: Record<string, ExpressionOperator> = {
  $and: and,
  $or: or,
  $not: not,
  $cond: cond,
  $switch: switchExpr,
  $filter: filter,
};
