/**
 * MongoDB's BSON type names, for the `$type` query operator and the `$type` expression: every BSON
 * type by its alias and its numeric code (`"decimal"`, `"long"`, `"objectId"`, `"19"`, …) and the
 * alias `"number"`; as MongoDB, an array matches `"array"` and the types of its elements.
 * @packageDocumentation
 */
import type { AnyObject, Options } from "mingo/types";
import { ensureArray } from "mingo/util";
import { leafValues } from "./bsonSort.js";

type QueryOperator = (selector: string, value: unknown, options: Options) => (obj: AnyObject) => boolean;

/** MongoDB's `$type` names of the BSON classes (with the numeric codes as strings). */
const CLASS_TYPE_NAMES: Record<string, string[]> = {
  ObjectId: ["objectId", "7"],
  Long: ["long", "18", "number"],
  Decimal128: ["decimal", "19", "number"],
  Int32: ["int", "16", "number"],
  Double: ["double", "1", "number"],
  Binary: ["binData", "5"],
  Timestamp: ["timestamp", "17"],
  BSONRegExp: ["regex", "11"],
  BSONSymbol: ["symbol", "14"],
  Code: ["javascript", "13"],
  MinKey: ["minKey", "-1"],
  MaxKey: ["maxKey", "127"],
  DBRef: ["object", "3"],
};
const CODE_WITH_SCOPE = ["javascriptWithScope", "15"];
const WHOLE_NUMBER = ["number", "double", "1", "int", "16", "long", "18"];
const FRACTION = ["number", "double", "1"];

/** MongoDB's `$type` names of a value (with the numeric codes as strings). */
function typeNames(v: unknown): string[] {
  if (v === null) return ["null", "10"];
  if (v === undefined) return ["undefined", "6"];
  switch (typeof v) {
    case "number":
      // stored numbers lose Int32/Double (see bsonValues.ts): a whole number answers to both, as mingo did
      return Number.isInteger(v) ? WHOLE_NUMBER : FRACTION;
    case "string":
      return ["string", "2"];
    case "boolean":
      return ["bool", "8"];
    default:
  }
  if (Array.isArray(v)) return ["array", "4"];
  if (v instanceof Date) return ["date", "9"];
  if (v instanceof RegExp) return ["regex", "11"];
  if (ArrayBuffer.isView(v)) return ["binData", "5"];
  const type = (v as { _bsontype?: string })._bsontype ?? "";
  if (type === "Code" && (v as { scope?: unknown }).scope) return CODE_WITH_SCOPE;
  return CLASS_TYPE_NAMES[type] ?? ["object", "3"];
}

/**
 * The `$type` query operator with every BSON type; an array matches "array" and the types of its elements.
 * @param selector - the field path
 * @param value - a type alias or code, or an array of them (checked before, queryChecks.ts)
 */
export const typeOperator: QueryOperator = (selector, value) => {
  // the argument is checked before (queryChecks.ts)
  const wanted = ensureArray(value).map(String);
  const matches = (v: unknown) => typeNames(v).some((n) => wanted.includes(n));
  return (obj) => leafValues(obj, selector).some((v) => v !== undefined && (matches(v) || (Array.isArray(v) && v.some(matches))));
};

/**
 * The name the `$type` expression gives a value (a whole JS number was stored as an Int32, or an Int64 beyond 2^31).
 * @param v - an evaluated value (undefined: missing)
 */
export function expressionTypeName(v: unknown): string {
  if (v === undefined) return "missing";
  if (typeof v === "number") return !Number.isInteger(v) ? "double" : Math.abs(v) < 2 ** 31 ? "int" : "long";
  return typeNames(v)[0] ?? "object";
}
