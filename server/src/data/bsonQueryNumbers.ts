/**
 * Query operators that test numbers bit by bit or by remainder (`$mod`, `$bitsAllSet`,
 * `$bitsAllClear`, `$bitsAnySet`, `$bitsAnyClear`), as MongoDB evaluates them
 * (expression_leaf.cpp `ModMatchExpression`, `BitTestMatchExpression`). mingo's own ran JavaScript's
 * `%` and 32-bit `&` on whatever the field held, so `{qty: {$mod: [2, 0]}}` matched `null`, `false`
 * and `""`, doubles and Decimal128s were not truncated, and masks past bit 31 wrapped around.
 *
 * - `$mod`: only numbers match (any BSON type); the field's value is rounded toward zero to a 64-bit
 *   integer (NaN, infinities and values outside the Int64 range never match) and its remainder
 *   taken as C++'s `%` does (the sign of the dividend), exactly (jstests/core/query/mod/mod.js,
 *   mod_special_values.js).
 * - `$bits*`: a number is tested as a 64-bit two's complement integer when it holds one exactly
 *   (see bsonQueryNumbersArgs.ts `exactInt64`), a BinData byte by byte (bsonQueryNumbersBits.ts);
 *   nothing else matches (strings, booleans, dates, null, a missing field).
 *
 * Both take the values a path reaches as the equalities do (bsonSort.ts `someLeafValue`): through
 * the documents of arrays, and the elements of an array reached, one level down (`{a: [[4]]}`
 * holds no number for `a`).
 * @packageDocumentation
 */
import type { AnyObject, Options } from "mingo/types";
import { isNumeric } from "./bsonNumbers.js";
import { coerceToInt64, exactInt64, modArguments } from "./bsonQueryNumbersArgs.js";
import { parseBitMask, testBytes, testNumber, type BitOperator } from "./bsonQueryNumbersBits.js";
import { binaryBytes } from "./bsonText.js";
import { someLeafValue } from "./bsonSort.js";
import { mongoError } from "./errors.js";

type QueryOperator = (selector: string, value: unknown, options: Options) => (obj: AnyObject) => boolean;

/** A test of each value the path reaches, and of the elements of each array reached. */
function leafTest(selector: string, test: (v: unknown) => boolean): (obj: AnyObject) => boolean {
  const parts = selector.split(".");
  return (obj) => someLeafValue(obj, parts, (v) => (Array.isArray(v) ? v.some(test) : test(v)));
}

const isSafe = (n: bigint): boolean => n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER);

/**
 * `$mod: [divisor, remainder]`.
 * @throws ServerError 400 `MongoDBError` with MongoDB's message for a malformed argument (bsonQueryNumbersArgs.ts `modArguments`)
 */
const modOperator: QueryOperator = (selector, value) => {
  const args = modArguments(value);
  if (!args.ok) throw mongoError(args.problem);
  const { divisor, remainder } = args.value;
  // plain doubles with whole parts within 2^53 take JavaScript's `%`, exact there and of the dividend's sign as C++'s
  const small = isSafe(divisor) && isSafe(remainder);
  const d = Number(divisor);
  const r = Number(remainder);
  return leafTest(selector, (v) => {
    if (typeof v === "number" && small && Number.isFinite(v)) {
      const whole = Math.trunc(v);
      if (Number.isSafeInteger(whole)) return whole % d === r;
    }
    if (!isNumeric(v)) return false;
    const dividend = coerceToInt64(v);
    return dividend.ok && dividend.value % divisor === remainder;
  });
};

/**
 * A bitwise operator.
 * @throws ServerError 400 `MongoDBError` with MongoDB's message for a malformed mask (bsonQueryNumbersBits.ts `parseBitMask`)
 */
function bitOperator(op: BitOperator): QueryOperator {
  return (selector, value) => {
    const parsed = parseBitMask(op, selector, value);
    if (!parsed.ok) throw mongoError(parsed.problem);
    const mask = parsed.value;
    return leafTest(selector, (v) => {
      const bytes = binaryBytes(v);
      if (bytes !== undefined) return testBytes(op, mask, bytes);
      const n = exactInt64(v);
      return n !== undefined && testNumber(op, mask, n);
    });
  };
}

/**
 * The query operators of this file, to lay over mingo's (their arguments are also checked first, queryChecks.ts).
 * @throws ServerError 400 `MongoDBError` with MongoDB's message for a malformed `$mod` argument or bit mask
 */
export const bsonNumberQueryOperators: Record<string, QueryOperator> = {
  $mod: modOperator,
  $bitsAllSet: bitOperator("$bitsAllSet"),
  $bitsAllClear: bitOperator("$bitsAllClear"),
  $bitsAnySet: bitOperator("$bitsAnySet"),
  $bitsAnyClear: bitOperator("$bitsAnyClear"),
};
