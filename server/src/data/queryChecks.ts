/**
 * Query operator arguments that MongoDB refuses and mingo takes (a fuzzing pass found them
 * answering 200 with some result): each operator listed here checks its argument, with MongoDB's
 * message, before mingo's own runs; `$exists` and `$size` are handed their argument as MongoDB
 * reads it (its truth, an integer). {@link withoutComments} drops `$comment` as MongoDB's parser does.
 * @packageDocumentation
 */
import * as queryOperators from "mingo/operators/query";
import { modArguments, sizeArgument, trueValue } from "./bsonQueryNumbersArgs.js";
import { parseBitMask, type BitOperator } from "./bsonQueryNumbersBits.js";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";

type QueryOperator = (selector: string, value: unknown, options: never) => unknown;

/** MongoDB's `$type` aliases (its "BSON Types" table). */
const TYPE_ALIASES = new Set([
  "double",
  "string",
  "object",
  "array",
  "binData",
  "undefined",
  "objectId",
  "bool",
  "date",
  "null",
  "regex",
  "dbPointer",
  "javascript",
  "symbol",
  "javascriptWithScope",
  "int",
  "timestamp",
  "long",
  "decimal",
  "minKey",
  "maxKey",
  "number",
]);
const TYPE_CODES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, -1, 127]);

function typeProblem(value: unknown): string | undefined {
  for (const item of Array.isArray(value) ? value : [value]) {
    if (typeof item === "number") {
      if (!TYPE_CODES.has(item)) return `Invalid numerical type code: ${item}`;
    } else if (typeof item !== "string" || !TYPE_ALIASES.has(item)) {
      return typeof item === "string" ? `Unknown type name alias: ${item}` : "type must be represented as a number or a string";
    }
  }
  return undefined;
}

/** MongoDB's operators that take a path (expression_parser.cpp `queryOperatorMap`, without the internal ones). */
const PATH_OPERATORS = new Set([
  "$all",
  "$bitsAllClear",
  "$bitsAllSet",
  "$bitsAnyClear",
  "$bitsAnySet",
  "$elemMatch",
  "$eq",
  "$exists",
  "$geoIntersects",
  "$geoNear",
  "$geoWithin",
  "$gt",
  "$gte",
  "$in",
  "$lt",
  "$lte",
  "$mod",
  "$ne",
  "$near",
  "$nearSphere",
  "$nin",
  "$not",
  "$options",
  "$regex",
  "$size",
  "$type",
  "$within",
]);

/** MongoDB's operators that take no path (expression_parser.cpp `pathlessOperatorMap`, without the internal ones). */
const PATHLESS_OPERATORS = new Set([
  "$alwaysFalse",
  "$alwaysTrue",
  "$and",
  "$comment",
  "$db",
  "$expr",
  "$id",
  "$jsonSchema",
  "$nor",
  "$or",
  "$ref",
  "$sampleRate",
  "$text",
  "$where",
]);

const LOGICAL = ["$and", "$or", "$nor"];

/**
 * True for an `$elemMatch` argument MongoDB reads as a query on documents (expression_parser.cpp
 * `parseElemMatch`): its first field is not an operator, or is one that takes no path (`$and`, `$expr`, …).
 */
function isElemMatchOnDocuments(criteria: Doc): boolean {
  const first = Object.keys(criteria)[0];
  return first === undefined || !first.startsWith("$") || PATHLESS_OPERATORS.has(first);
}

/** `$expr` in a query on the documents of an array, which MongoDB refuses (its `parseExpr` at a sub-document level). */
function subDocumentExpr(criteria: Doc): string | undefined {
  for (const [key, value] of Object.entries(criteria)) {
    if (key === "$expr") return "$expr can only be applied to the top-level document";
    if (LOGICAL.includes(key) && Array.isArray(value)) {
      for (const clause of value) {
        const problem = isPlainObject(clause) ? subDocumentExpr(clause) : undefined;
        if (problem !== undefined) return problem;
      }
    }
  }
  return undefined;
}

function elemMatchProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return "$elemMatch needs an Object";
  return isElemMatchOnDocuments(value) ? subDocumentExpr(value) : undefined;
}

/** `$not`'s argument (expression_parser.cpp `parseNot`, then `parseSubField` for each of its operators). */
function notProblem(value: unknown): string | undefined {
  if (isRegex(value)) return undefined;
  if (!isPlainObject(value)) return "$not needs a regex or a document";
  const keys = Object.keys(value);
  if (keys.length === 0) return "$not cannot be empty";
  for (const key of keys) {
    if (key === "$where") return "$where cannot be applied to a field";
    if (!PATH_OPERATORS.has(key)) return `unknown operator: ${key}`;
  }
  return undefined;
}

const bitsProblem =
  (op: BitOperator) =>
  (value: unknown, selector: string): string | undefined => {
    const mask = parseBitMask(op, selector, value);
    return mask.ok ? undefined : mask.problem;
  };

function isRegex(value: unknown): boolean {
  return (
    value instanceof RegExp ||
    (typeof value === "object" && value !== null && (value as { _bsontype?: unknown })._bsontype === "BSONRegExp")
  );
}

const nonEmptyArray = (op: string) => (value: unknown) =>
  Array.isArray(value) && value.length > 0 ? undefined : `${op} must be a nonempty array`;

/** Each checked operator's check: the problem with its argument (on the path `selector`), or undefined. */
const CHECKS: Record<string, (value: unknown, selector: string) => string | undefined> = {
  $type: typeProblem,
  $mod: (value) => {
    const args = modArguments(value);
    return args.ok ? undefined : args.problem;
  },
  $size: (value) => {
    const size = sizeArgument(value);
    return size.ok ? undefined : size.problem;
  },
  $bitsAllSet: bitsProblem("$bitsAllSet"),
  $bitsAllClear: bitsProblem("$bitsAllClear"),
  $bitsAnySet: bitsProblem("$bitsAnySet"),
  $bitsAnyClear: bitsProblem("$bitsAnyClear"),
  $all: (value) => (Array.isArray(value) ? undefined : "$all needs an array"),
  $elemMatch: elemMatchProblem,
  $not: notProblem,
  // mingo hands a top-level `$expr` its own name as the path; on a field it is an unknown operator
  $expr: (_value, selector) => (selector === "$expr" ? undefined : "unknown operator: $expr"),
  $and: nonEmptyArray("$and/$or/$nor"),
  $or: nonEmptyArray("$and/$or/$nor"),
  $nor: nonEmptyArray("$and/$or/$nor"),
};

/** The operators handed their argument as MongoDB reads it (after its check). */
const OPERANDS: Record<string, (value: unknown) => unknown> = {
  // MongoDB tests the argument's trueValue: Decimal128 zero is false, NaN and "" are true (JavaScript's truth differs)
  $exists: trueValue,
  // a whole number of any BSON type, as a JavaScript number
  $size: (value) => {
    const size = sizeArgument(value);
    return size.ok ? size.value : value;
  },
};

/**
 * mingo's query operators with `overrides` laid over them, those of {@link CHECKS} checking their
 * argument first, those of {@link OPERANDS} given it as MongoDB reads it.
 * @param overrides - operators that replace mingo's of the same name
 * @returns the operators, for mingo's context
 * @throws ServerError 400 `MongoDBError` with MongoDB's message, from an operator given an argument MongoDB refuses
 */
export function checkedQueryOperators(overrides: Record<string, QueryOperator> = {}): typeof queryOperators {
  const out: Record<string, QueryOperator> = { ...(queryOperators as unknown as Record<string, QueryOperator>), ...overrides };
  for (const name of new Set([...Object.keys(CHECKS), ...Object.keys(OPERANDS)])) {
    const original = out[name];
    if (original === undefined) continue;
    const check = CHECKS[name];
    const operand = OPERANDS[name];
    out[name] = (selector, value, options) => {
      const problem = check?.(value, selector);
      if (problem !== undefined) throw mongoError(problem);
      return original(selector, operand === undefined ? value : operand(value), options);
    };
  }
  return out as unknown as typeof queryOperators;
}

/** A copy of `entries` as a document with `changes` made, or undefined when there are none. */
function changed(entries: [string, unknown][], changes: Map<string, unknown>): Doc | undefined {
  if (changes.size === 0) return undefined;
  const out: Doc = {};
  for (const [key, value] of entries) {
    const kept = changes.has(key) ? changes.get(key) : value;
    if (kept !== undefined) Object.defineProperty(out, key, { value: kept, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** `values` with `drop` applied to each document among them, or undefined when none changes. */
function droppedIn(values: unknown[], drop: (doc: Doc) => Doc): unknown[] | undefined {
  const out = values.map((v) => (isPlainObject(v) ? drop(v) : v));
  return out.some((v, i) => v !== values[i]) ? out : undefined;
}

/** A field's operators without the `$comment`s of the queries on documents they hold (`$elemMatch`, also under `$not` and `$all`). */
function dropInOperators(operators: Doc): Doc {
  const entries = Object.entries(operators);
  const changes = new Map<string, unknown>();
  for (const [key, value] of entries) {
    let kept: unknown;
    if (key === "$elemMatch" && isPlainObject(value) && isElemMatchOnDocuments(value)) kept = dropComments(value);
    else if (key === "$not" && isPlainObject(value)) kept = dropInOperators(value);
    else if (key === "$all" && Array.isArray(value)) kept = droppedIn(value, dropInOperators) ?? value;
    if (kept !== undefined && kept !== value) changes.set(key, kept);
  }
  return changed(entries, changes) ?? operators;
}

/** A query document without its `$comment`s, copied only where one is dropped (see {@link withoutComments}). */
function dropComments(query: Doc): Doc {
  const entries = Object.entries(query);
  const changes = new Map<string, unknown>();
  for (const [key, value] of entries) {
    if (key === "$comment") changes.set(key, undefined);
    else if (LOGICAL.includes(key) && Array.isArray(value)) {
      const clauses = droppedIn(value, dropComments);
      if (clauses !== undefined) changes.set(key, clauses);
    } else if (!key.startsWith("$") && isPlainObject(value) && Object.keys(value)[0]?.startsWith("$") === true) {
      // a field's operators (MongoDB reads a document as operators when its first field is one)
      const operators = dropInOperators(value);
      if (operators !== value) changes.set(key, operators);
    }
  }
  return changed(entries, changes) ?? query;
}

/**
 * A filter as MongoDB's parser reads it with respect to `$comment`: dropped wherever a query on
 * documents may hold it (the filter itself, the clauses of `$and`/`$or`/`$nor`, an `$elemMatch` on
 * documents, also under `$not` or in `$all`), as `parseComment` adds nothing to the query (expression_parser.cpp): `{$comment: "x",
 * n: 1}` is `{n: 1}`. A `$comment` among a field's operators stays, MongoDB's "unknown operator".
 * @param filter - a query filter
 * @returns the filter, or a copy without its comments
 */
export function withoutComments<T>(filter: T): T {
  return isPlainObject(filter) ? (dropComments(filter) as T) : filter;
}

/**
 * mingo's refusal of an unknown operator as MongoDB words it: `unknown operator: $x` for a field's
 * operator, and the top-level message with MongoDB's hint; any other error is returned as it is.
 * @param err - what compiling a query threw
 */
export function asMongoQueryError(err: unknown): unknown {
  const message = err instanceof Error ? err.message : "";
  const field = /^unknown query operator (\$\S*)$/.exec(message);
  if (field) return mongoError(`unknown operator: ${field[1] ?? ""}`);
  const top = /^unknown top level operator: (\$\S*)$/.exec(message);
  if (top) {
    return mongoError(
      `unknown top level operator: ${top[1] ?? ""}. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.`,
    );
  }
  return err;
}
