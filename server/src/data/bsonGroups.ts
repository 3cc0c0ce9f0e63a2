/**
 * Grouping by value, for numbers of every BSON type: mingo groups and deduplicates through its
 * hash of a value, so `1`, `Long(1)`, `Decimal128("1")` and `Decimal128("1.0")` made four groups
 * of `$group` (and of `$sortByCount`) and four elements of `$addToSet`; in MongoDB they are one
 * value. Here a value holding numbers is replaced, for the grouping, by the first whole value of
 * equal value the stage met (keyed with its numbers compared by value), so mingo's own grouping
 * sees one value, and the group's `_id` is that first value as it was. `distinct`
 * (functions/distinct.ts) keys its values the same way.
 * @packageDocumentation
 */
import { evalExpr } from "mingo/core";
import type { Iterator } from "mingo/lazy";
import * as accumulatorOperators from "mingo/operators/accumulator";
import * as pipelineOperators from "mingo/operators/pipeline";
import type { Options } from "mingo/types";
import { EJSON } from "bson";
import { checkUnary, isExpressionForm, valuesOf } from "./bsonGroupAccumulatorsArgs.js";
import { isNumeric, numberHashKey } from "./bsonNumbers.js";
import { sortStage } from "./bsonSort.js";
import { isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;
type AccumulatorOperator = (collection: unknown[], expr: unknown, options: Options) => unknown;
type PipelineOperator = (collection: Iterator, expr: unknown, options: Options) => Iterator;

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
    if (isPlainObject(value)) {
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

/**
 * Keys values by value: numbers equal by value (also inside documents and arrays) give one key,
 * and each key keeps the first whole value met, which stands for all of them.
 */
export class ValueGroups {
  readonly #canon = new NumberCanon();
  readonly #first = new Map<string, unknown>();

  /**
   * The first value met that equals `value` by value (`value` itself if it is the first).
   * @param value - anything
   */
  representative(value: unknown): unknown {
    if (!holdsNumbers(value)) return value;
    const key = this.key(value);
    if (this.#first.has(key)) return this.#first.get(key);
    this.#first.set(key, value);
    return value;
  }

  /**
   * A key equal for two values exactly when they are equal with numbers compared by value.
   * @param value - anything
   */
  key(value: unknown): string {
    if (isNumeric(value)) return `n${numberHashKey(value)}`;
    return EJSON.stringify({ v: this.#canon.of(value) }, { relaxed: false });
  }
}

/** True for a number, or a document or array that holds one (only those need a key of their own). */
function holdsNumbers(value: unknown): boolean {
  if (isNumeric(value)) return true;
  if (Array.isArray(value)) return value.some(holdsNumbers);
  return isPlainObject(value) && Object.values(value).some(holdsNumbers);
}

/** The grouping each `$group` stage set up, by the argument object of its key expression. */
const groupings = new WeakMap<object, ValueGroups>();

/** The name of the expression operator that evaluates a `$group` key through the stage's {@link ValueGroups}. */
export const GROUP_KEY_OPERATOR = "$__groupKey";

/**
 * Evaluates `[expr]` to the representative of its value within the `$group` stage that set it up.
 * @throws ServerError 400 `MongoDBError` `Unrecognized expression '$__groupKey'` anywhere else (a request cannot reach a stage's own argument)
 */
export const groupKeyExpression: ExpressionOperator = (obj, expr, options) => {
  const groups = typeof expr === "object" && expr !== null ? groupings.get(expr) : undefined;
  if (groups === undefined || !Array.isArray(expr)) throw mongoError(`Unrecognized expression '${GROUP_KEY_OPERATOR}'`);
  return groups.representative(evalExpr(obj, expr[0], options));
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
  if (!isPlainObject(expr) || !Object.hasOwn(expr, "_id")) return group(collection, expr, options);
  const argument = [expr._id];
  groupings.set(argument, new ValueGroups());
  return group(collection, { ...expr, _id: { [GROUP_KEY_OPERATOR]: argument } }, options);
};

/**
 * `$sortByCount` over {@link groupStage} (mingo's runs its own `$group`): groups by value, then
 * sorts by count, highest first.
 * @throws ServerError 400 `MongoDBError` as `$group` and `$sort` do
 */
export const sortByCountStage: PipelineOperator = (collection, expr, options) =>
  sortStage(groupStage(collection, { _id: expr, count: { $sum: 1 } }, options), { count: -1 });

/**
 * `$addToSet` over mingo's: values equal by value (numbers of any type) are one element, the first
 * met; a document where the value is missing adds nothing (null is added), as
 * accumulator_add_to_set.cpp does, also as a window function; an array operand in a grouping stage
 * is refused (40237).
 * @throws ServerError 400 `MongoDBError` `The $addToSet accumulator is a unary operator`
 */
export const addToSetAccumulator: AccumulatorOperator = (collection, expr, options) => {
  let values: unknown[];
  if (isExpressionForm(collection, expr, options)) {
    values = (accumulatorOperators.$push as unknown as AccumulatorOperator)(collection, expr, options) as unknown[];
  } else {
    checkUnary("$addToSet", collection, expr, options);
    values = valuesOf(collection, expr, options).filter((v) => v !== undefined);
  }
  const groups = new ValueGroups();
  const push = accumulatorOperators.$addToSet as unknown as AccumulatorOperator;
  return push(
    values.map((v) => groups.representative(v)),
    null,
    options,
  );
};
