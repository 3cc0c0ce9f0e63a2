/**
 * The set expressions and the `$in` expression, comparing elements as MongoDB does: by BSON value,
 * numbers of any type by value (also inside documents and arrays), so `[1, Decimal128("1.0")]` is
 * a set of one element. Each result keeps the first of equal elements met. (mingo compared
 * elements by JavaScript structure: `Long(1)` and `1` were two elements.)
 * @packageDocumentation
 */
import { evalExpr } from "mingo/core";
import type { Options } from "mingo/types";
import { isNil } from "mingo/util";
import { ValueGroups } from "./bsonGroups.js";
import { mongoError } from "./errors.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;

/** The evaluated arguments: arrays, or null when one is null or missing. */
function arrays(name: string, obj: unknown, expr: unknown, options: Options, count?: number): unknown[][] | null {
  const args = evalExpr(obj, expr, options);
  const list = Array.isArray(expr) ? (args as unknown[]) : [args];
  if (count !== undefined && list.length !== count)
    throw mongoError(`Expression ${name} takes exactly ${count} arguments. ${list.length} were passed in.`);
  if (list.some((a) => isNil(a))) return null;
  if (!list.every(Array.isArray)) throw mongoError(`All operands of ${name} must be arrays.`);
  return list as unknown[][];
}

/** A set of values by value: its keys, and its elements (the first met of equal ones) in order. */
class ValueSet {
  readonly keys = new Set<string>();
  readonly items: unknown[] = [];
  constructor(private readonly groups: ValueGroups) {}
  add(value: unknown): void {
    const key = this.groups.key(value);
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.items.push(value);
  }
  has(value: unknown): boolean {
    return this.keys.has(this.groups.key(value));
  }
}

function setOf(groups: ValueGroups, values: readonly unknown[]): ValueSet {
  const set = new ValueSet(groups);
  for (const v of values) set.add(v);
  return set;
}

/** The set expressions and `$in`, to lay over mingo's. */
export const bsonSetExpressions: Record<string, ExpressionOperator> = {
  $setUnion: (obj, expr, options) => {
    const args = arrays("$setUnion", obj, expr, options);
    return args === null ? null : setOf(new ValueGroups(), args.flat(1)).items;
  },
  $setIntersection: (obj, expr, options) => {
    const args = arrays("$setIntersection", obj, expr, options);
    if (args === null) return null;
    const groups = new ValueGroups();
    const [first = [], ...rest] = args;
    const others = rest.map((a) => setOf(groups, a));
    return setOf(groups, first).items.filter((v) => others.every((o) => o.has(v)));
  },
  $setDifference: (obj, expr, options) => {
    const args = arrays("$setDifference", obj, expr, options, 2);
    if (args === null) return null;
    const groups = new ValueGroups();
    const without = setOf(groups, args[1] ?? []);
    return setOf(groups, args[0] ?? []).items.filter((v) => !without.has(v));
  },
  $setEquals: (obj, expr, options) => {
    const args = arrays("$setEquals", obj, expr, options);
    if (args === null || args.length < 2) throw mongoError("$setEquals needs at least two arrays");
    const groups = new ValueGroups();
    const [first, ...rest] = args.map((a) => setOf(groups, a));
    return rest.every((s) => s.keys.size === first?.keys.size && [...s.keys].every((k) => first.keys.has(k)));
  },
  $setIsSubset: (obj, expr, options) => {
    const args = arrays("$setIsSubset", obj, expr, options, 2);
    if (args === null) throw mongoError("both operands of $setIsSubset must be arrays");
    const groups = new ValueGroups();
    const within = setOf(groups, args[1] ?? []);
    return (args[0] ?? []).every((v) => within.has(v));
  },
  $in: (obj, expr, options) => {
    if (!Array.isArray(expr) || expr.length !== 2) throw mongoError("Expression $in takes exactly 2 arguments.");
    const [item, list] = evalExpr(obj, expr, options) as [unknown, unknown];
    if (!Array.isArray(list)) throw mongoError("$in requires an array as a second argument");
    const groups = new ValueGroups();
    const key = groups.key(item);
    return list.some((v) => groups.key(v) === key);
  },
};
