/**
 * Grouping by value, for numbers of every BSON type: mingo groups and deduplicates through its
 * hash of a value, so `1`, `Long(1)`, `Decimal128("1")` and `Decimal128("1.0")` made four groups
 * of `$group` and four elements of `$addToSet`; in MongoDB they are one value. Here each number
 * (also inside documents and arrays) is replaced, for the grouping, by the first number of equal
 * value the stage met, so mingo's own grouping sees one value; the group's `_id` is that first
 * value. `distinct` (functions/distinct.ts) keys its values the same way.
 * @packageDocumentation
 */
import { evalExpr } from "mingo/core";
import type { Iterator } from "mingo/lazy";
import * as accumulatorOperators from "mingo/operators/accumulator";
import * as pipelineOperators from "mingo/operators/pipeline";
import type { Options } from "mingo/types";
import { isNumeric, numberHashKey } from "./bsonNumbers.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;
type AccumulatorOperator = (collection: unknown[], expr: unknown, options: Options) => unknown;
type PipelineOperator = (collection: Iterator, expr: unknown, options: Options) => Iterator;

const isDocument = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** Replaces numbers by the first number of equal value it met (within one grouping). */
export class NumberCanon {
  readonly #seen = new Map<string, unknown>();

  /**
   * The value with each number replaced by the first one of equal value met so far.
   * @param value - anything
   * @returns `value` itself when it holds no number to replace, else a copy
   */
  of(value: unknown): unknown {
    if (isNumeric(value)) {
      const key = numberHashKey(value);
      const first = this.#seen.get(key);
      if (first !== undefined) return first;
      this.#seen.set(key, value);
      return value;
    }
    if (Array.isArray(value)) {
      const items = value.map((item) => this.of(item));
      return items.every((item, i) => item === value[i]) ? value : items;
    }
    if (isDocument(value)) {
      let copy: Record<string, unknown> | undefined;
      for (const [key, item] of Object.entries(value)) {
        const canon = this.of(item);
        if (canon !== item) copy ??= { ...value };
        if (copy) copy[key] = canon;
      }
      return copy ?? value;
    }
    return value;
  }
}

/** The grouping each `$group` stage set up, by the argument object of its key expression. */
const canons = new WeakMap<object, NumberCanon>();

/** The name of the expression operator that evaluates a `$group` key through the stage's {@link NumberCanon}. */
export const GROUP_KEY_OPERATOR = "$__groupKey";

/** Evaluates `[expr]` and, inside a `$group` set up here, replaces its numbers (anywhere else: the value as it is). */
export const groupKeyExpression: ExpressionOperator = (obj, expr, options) => {
  const inner = Array.isArray(expr) ? (expr[0] as unknown) : expr;
  const value = evalExpr(obj, inner, options);
  const canon = typeof expr === "object" && expr !== null ? canons.get(expr) : undefined;
  return canon ? canon.of(value) : value;
};

/**
 * `$group` over mingo's, its `_id` grouped by value (see the file's comment).
 * @param collection - the stage's input
 * @param expr - the group specification
 * @param options - mingo's options
 * @throws MingoError as mingo's `$group` (a specification without `_id`), answered as 400 `MongoDBError`
 */
export const groupStage: PipelineOperator = (collection, expr, options) => {
  const group = pipelineOperators.$group as unknown as PipelineOperator;
  if (!isDocument(expr) || !Object.hasOwn(expr, "_id")) return group(collection, expr, options);
  const argument = [expr._id];
  canons.set(argument, new NumberCanon());
  return group(collection, { ...expr, _id: { [GROUP_KEY_OPERATOR]: argument } }, options);
};

/** `$addToSet` over mingo's: numbers equal by value are one element (the first met). */
export const addToSetAccumulator: AccumulatorOperator = (collection, expr, options) => {
  const values = (accumulatorOperators.$push as unknown as AccumulatorOperator)(collection, expr, options) as unknown[];
  const canon = new NumberCanon();
  const push = accumulatorOperators.$addToSet as unknown as AccumulatorOperator;
  return push(
    values.map((v) => canon.of(v)),
    null,
    options,
  );
};
