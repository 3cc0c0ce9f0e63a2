/**
 * The specification of `$densify` as MongoDB 6.0/7.0 parses it before any document flows
 * (document_source_densify.cpp: createFromBsonInternal, RangeStatement::parse; its IDL file): a
 * `field`, optional `partitionByFields`, and a `range` of a strictly positive numeric `step`, an
 * optional time `unit` (then a whole step) and `bounds` that are `"full"`, `"partition"` or an
 * ascending pair of two numbers or two dates. mingo accepted a step of 0 or below and then looped
 * until the heap ran out.
 * @packageDocumentation
 */
import { compareBson } from "./bsonCompare.js";
import { isTimeUnit, type TimeUnit } from "./bsonDatesUnits.js";
import { bsonType, bsonTypeName, isNumeric } from "./bsonNumbers.js";
import { D } from "./bsonArithmetic.js";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { checkedFieldPath } from "./fieldPaths.js";
import { idlFields } from "./bsonStagesText.js";

/** A parsed `$densify` specification. */
export interface DensifySpec {
  /** The densified field's path components. */
  field: string[];
  /** The partition fields, as written (dotted). */
  partitions: string[];
  /** The step: a number of any BSON type, or a whole number of units. */
  step: unknown;
  /** The time unit, for dates. */
  unit: TimeUnit | undefined;
  /** `"full"`, `"partition"`, or the explicit `[lower, upper)` pair. */
  bounds: "full" | "partition" | [unknown, unknown];
}

/** True for a number that is a whole number within 64 bits (Value::integral64Bit). */
function integral64Bit(v: unknown): boolean {
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 2 ** 63;
  if (bsonType(v) === "Long") return true;
  if (bsonType(v) === "Decimal128") {
    const d = new D(String(v));
    return d.isFinite() && d.isInteger() && d.abs().lt(2 ** 63);
  }
  return false;
}

const isDecimal = (v: unknown): boolean => bsonType(v) === "Decimal128";

/** RangeStatement::parse's reading of the bounds. */
function parseBounds(bounds: unknown, step: unknown, unit: TimeUnit | undefined): DensifySpec["bounds"] {
  if (Array.isArray(bounds)) {
    if (bounds.length !== 2) throw mongoError("A bounding array in a range statement must have exactly two elements");
    const [lower, upper] = bounds as [unknown, unknown];
    if (compareBson(lower, upper) > 0) throw mongoError("A bounding array must be an ascending array of either two dates or two numbers");
    if (isNumeric(lower)) {
      if (unit !== undefined) throw mongoError("Numeric bounds may not have unit parameter");
      if (!isNumeric(upper)) throw mongoError("A bounding array must contain either both dates or both numeric types");
      // MongoDB wants one BSON type for the three; the store keeps whole doubles as integers, so
      // only a Decimal128 among other types can be told apart here
      if (isDecimal(lower) !== isDecimal(upper) || isDecimal(lower) !== isDecimal(step)) {
        throw mongoError("Upper bound, lower bound, and step must all have the same type");
      }
      return [lower, upper];
    }
    if (lower instanceof Date) {
      if (!(upper instanceof Date)) throw mongoError("A bounding array must contain either both dates or both numeric types");
      if (unit === undefined) throw mongoError("A bounding array of dates must specify a unit");
      return [lower, upper];
    }
    throw mongoError("Explicit bounds must be numeric or dates");
  }
  if (typeof bounds === "string") {
    if (bounds === "full" || bounds === "partition") return bounds;
    throw mongoError("Bounds string must either be 'full' or 'partition'");
  }
  throw mongoError(
    "The bounds in a range statement must be the string 'full', 'partition', or an ascending array of two numbers or two dates",
  );
}

/**
 * Reads a `$densify` specification (see the file's comment).
 * @param expr - the stage's argument
 * @returns the parsed specification
 * @throws ServerError 400 `MongoDBError` with MongoDB's message for a malformed specification (IDL errors, 5733401–5733410, 5876900, 5946800, 5946802, 6586400, FieldPath errors)
 */
export function parseDensify(expr: unknown): DensifySpec {
  if (!isPlainObject(expr)) throw mongoError(`The $densify stage specification must be an object, found ${bsonTypeName(expr)}`);
  const spec = idlFields("$densify", expr, { field: "string!", partitionByFields: "array<string>", range: "object!" });
  const range = idlFields("$densify.range", spec.range as Doc, { step: "numeric!", unit: "string", bounds: "any!" });
  const step = range.step;
  // (NaN is below every number)
  if (!(compareBson(step, 0) > 0)) {
    throw mongoError("The step parameter in a range statement must be a strictly positive numeric value");
  }
  let unit: TimeUnit | undefined;
  if (range.unit !== undefined) {
    if (!integral64Bit(step))
      throw mongoError("The step parameter in a range statement must be a whole number when densifying a date range");
    const name = range.unit as string;
    if (!isTimeUnit(name)) throw mongoError(`unknown time unit value: ${name}`);
    unit = name;
  }
  const bounds = parseBounds(range.bounds, step, unit);
  const partitions = (spec.partitionByFields as string[] | undefined) ?? [];
  for (const partition of partitions) checkedFieldPath(partition);
  const field = checkedFieldPath(spec.field as string);
  if (bounds === "partition" && partitions.length === 0) {
    throw mongoError(
      "One cannot specify the bounds as 'partition' without specifying a non-empty array of partitionByFields. You may have meant to specify 'full' bounds.",
    );
  }
  return { field, partitions, step, unit, bounds };
}
