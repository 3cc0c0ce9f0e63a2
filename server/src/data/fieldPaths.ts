/**
 * MongoDB's checks of the field paths a stage or an accumulator names (field_path.cpp, FCV 5.0 and
 * later, which add the `$getField` hint to the messages).
 * @packageDocumentation
 */
import { mongoError } from "./errors.js";

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
 * Checks a dotted field path as MongoDB's FieldPath constructor does.
 * @param path - a path such as `a.b` (without a leading `$`)
 * @returns the path's components
 * @throws ServerError 400 `MongoDBError` for an empty path or component, a trailing dot, a component starting with `$`, a NUL, or more than 200 components
 */
export function checkedFieldPath(path: string): string[] {
  const problem = fieldPathProblem(path);
  if (problem !== undefined) throw mongoError(problem);
  return path.split(".");
}
