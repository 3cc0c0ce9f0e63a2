/**
 * MongoDB's `$dateAdd`, `$dateSubtract`, `$dateDiff` and `$dateTrunc` (5.0–7.0), in place of
 * mingo's, which ignored the time zone of `$dateAdd` and read Olson zones at today's offset: the
 * arguments read in MongoDB's order (a null or missing one gives null), a date, an ObjectId (its
 * timestamp) or a Timestamp (its seconds) as the date, an integral `amount` or `binSize` of any
 * number type, MongoDB's messages; the arithmetic is bsonDatesUnits.ts's.
 * @packageDocumentation
 */
import { Long } from "bson";
import { evalExpr } from "mingo/core";
import type { Options } from "mingo/types";
import { ServerError } from "../contracts.js";
import { coerceToDate, has, integral64Bit, shown, specOf, zoneArg, type Spec } from "./bsonDatesInput.js";
import { isNil } from "./expressionArgs.js";
import { dateAdd, dateDiff, dayOfWeekNamed, isTimeUnit, SUNDAY, truncateDate, type DayOfWeek, type TimeUnit } from "./bsonDatesUnits.js";
import type { Zone } from "./bsonDatesZones.js";
import { bsonTypeName } from "./bsonNumbers.js";
import { mongoError } from "./errors.js";
import { INT64_MIN } from "./numberText.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;

/** A value read as a date, with the operator's message for one that is none. */
function dateOf(value: unknown, message: (type: string) => string): number {
  try {
    return coerceToDate(value);
  } catch {
    throw mongoError(message(bsonTypeName(value)));
  }
}

/** The time unit of `$dateDiff` and `$dateTrunc` (MongoDB's parseTimeUnit for an expression). */
function unitOf(op: string, value: unknown): TimeUnit {
  if (typeof value !== "string") throw mongoError(`${op} requires 'unit' to be a string, but got ${bsonTypeName(value)}`);
  if (!isTimeUnit(value)) throw mongoError(`${op} parameter 'unit' value cannot be recognized as a time unit: ${value}`);
  return value;
}

/** The `startOfWeek` of `$dateDiff` and `$dateTrunc` (MongoDB's parseDayOfWeek for an expression). */
function startOfWeekOf(op: string, value: unknown): DayOfWeek {
  if (typeof value !== "string") throw mongoError(`${op} requires 'startOfWeek' to be a string, but got ${bsonTypeName(value)}`);
  const day = dayOfWeekNamed(value);
  if (day === undefined) throw mongoError(`${op} parameter 'startOfWeek' value cannot be recognized as a day of a week: ${value}`);
  return day;
}

/** The `timezone` of `$dateDiff` and `$dateTrunc`, its errors prefixed with the parameter's name. */
function zoneOf(op: string, obj: unknown, spec: Spec, options: Options): Zone | null {
  try {
    return zoneArg(obj, spec, options);
  } catch (err) {
    if (!(err instanceof ServerError)) throw err;
    throw mongoError(`${op} parameter 'timezone' value parsing failed :: caused by :: ${err.message}`);
  }
}

/** `startOfWeek`'s value when the unit is `"week"` and it is given, else undefined (the argument unread); null for null. */
function weekStartArg(obj: unknown, spec: Spec, unit: unknown, options: Options): unknown {
  if (unit !== "week" || !has(spec, "startOfWeek")) return undefined;
  const value = evalExpr(obj, spec.startOfWeek, options);
  return isNil(value) ? null : value;
}

/** `$dateAdd` (sign 1) or `$dateSubtract` (sign -1): `{startDate, unit, amount, timezone}`. */
function dateArithmetic(op: "$dateAdd" | "$dateSubtract", sign: bigint): ExpressionOperator {
  return (obj, expr, options) => {
    const spec = specOf(
      expr,
      ["startDate", "unit", "amount", "timezone"],
      `${op} expects an object as its argument`,
      `Unrecognized argument to ${op}: `,
      ". Expected arguments are startDate, unit, amount, and optionally timezone.",
    );
    if (!has(spec, "startDate") || !has(spec, "unit") || !has(spec, "amount")) {
      throw mongoError(`${op} requires startDate, unit, and amount to be present`);
    }
    const startDate = evalExpr(obj, spec.startDate, options);
    if (isNil(startDate)) return null;
    const unit = evalExpr(obj, spec.unit, options);
    if (isNil(unit)) return null;
    const amount = evalExpr(obj, spec.amount, options);
    if (isNil(amount)) return null;
    const zone = zoneArg(obj, spec, options);
    if (zone === null) return null;
    const t = dateOf(startDate, () => `${op} requires startDate to be convertible to a date`);
    if (typeof unit !== "string") throw mongoError(`${op} expects string defining the time unit`);
    if (!isTimeUnit(unit)) throw mongoError(`unknown time unit value: ${unit}`);
    const n = integral64Bit(amount);
    if (n === undefined) throw mongoError(`${op} expects integer amount of time units`);
    if (sign < 0n && n === INT64_MIN) throw mongoError(`invalid $dateSubtract 'amount' parameter value: ${n}`);
    return new Date(dateAdd(t, unit, sign * n, zone));
  };
}

/** `$dateDiff`: `{startDate, endDate, unit, timezone, startOfWeek}`, an Int64 as in MongoDB. */
const dateDiffExpr: ExpressionOperator = (obj, expr, options) => {
  const spec = specOf(
    expr,
    ["startDate", "endDate", "unit", "timezone", "startOfWeek"],
    "$dateDiff only supports an object as its argument",
    "Unrecognized argument to $dateDiff: ",
  );
  for (const name of ["startDate", "endDate", "unit"]) {
    if (!has(spec, name)) throw mongoError(`Missing '${name}' parameter to $dateDiff`);
  }
  const startDate = evalExpr(obj, spec.startDate, options);
  if (isNil(startDate)) return null;
  const endDate = evalExpr(obj, spec.endDate, options);
  if (isNil(endDate)) return null;
  const unit = evalExpr(obj, spec.unit, options);
  if (isNil(unit)) return null;
  const weekStart = weekStartArg(obj, spec, unit, options);
  if (weekStart === null) return null;
  const zone = zoneOf("$dateDiff", obj, spec, options);
  if (zone === null) return null;
  const start = dateOf(startDate, (type) => `$dateDiff requires 'startDate' to be a date, but got ${type}`);
  const end = dateOf(endDate, (type) => `$dateDiff requires 'endDate' to be a date, but got ${type}`);
  const timeUnit = unitOf("$dateDiff", unit);
  const startOfWeek = weekStart === undefined ? SUNDAY : startOfWeekOf("$dateDiff", weekStart);
  return Long.fromBigInt(dateDiff(start, end, timeUnit, zone, startOfWeek));
};

/** `$dateTrunc`: `{date, unit, binSize, timezone, startOfWeek}`. */
const dateTruncExpr: ExpressionOperator = (obj, expr, options) => {
  const spec = specOf(
    expr,
    ["date", "unit", "binSize", "timezone", "startOfWeek"],
    "$dateTrunc only supports an object as its argument",
    "Unrecognized argument to $dateTrunc: ",
    ". Expected arguments are date, unit, and optionally, binSize, timezone, startOfWeek",
  );
  if (!has(spec, "date")) throw mongoError("Missing 'date' parameter to $dateTrunc");
  if (!has(spec, "unit")) throw mongoError("Missing 'unit' parameter to $dateTrunc");
  const date = evalExpr(obj, spec.date, options);
  if (isNil(date)) return null;
  const unit = evalExpr(obj, spec.unit, options);
  if (isNil(unit)) return null;
  const binSize = has(spec, "binSize") ? evalExpr(obj, spec.binSize, options) : 1;
  if (isNil(binSize)) return null;
  const weekStart = weekStartArg(obj, spec, unit, options);
  if (weekStart === null) return null;
  const zone = zoneOf("$dateTrunc", obj, spec, options);
  if (zone === null) return null;
  const t = dateOf(date, (type) => `$dateTrunc requires 'date' to be a date, but got ${type}`);
  const timeUnit = unitOf("$dateTrunc", unit);
  const bins = integral64Bit(binSize);
  if (bins === undefined) {
    throw mongoError(
      `$dateTrunc requires 'binSize' to be a 64-bit integer, but got value '${shown(binSize)}' of type ${bsonTypeName(binSize)}`,
    );
  }
  if (bins <= 0n) throw mongoError(`$dateTrunc requires 'binSize' to be greater than 0, but got value ${bins}`);
  const startOfWeek = weekStart === undefined ? SUNDAY : startOfWeekOf("$dateTrunc", weekStart);
  return new Date(truncateDate(t, timeUnit, bins, zone, startOfWeek));
};

/**
 * `$dateAdd`, `$dateSubtract`, `$dateDiff` and `$dateTrunc` as MongoDB 5.0–7.0 evaluates them, to
 * lay over mingo's in the expression context (bsonDates.ts's map holds them).
 * @throws ServerError 400 `MongoDBError` (as the operators run), with MongoDB's messages: a malformed
 * argument, an unknown or missing argument, a value that is no date, an unknown unit or day of the
 * week, an `amount` or `binSize` that is no 64-bit integer or beyond MongoDB's bounds, an unknown
 * time zone, a date beyond what a JavaScript Date holds ("dateAdd overflowed", "dateTrunc overflowed")
 */
export const bsonDateArithmeticExpressions: Record<string, ExpressionOperator> = {
  $dateAdd: dateArithmetic("$dateAdd", 1n),
  $dateSubtract: dateArithmetic("$dateSubtract", -1n),
  $dateDiff: dateDiffExpr,
  $dateTrunc: dateTruncExpr,
};
