/**
 * `$sum` and `$avg` over numbers of every BSON type (mingo's left an Int64 or a Decimal128 out: a
 * total of Decimal128 prices was 0), typed as MongoDB types them (bsonArithmetic.ts's `sum`); with
 * plain JavaScript numbers only, mingo's own.
 * @packageDocumentation
 */
import * as accumulatorOperators from "mingo/operators/accumulator";
import type { Options } from "mingo/types";
import { fromDecimal, sum, toDecimal } from "./bsonArithmetic.js";
import { bsonType, isBsonNumber, isNumeric } from "./bsonNumbers.js";

type AccumulatorOperator = (collection: unknown[], expr: unknown, options: Options) => unknown;

const mingoAccumulator = accumulatorOperators as unknown as Record<string, AccumulatorOperator>;
const isDecimal = (v: unknown): boolean => bsonType(v) === "Decimal128";
const toDouble = (v: unknown): number => (typeof v === "number" ? v : Number((v as { toString(): string }).toString()));

/** mingo's number test: a JavaScript number, not NaN. */
const isPlainNumber = (v: unknown): v is number => typeof v === "number" && !Number.isNaN(v);
/** What `$sum` and `$avg` add up: numbers of every type, a JavaScript NaN left out as mingo leaves it out. */
const isSummed = (v: unknown): boolean => isNumeric(v) && !(typeof v === "number" && Number.isNaN(v));

/**
 * The accumulators of this file, to lay over mingo's (mingo's semantics where no Int64 or Decimal128 is among the values).
 * @throws nothing of their own: values that are not numbers are left out
 */
export const bsonArithmeticAccumulators: Record<string, AccumulatorOperator> = {
  $sum: (collection, expr, options) => {
    if (typeof expr === "number") return mingoAccumulator.$sum?.(collection, expr, options);
    return bsonArithmeticReducers.$sum!(mingoAccumulator.$push?.(collection, expr, options) as unknown[]);
  },
  $avg: (collection, expr, options) => bsonArithmeticReducers.$avg!(mingoAccumulator.$push?.(collection, expr, options) as unknown[]),
};

/**
 * `$sum` and `$avg` over the values their expression took (mingo's `$push` of it, an operand that
 * is not a number literal), for windows (windowMemo.ts).
 */
export const bsonArithmeticReducers: Record<string, (values: unknown[]) => unknown> = {
  $sum: (values) => {
    if (values.some(isBsonNumber)) return sum(values.filter(isSummed));
    return values.reduce<number>((acc, v) => (isPlainNumber(v) ? acc + v : acc), 0);
  },
  $avg: (values) => {
    if (values.some(isDecimal)) {
      const numbers = values.filter(isSummed);
      return fromDecimal(toDecimal(sum(numbers)).dividedBy(numbers.length));
    }
    const numbers = values.some(isBsonNumber) ? values.filter(isSummed) : values.filter(isPlainNumber);
    if (numbers.length === 0) return null;
    return numbers.reduce<number>((acc, v) => acc + toDouble(v), 0) / numbers.length;
  },
};
