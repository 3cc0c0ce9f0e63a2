/**
 * Accumulators for `$setWindowFields` that compute a window once, not once per document. mingo
 * calls an accumulator used as a window function once per document with that document's window;
 * for a window that is the whole partition (no `window`, or `["unbounded", "unbounded"]`) it passes
 * the same array every time, so a partition of n documents cost n passes over n documents (6,000
 * documents reached the query time limit). MongoDB computes such a window once per partition; here
 * the first call's result is kept for the calls with the same array, expression and options, and
 * each document gets its own copy of it (a later stage may set fields inside it). Bounded and
 * running windows pass a new array per document and are computed as before.
 * @packageDocumentation
 */
import type { AnyObject, Options } from "mingo/types";
import { isPlainObject } from "./bsonValues.js";

/** An accumulator operator as mingo calls it. */
export type AccumulatorOperator = (collection: AnyObject[], expr: unknown, options: Options) => unknown;

/** A copy of a result that shares nothing mutable with it: arrays, plain objects and dates are copied. */
function copyOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyOf);
  if (value instanceof Date) return new Date(value.getTime());
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyOf(v)]));
  return value;
}

/**
 * Wraps `op` so that calls with the same window array, expression and options compute it once.
 * @param op - an accumulator
 * @returns the wrapped accumulator, whose every result is a fresh copy
 */
export function computedOncePerWindow(op: AccumulatorOperator): AccumulatorOperator {
  const results = new WeakMap<AnyObject[], { expr: unknown; options: Options; result: unknown }[]>();
  return (collection, expr, options) => {
    let known = results.get(collection);
    const hit = known?.find((k) => k.expr === expr && k.options === options);
    if (hit) return copyOf(hit.result);
    const result = op(collection, expr, options);
    if (!known) results.set(collection, (known = []));
    known.push({ expr, options, result });
    return copyOf(result);
  };
}

/**
 * Every accumulator of `ops` wrapped by {@link computedOncePerWindow}: the accumulators of the
 * context `$setWindowFields` runs in.
 * @param ops - accumulators by name
 */
export function windowAccumulators(ops: Record<string, AccumulatorOperator>): Record<string, AccumulatorOperator> {
  return Object.fromEntries(Object.entries(ops).map(([name, op]) => [name, computedOncePerWindow(op)]));
}
