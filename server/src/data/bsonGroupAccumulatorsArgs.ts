/**
 * What the accumulators of bsonGroupAccumulators*.ts share: the values of a group's (or a window's)
 * documents with a missing value told apart from null, where an accumulator runs (a grouping stage
 * or a window), `n` as MongoDB's AccumulatorN checks it, and values written into messages.
 * @packageDocumentation
 */
import * as accumulatorOperators from "mingo/operators/accumulator";
import type { Options } from "mingo/types";
import { bsonText } from "./bsonText.js";
import { bsonType, isNumeric, roughNumber } from "./bsonNumbers.js";
import { isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";

/** mingo's signature of an accumulator. */
export type AccumulatorOperator = (collection: unknown[], expr: unknown, options: Options) => unknown;
/** mingo's signature of an expression operator. */
export type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;

const mingoPush = accumulatorOperators.$push as unknown as AccumulatorOperator;

/** The locals mingo's compute options carry (`root`, and `groupId` inside `$group`). */
function localsOf(options: Options): { root?: unknown; groupId?: unknown } {
  return (options as unknown as { local?: { root?: unknown; groupId?: unknown } }).local ?? {};
}

/**
 * True when the accumulator runs over the documents of a `$group`, `$bucket` or `$bucketAuto`
 * group: mingo evaluates those statements with the group's array as the root, while a window
 * function of `$setWindowFields` is handed its window's documents directly (root unset), and the
 * expression form (`{$stdDevPop: [1, 2]}` in `$project`) runs with the document as the root.
 * @param collection - the documents the accumulator was handed
 * @param options - mingo's options of the call
 */
export function inGroupingStage(collection: unknown[], options: Options): boolean {
  return localsOf(options).root === collection;
}

/**
 * An operator that is both an expression and an accumulator: mingo looks an operator up among the
 * expressions first, also for a `$group` statement (handing it the group's documents as the root),
 * so that call goes to `accumulator`, and any other to `expression`.
 * @param accumulator - the accumulator form
 * @param expression - the expression form
 */
export function groupOrExpression(accumulator: AccumulatorOperator, expression: ExpressionOperator): ExpressionOperator {
  return (obj, expr, options) =>
    Array.isArray(obj) && inGroupingStage(obj, options) ? accumulator(obj, expr, options) : expression(obj, expr, options);
}

/**
 * True for mingo's expression form of an accumulator: its operand already evaluated into
 * `collection`, `expr` null.
 * @param collection - the values
 * @param expr - the operand as written
 * @param options - mingo's options
 */
export function isExpressionForm(collection: unknown[], expr: unknown, options: Options): boolean {
  return expr === null && !inGroupingStage(collection, options);
}

/**
 * The value of `expr` for each document, `undefined` where it is missing (mingo's `$push` makes a
 * missing value null): each is evaluated inside `{v: expr}`, which mingo's `$push` evaluates with
 * the document as its root.
 * @param collection - the documents
 * @param expr - the expression
 * @param options - mingo's options
 * @throws whatever evaluating `expr` throws
 */
export function valuesOf(collection: unknown[], expr: unknown, options: Options): unknown[] {
  const boxes = mingoPush(collection, { v: expr }, options) as Array<{ v?: unknown }>;
  return boxes.map((box) => box.v);
}

/**
 * The value of `expr` with `root` as the document (variables as in `options`).
 * @param root - the document
 * @param expr - the expression
 * @param options - mingo's options
 * @throws whatever evaluating `expr` throws
 */
export function valueAgainst(root: unknown, expr: unknown, options: Options): unknown {
  return valuesOf([root], expr, options)[0];
}

/**
 * The document `n` (and other initialisers) is evaluated against: in `$group`, the group's `_id`
 * when it is a document, else an empty one (MongoDB's `idDoc`); in a window, always an empty one
 * (window_function_expression.cpp evaluates `n` against `{}`).
 * @param collection - the documents the accumulator was handed
 * @param options - mingo's options
 */
export function initializerRoot(collection: unknown[], options: Options): object {
  const { groupId } = localsOf(options);
  return inGroupingStage(collection, options) && isPlainObject(groupId) ? groupId : {};
}

/**
 * Refuses an array operand in a grouping stage: MongoDB's accumulation statements take one
 * expression (accumulation_statement.cpp, 40237); a window function takes an array as an array
 * literal.
 * @param name - the accumulator
 * @param collection - the documents
 * @param expr - the operand as written
 * @param options - mingo's options
 * @throws ServerError 400 `MongoDBError` `The <name> accumulator is a unary operator`
 */
export function checkUnary(name: string, collection: unknown[], expr: unknown, options: Options): void {
  if (Array.isArray(expr) && inGroupingStage(collection, options)) throw mongoError(`The ${name} accumulator is a unary operator`);
}

/**
 * A number of any BSON type as a double (MongoDB's `coerceToDouble`).
 * @param v - a number (see isNumeric)
 */
export function asDouble(v: unknown): number {
  if (typeof v === "number") return v;
  const type = bsonType(v);
  if (type === "Int32" || type === "Double") return (v as { valueOf(): number }).valueOf();
  return roughNumber(v) ?? Number.NaN;
}

/**
 * A value as MongoDB writes it into a message (Value::toString): bsonAddFieldsPaths.ts' `bsonText`,
 * and `MISSING` for a missing value.
 * @param v - a value
 */
export function shown(v: unknown): string {
  return v === undefined ? "MISSING" : bsonText(v);
}

/**
 * `n` as MongoDB's AccumulatorN::validateN checks it (accumulator_multi.cpp).
 * @param value - the evaluated `n`
 * @returns `n` as a number (one beyond 2^53 rounded: no group holds that many values)
 * @throws ServerError 400 `MongoDBError` when it is not a whole number (5787902, 5787903) or not above 0 (5787908)
 */
export function validatedN(value: unknown): number {
  if (!isNumeric(value)) throw mongoError(`Value for 'n' must be of integral type, but found ${shown(value)}`);
  const n = asDouble(value);
  if (!Number.isInteger(n)) throw mongoError(`Value for 'n' must be of integral type, but found ${shown(value)}`);
  if (n <= 0) throw mongoError(`'n' must be greater than 0, found ${n}`);
  return n;
}

/**
 * A result computed once for a window's documents: mingo hands an unbounded window's function the
 * same array for every document of the partition, so a sort over it is done once, not once per
 * document. The result is shared: a caller returns a copy of the part it needs.
 */
const windowResults = new WeakMap<unknown[], WeakMap<object, unknown>>();

/**
 * `compute()`, remembered for this array of documents and this operand (in a window only).
 * @param collection - the documents
 * @param expr - the operand object as written (the same object for each document of a window)
 * @param options - mingo's options
 * @param compute - the computation
 */
export function oncePerWindow<T>(collection: unknown[], expr: unknown, options: Options, compute: () => T): T {
  if (inGroupingStage(collection, options) || typeof expr !== "object" || expr === null) return compute();
  let byExpr = windowResults.get(collection);
  if (byExpr === undefined) windowResults.set(collection, (byExpr = new WeakMap()));
  if (!byExpr.has(expr)) byExpr.set(expr, compute());
  // shared by the window's documents: callers copy what they return (only the part they need,
  // so that a window of N documents costs N small copies, not N copies of N elements)
  return byExpr.get(expr) as T;
}
