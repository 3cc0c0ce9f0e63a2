/**
 * The aggregation conversions that meet BSON values, which mingo leaves out: `$toString` of an
 * ObjectId (its hex string, as MongoDB), a Decimal128 or a Long; `$toObjectId`; and `$convert` to
 * `"objectId"`, `"string"` or `"decimal"` (bsonArithmetic.ts). Other conversions stay mingo's.
 * @packageDocumentation
 */
import { Decimal128, Double, Int32, Long, ObjectId } from "bson";
import { evalExpr } from "mingo/core";
import { $convert as mingoConvert } from "mingo/operators/expression";
import type { AnyObject, Options } from "mingo/types";
import { decimalOf } from "./bsonArithmetic.js";
import { mongoError } from "./errors.js";

function isNil(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

function stringOf(value: unknown): string {
  if (value instanceof ObjectId) return value.toHexString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Decimal128 || value instanceof Long || value instanceof Int32 || value instanceof Double) return value.toString();
  if (value instanceof RegExp) return value.toString();
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  throw mongoError("$toString cannot convert from object to string");
}

function objectIdOf(value: unknown): ObjectId {
  if (value instanceof ObjectId) return value;
  if (typeof value === "string" && /^[0-9a-fA-F]{24}$/.test(value)) return new ObjectId(value);
  const shown = typeof value === "string" ? `'${value}'` : typeof value;
  throw mongoError(`Failed to parse objectId ${shown} in $convert with no onError value: expected a string of 24 hex characters`);
}

/** `$toString`: null for null or missing; an ObjectId's hex, a date's ISO string, a number's text. */
export function toStringExpr(obj: unknown, expr: unknown, options: Options): string | null {
  const value = evalExpr(obj, expr, options);
  return isNil(value) ? null : stringOf(value);
}

/** `$toObjectId`: null for null or missing; an ObjectId from its 24-hex-character string. */
export function toObjectIdExpr(obj: unknown, expr: unknown, options: Options): ObjectId | null {
  const value = evalExpr(obj, expr, options);
  return isNil(value) ? null : objectIdOf(value);
}

const TARGETS: Record<string, (value: unknown) => unknown> = {
  string: stringOf,
  2: stringOf,
  objectId: objectIdOf,
  7: objectIdOf,
  decimal: decimalOf,
  19: decimalOf,
};

/** `$convert` with `to` `"string"`, `"objectId"` or `"decimal"` done here (with `onNull` and `onError`); other targets by mingo. */
export function convertExpr(obj: unknown, expr: unknown, options: Options): unknown {
  if (typeof expr !== "object" || expr === null || !("input" in expr) || !("to" in expr)) {
    throw mongoError("$convert expects an object with input and to");
  }
  const spec = expr as { input: unknown; to: unknown; onNull?: unknown; onError?: unknown };
  const target = TARGETS[String(evalExpr(obj, spec.to, options))];
  if (!target) return mingoConvert(obj as AnyObject, expr as Parameters<typeof mingoConvert>[1], options);
  const input = evalExpr(obj, spec.input, options);
  if (isNil(input)) return spec.onNull === undefined ? null : evalExpr(obj, spec.onNull, options);
  try {
    return target(input);
  } catch (err) {
    if (spec.onError === undefined) throw err;
    return evalExpr(obj, spec.onError, options);
  }
}
