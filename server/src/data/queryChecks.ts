/**
 * Query operator arguments that MongoDB refuses and mingo takes (a fuzzing pass found them
 * answering 200 with some result): each operator listed here checks its argument, with MongoDB's
 * message, before mingo's own runs.
 * @packageDocumentation
 */
import * as queryOperators from "mingo/operators/query";
import { isPlainObject } from "./bsonValues.js";
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

function modProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return "malformed mod, needs to be an array";
  if (value.length < 2) return "malformed mod, not enough elements";
  if (value.length > 2) return "malformed mod, too many elements";
  if (!value.every((n) => typeof n === "number" && Number.isFinite(n))) return "malformed mod, divisor and remainder must be numbers";
  return value[0] === 0 ? "divisor cannot be 0" : undefined;
}

function sizeProblem(value: unknown): string | undefined {
  if (typeof value !== "number") return "$size needs a number";
  if (value < 0) return "$size may not be negative";
  return Number.isInteger(value) ? undefined : "$size must be a whole number";
}

const isRegex = (value: unknown): boolean =>
  value instanceof RegExp || (typeof value === "object" && value !== null && (value as { _bsontype?: unknown })._bsontype === "BSONRegExp");

const nonEmptyArray = (op: string) => (value: unknown) =>
  Array.isArray(value) && value.length > 0 ? undefined : `${op} must be a nonempty array`;

/** Each checked operator's check: the problem with its argument, or undefined. */
const CHECKS: Record<string, (value: unknown) => string | undefined> = {
  $type: typeProblem,
  $mod: modProblem,
  $size: sizeProblem,
  $all: (value) => (Array.isArray(value) ? undefined : "$all needs an array"),
  $elemMatch: (value) => (isPlainObject(value) ? undefined : "$elemMatch needs an Object"),
  $not: (value) => (isPlainObject(value) || isRegex(value) ? undefined : "$not needs a regex or a document"),
  $and: nonEmptyArray("$and/$or/$nor"),
  $or: nonEmptyArray("$and/$or/$nor"),
  $nor: nonEmptyArray("$and/$or/$nor"),
};

/**
 * mingo's query operators with `overrides` laid over them, those of {@link CHECKS} checking their
 * argument first.
 * @param overrides - operators that replace mingo's of the same name
 * @returns the operators, for mingo's context
 * @throws ServerError 400 `MongoDBError` with MongoDB's message, from an operator given an argument MongoDB refuses
 */
export function checkedQueryOperators(overrides: Record<string, QueryOperator> = {}): typeof queryOperators {
  const out: Record<string, QueryOperator> = { ...(queryOperators as unknown as Record<string, QueryOperator>), ...overrides };
  for (const [name, check] of Object.entries(CHECKS)) {
    const original = out[name];
    if (original === undefined) continue;
    out[name] = (selector, value, options) => {
      const problem = check(value);
      if (problem !== undefined) throw mongoError(problem);
      return original(selector, value, options);
    };
  }
  return out as unknown as typeof queryOperators;
}
