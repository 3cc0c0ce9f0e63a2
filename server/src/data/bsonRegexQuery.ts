/**
 * The `$regex` query operator (with `$options`) as MongoDB evaluates it, over PCRE's syntax
 * (pcrePattern.ts, through bsonRegexQueryValues.ts): a string or symbol matches by the pattern, a
 * stored regex by equal pattern and flags, an array by an element one level down (an array
 * nested in an array is not reached by a field path, as nestedArrays.ts), anything else never.
 *
 * mingo does not hand `$options` to `$regex`: `Query` folds `{$regex, $options}` (and a regex
 * value) into `new RegExp($regex, $options)` before any operator runs (mingo's `normalize`, in
 * `Query.compile` and `$not`), so a PCRE-only pattern (`(?i)…`, `a++`), the `x` flag or a bad
 * flag fails there with JavaScript's message, `$options: "g"` reads as DOTALL, and options set
 * twice are merged. {@link regexQueryFilter} parses those conditions as MongoDB does
 * (expression_parser.cpp `parseRegexDocument`) into a compiled `$regex` held by an object that
 * is not a plain object to mingo, which `normalize` then leaves alone (it rebuilds `$regex` in
 * plain objects only); a filter that did not go through it still gets the PCRE translation of
 * what mingo built.
 * @packageDocumentation
 */
import type { AnyObject, Options } from "mingo/types";
import { someLeafValue } from "./bsonSort.js";
import { defineOwn, isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { compileQueryRegex, QueryRegex, regexParts } from "./bsonRegexQueryValues.js";

type Predicate = (obj: AnyObject) => boolean;
type QueryOperator = (selector: string, value: unknown, options: Options) => Predicate;

/**
 * An operator document whose `$regex` is compiled and whose `$options` is gone. mingo's
 * `normalize` and `cloneDeep` take only objects made by `Object` for documents, so they hand this
 * one on as it is; the server's checks (bsonValues.ts `isPlainObject`) see a document.
 */
class PreparedConditions {
  [operator: string]: unknown;

  constructor(entries: [string, unknown][]) {
    for (const [key, value] of entries) defineOwn(this, key, value);
  }
}

/** `{$regex: regex}`, prepared. */
const preparedRegex = (regex: QueryRegex): PreparedConditions => new PreparedConditions([["$regex", regex]]);

/** The operators that take whole filters. */
const LOGICAL = new Set(["$and", "$or", "$nor"]);

/**
 * True if `regex` matches a value the path `selector` reaches (bsonSort.ts's `someLeafValue`), or
 * an element of one that is an array.
 */
function regexPredicate(selector: string, regex: QueryRegex): Predicate {
  const parts = selector.split(".");
  const test = (v: unknown): boolean => regex.matches(v);
  return (obj) => someLeafValue(obj, parts, (v) => test(v) || (Array.isArray(v) && v.some(test)));
}

/**
 * `{$regex, $options}` (and any sibling operators) as MongoDB parses it, in the document's order:
 * `$regex` a string or a regex, `$options` a string, flags in the regex and in `$options` refused.
 */
function regexOfDocument(doc: Doc): QueryRegex {
  let pattern: string | undefined;
  let options = "";
  for (const [key, value] of Object.entries(doc)) {
    if (key === "$regex") {
      // a compiled regex is one this function made before (a filter prepared twice)
      const parts = typeof value === "string" ? { pattern: value, options: "" } : value instanceof QueryRegex ? value : regexParts(value);
      if (parts === undefined) throw mongoError("$regex has to be a string");
      pattern = parts.pattern;
      if (parts.options !== "") {
        if (options !== "") throw mongoError("options set in both $regex and $options"); // 51074
        options = parts.options;
      }
    } else if (key === "$options") {
      if (typeof value !== "string") throw mongoError("$options has to be a string");
      if (options !== "") throw mongoError("options set in both $regex and $options"); // 51075
      options = value;
    }
  }
  if (pattern === undefined) throw mongoError("$options needs a $regex");
  return compileQueryRegex(pattern, options);
}

/** `array` with `fn` applied to each element, or `array` itself when nothing changed. */
function mapped(array: unknown[], fn: (v: unknown) => unknown): unknown[] {
  let out: unknown[] | undefined;
  array.forEach((item, i) => {
    const next = fn(item);
    if (next !== item) (out ??= array.slice())[i] = next;
  });
  return out ?? array;
}

/** An operator document (`{$regex: "a", $ne: "b"}`) with its regex compiled and its nested conditions prepared. */
function preparedOperators(ops: Doc): Doc {
  const regex = Object.hasOwn(ops, "$regex") || Object.hasOwn(ops, "$options") ? regexOfDocument(ops) : undefined;
  let changed = regex !== undefined;
  const entries: [string, unknown][] = [];
  for (const [key, value] of Object.entries(ops)) {
    let next = value;
    if (key === "$regex") next = regex;
    else if (key === "$not") next = preparedNot(value);
    else if (key === "$elemMatch") next = preparedElemMatch(value);
    else if (key === "$all" && Array.isArray(value)) {
      next = mapped(value, (v) => (isPlainObject(v) && Object.hasOwn(v, "$elemMatch") ? preparedOperators(v) : v));
    }
    changed ||= next !== value;
    if (key !== "$options") entries.push([key, next]);
  }
  if (!changed) return ops;
  if (regex !== undefined) return new PreparedConditions(entries);
  const out: Doc = {};
  for (const [key, value] of entries) defineOwn(out, key, value);
  return out;
}

const hasOperator = (doc: Doc): boolean => Object.keys(doc).some((k) => k.startsWith("$"));

/** `$not`'s argument: a regex, or an operator document. */
function preparedNot(value: unknown): unknown {
  const parts = regexParts(value);
  if (parts) return preparedRegex(compileQueryRegex(parts.pattern, parts.options));
  return isPlainObject(value) && hasOperator(value) ? preparedOperators(value) : value;
}

/** `$elemMatch`'s argument: conditions on the elements themselves, or a filter of their fields (nestedArrays.ts's rule). */
function preparedElemMatch(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  const onValues = keys.length > 0 && keys.every((k) => k.startsWith("$") && !LOGICAL.has(k));
  return onValues ? preparedOperators(value) : regexQueryFilter(value);
}

/** A field's condition: a regex value, an operator document, or a value to equal. */
function preparedCondition(value: unknown): unknown {
  const parts = regexParts(value);
  if (parts) return preparedRegex(compileQueryRegex(parts.pattern, parts.options));
  // mingo reads an object with any operator among its keys as operators
  return isPlainObject(value) && hasOperator(value) ? preparedOperators(value) : value;
}

/**
 * A filter with its regular expression conditions compiled as MongoDB parses them (see the
 * module's comment): `{a: /x/}`, `{a: {$regex, $options}}` and `$not: /x/` (through `$and`,
 * `$or`, `$nor`, `$not` and `$elemMatch`) get a compiled `$regex`; regexes in
 * `$in`, `$nin` and `$all` stay values (bsonOperators.ts compiles them). Copies only what changes;
 * anything that is not a filter is returned as it is.
 * @param filter - a query filter
 * @returns the filter to hand mingo's `Query`
 * @throws ServerError 400 `MongoDBError` with MongoDB's messages: `$regex has to be a string`,
 *   `$options has to be a string`, `$options needs a $regex`, `options set in both $regex and
 *   $options` (51074, 51075), and {@link compileQueryRegex}'s errors
 */
export function regexQueryFilter<T>(filter: T): T {
  if (!isPlainObject(filter)) return filter;
  let out: Doc | undefined;
  for (const [key, value] of Object.entries(filter)) {
    let next = value;
    if (LOGICAL.has(key)) next = Array.isArray(value) ? mapped(value, regexQueryFilter) : value;
    else if (!key.startsWith("$")) next = preparedCondition(value);
    if (next === value) continue;
    out ??= { ...filter };
    defineOwn(out, key, next);
  }
  return (out ?? filter) as T;
}

/**
 * `$regex` as mingo hands it over: compiled by {@link regexQueryFilter}, or a RegExp mingo built
 * from `$regex` and `$options`, taken as PCRE.
 */
const regexOperator: QueryOperator = (selector, value) => {
  if (value instanceof QueryRegex) return regexPredicate(selector, value);
  const parts = regexParts(value);
  if (parts === undefined) throw mongoError("$regex has to be a string");
  return regexPredicate(selector, compileQueryRegex(parts.pattern, parts.options));
};

/**
 * The query operators of this file, to lay over mingo's: `$regex` (see the module's comment) and
 * `$options` (reached only without a `$regex`: mingo drops it otherwise).
 * @throws ServerError 400 `MongoDBError` `$options needs a $regex`, `$regex has to be a string`,
 *   and {@link compileQueryRegex}'s errors
 */
export const bsonRegexQueryOperators: Record<string, QueryOperator> = {
  $regex: regexOperator,
  $options: () => {
    throw mongoError("$options needs a $regex");
  },
};
