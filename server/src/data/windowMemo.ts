/**
 * Accumulators for `$setWindowFields` that compute a window once, not once per document. mingo
 * calls an accumulator used as a window function once per document with that document's window;
 * for a window that is the whole partition (no `window`, or `["unbounded", "unbounded"]`) it passes
 * the same array every time, so a partition of n documents cost n passes over n documents (6,000
 * documents reached the query time limit). MongoDB computes such a window once per partition; here
 * the first call's result is kept for the calls with the same array, expression and options, and
 * each document gets its own copy of its outer array or object (the values in it are shared, as
 * mingo shares the window's documents among the arrays it builds).
 *
 * Only the stage's own calls are kept: mingo makes them with options that hold no document (no
 * `root`). An accumulator evaluated within a document (the stage's partitioning `$group`, or an
 * accumulator used as an expression inside `$reduce`, whose `$$value` changes from step to step
 * while the options object stays the same) is computed as it always was.
 *
 * Running windows (`["unbounded", "current"]`) pass a new array per document, each the last one
 * plus the next document. For the accumulators that reduce the values their expression takes
 * (`$sum`, `$avg`, `$max`, `$min`, `$stdDevPop`, `$stdDevSamp`: their modules export the
 * reduction they use), those values are
 * kept from call to call, so each document's expression is evaluated once and only the (cheap)
 * reduction runs over the window again: the same code on the same values, so the same result.
 * Other windows and accumulators are computed by the accumulator itself, as before.
 * @packageDocumentation
 */
import type { AnyObject, Options } from "mingo/types";
import { isPlainObject } from "./bsonValues.js";

/** An accumulator operator as mingo calls it. */
export type AccumulatorOperator = (collection: AnyObject[], expr: unknown, options: Options) => unknown;

/**
 * A result's outer array, plain object or date copied, its contents shared: what a document would
 * have got had the accumulator run for it (a deep copy per document cost the square of the window's
 * size for `{$push: "$$ROOT"}`).
 */
function copyOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.slice();
  if (value instanceof Date) return new Date(value.getTime());
  if (isPlainObject(value)) return { ...value };
  return value;
}

/**
 * Whether mingo's `$setWindowFields` makes this call for a document's window: its options hold no
 * document as `root`, where the calls made while evaluating an expression within a document do.
 */
function forWindow(options: Options): boolean {
  const root = (options as unknown as { local?: { root?: unknown } }).local?.root;
  return root === undefined || root === null;
}

/**
 * Wraps `op` so that the stage's calls with the same window array, expression and options
 * compute it once (other calls go to `op`).
 * @param op - an accumulator
 * @returns the wrapped accumulator, whose every result kept is handed out as a copy ({@link copyOf})
 */
export function computedOncePerWindow(op: AccumulatorOperator): AccumulatorOperator {
  const results = new WeakMap<AnyObject[], { expr: unknown; options: Options; result: unknown }[]>();
  return (collection, expr, options) => {
    if (!forWindow(options)) return op(collection, expr, options);
    let known = results.get(collection);
    const hit = known?.find((k) => k.expr === expr && k.options === options);
    if (hit) return copyOf(hit.result);
    const result = op(collection, expr, options);
    if (!known) results.set(collection, (known = []));
    known.push({ expr, options, result });
    return copyOf(result);
  };
}

/** An accumulator's reduction of the values its expression took over a window's documents, in order. */
export type Reducer = (values: unknown[]) => unknown;

/** The values of `expr` over `items`, one per document, as an accumulator evaluates them (mingo's `$push`). */
export type Evaluate = (items: AnyObject[], expr: unknown, options: Options) => unknown[];

/** True if `longer` starts with every element of `shorter` (the same objects) and has more. */
function isExtensionOf(longer: readonly unknown[], shorter: readonly unknown[]): boolean {
  if (longer.length <= shorter.length) return false;
  for (let i = 0; i < shorter.length; i++) if (longer[i] !== shorter[i]) return false;
  return true;
}

/**
 * Whether an accumulator reads this operand's form itself: a number literal (`{$sum: 1}` counts),
 * null (mingo's expression form) or an array (a unary accumulator refuses it in `$group`).
 */
function readsItsOperand(expr: unknown): boolean {
  return typeof expr === "number" || expr === null || Array.isArray(expr);
}

/**
 * An accumulator computed as `reduce(evaluate(window))`, which evaluates the expression over a
 * window's documents once: when a window extends the last one (same expression and options), only
 * the added documents are evaluated. An operand whose form the accumulator reads itself (see
 * `readsItsOperand`), and a call that is not the stage's own (see {@link computedOncePerWindow}),
 * are left to `op`.
 * @param op - the accumulator, equal to `reduce` over `evaluate` for other operands
 * @param reduce - its reduction
 * @param evaluate - its evaluation of the operand over documents
 */
export function keptValues(op: AccumulatorOperator, reduce: Reducer, evaluate: Evaluate): AccumulatorOperator {
  type Last = Map<unknown, { items: AnyObject[]; values: unknown[] }>;
  const last = new WeakMap<Options, Last>();
  return (collection, expr, options) => {
    if (readsItsOperand(expr) || !forWindow(options)) return op(collection, expr, options);
    let byExpr = last.get(options);
    if (!byExpr) last.set(options, (byExpr = new Map() as Last));
    const before = byExpr.get(expr);
    let values: unknown[];
    if (before && isExtensionOf(collection, before.items)) {
      values = before.values; // only this map holds it: extended in place
      for (const v of evaluate(collection.slice(before.items.length), expr, options)) values.push(v);
    } else values = evaluate(collection, expr, options);
    byExpr.set(expr, { items: collection, values });
    return copyOf(reduce(values));
  };
}

/**
 * The accumulators of the context `$setWindowFields` runs in: each of `ops` computed once per
 * window ({@link computedOncePerWindow}), and those with a reduction in `reducers` over values
 * kept from window to window ({@link keptValues}).
 * @param ops - accumulators by name
 * @param reducers - the reductions of some of them, by name
 * @param evaluate - how they evaluate their operand
 */
export function windowAccumulators(
  ops: Record<string, AccumulatorOperator>,
  reducers: Record<string, Reducer>,
  evaluate: Evaluate,
): Record<string, AccumulatorOperator> {
  return Object.fromEntries(
    Object.entries(ops).map(([name, op]) => {
      const reduce = reducers[name];
      return [name, computedOncePerWindow(reduce ? keptValues(op, reduce, evaluate) : op)];
    }),
  );
}
