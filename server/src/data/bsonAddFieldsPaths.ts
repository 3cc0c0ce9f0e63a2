/**
 * MongoDB's checks of the field paths a stage names (field_path.cpp) and its rendering of a
 * specification in messages (BSONObj::toString), for `$addFields`/`$set` and `$unset`.
 * @packageDocumentation
 */
import { bsonTypeName } from "./bsonNumbers.js";
import { isPlainObject } from "./bsonValues.js";

/** The most components a field path may have (FieldPath: BSONDepth::getMaxAllowableDepth()). */
export const MAX_PATH_COMPONENTS = 200;

/** The `$`-prefixed names a FieldPath accepts (DBRef fields and metadata, field_path.cpp). */
const ALLOWED_DOLLAR_NAMES = new Set(["$id", "$ref", "$db", "$sortKey", "$recordId", "$searchSortValues", "$searchScore"]);

/** MongoDB's hint on `$` and `.` in names (servers at FCV 5.0 and later append it). */
const HINT = " Consider using $getField or $setField.";

/**
 * Why one component of a field path is refused (FieldPath::uassertValidFieldName), or undefined.
 * @param name - a component (no dot)
 */
export function fieldNameProblem(name: string): string | undefined {
  if (name === "") return "FieldPath field names may not be empty strings.";
  if (name.startsWith("$") && !ALLOWED_DOLLAR_NAMES.has(name)) return `FieldPath field names may not start with '$'.${HINT}`;
  if (name.includes("\0")) return "FieldPath field names may not contain '\\0'.";
  return undefined;
}

/**
 * Why a dotted field path is refused (FieldPath's constructor), or undefined.
 * @param path - a field path such as `a.b`
 */
export function fieldPathProblem(path: string): string | undefined {
  if (path === "") return "FieldPath cannot be constructed with empty string";
  if (path.endsWith(".")) return "FieldPath must not end with a '.'.";
  const names = path.split(".");
  if (names.length > MAX_PATH_COMPONENTS) return "FieldPath is too long";
  for (const name of names) {
    const problem = fieldNameProblem(name);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * A value as MongoDB's BSONObj::toString writes it in messages: `{ a: 1, b: "x" }`, `[ 1, 2 ]`,
 * `{}`; a whole number as an int, dates as `new Date(ms)`, ObjectIds as `ObjectId('…')`.
 * @param value - a specification or a part of one
 */
export function bsonText(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? "[]" : `[ ${value.map(bsonText).join(", ")} ]`;
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    return entries.length === 0 ? "{}" : `{ ${entries.map(([key, v]) => `${key}: ${bsonText(v)}`).join(", ")} }`;
  }
  if (typeof value === "string") return `"${value}"`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  switch (bsonTypeName(value)) {
    case "objectId":
      return `ObjectId('${String(value)}')`;
    case "decimal":
      return `NumberDecimal("${String(value)}")`;
    default:
      return String(value);
  }
}
