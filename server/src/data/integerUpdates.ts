/**
 * Integer arithmetic of the update operators as MongoDB's SafeNum does it: `$inc` and `$mul` of
 * two integers are exact (an Int32 result that overflows becomes an Int64; an Int64 that
 * overflows fails and writes nothing), and `$bit` works on 32 or 64 bits. A JS number that is a
 * safe integer counts as an Int32 when it fits in 32 bits and as an Int64 otherwise (the store
 * keeps whole numbers so); a Long is an Int64. mingo computed these with doubles (an Int64 beyond
 * 2^53 lost its last digits, an overflow was stored) and `$bit` with JS's 32-bit operators.
 * @packageDocumentation
 */
import { Long } from "bson";
import { compareBson } from "./bsonCompare.js";
import { bsonType, bsonTypeName } from "./bsonNumbers.js";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An integer value (a safe-integer number or a Long) as a BigInt; undefined for any other value. */
function integerOf(v: unknown): bigint | undefined {
  // a whole number up to 2^53 is an integer (the store makes an Int64 of 2^53 such a number)
  // (-0 is a double's)
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) <= 2 ** 53 && !Object.is(v, -0) ? BigInt(v) : undefined;
  return bsonType(v) === "Long" ? BigInt((v as Long).toString()) : undefined;
}

function isInt32(v: unknown): boolean {
  return typeof v === "number" && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;
}

/** An integer as the store keeps it: a number up to 2^53, a Long beyond. */
function stored(n: bigint): number | Long {
  return n >= -SAFE && n <= SAFE ? Number(n) : Long.fromBigInt(n);
}

/** A value as MongoDB's SafeNum shows it in a message (`(NumberLong)9223372036854775807`). */
function described(v: unknown): string {
  if (bsonType(v) === "Long") return `(NumberLong)${(v as Long).toString()}`;
  if (isInt32(v)) return `(NumberInt)${String(v)}`;
  return typeof v === "number" && Number.isSafeInteger(v) ? `(NumberLong)${String(v)}` : `(NumberDouble)${String(v)}`;
}

/**
 * `$inc` or `$mul` of two integers, exactly; undefined when either is not an integer (the caller
 * computes it by value then).
 * @param op - `$inc` or `$mul`
 * @param current - the field's value
 * @param amount - the operator's
 * @param id - the document's `_id`, as shown in messages
 * @returns the result, a number up to 2^53 and a Long beyond
 * @throws ServerError `MongoDBError` `Failed to apply $inc operations to current value ((NumberLong)…) for document {_id: …}` beyond 64 bits
 */
export function integerArithmetic(op: "$inc" | "$mul", current: unknown, amount: unknown, id: string): number | Long | undefined {
  const a = integerOf(current);
  const b = integerOf(amount);
  if (a === undefined || b === undefined) return undefined;
  const result = op === "$inc" ? a + b : a * b;
  // two Int32s always fit in 64 bits
  if (result < INT64_MIN || result > INT64_MAX)
    throw mongoError(`Failed to apply ${op} operations to current value (${described(current)}) for document {_id: ${id}}`);
  return stored(result);
}

const BIT_FORMAT = "{$bit: {field: {and/or/xor: #}}";

/**
 * Checks every `$bit` field's operations as MongoDB parses them: a document of `and`, `or` and
 * `xor` (one or more, applied in order), each an Int32 or Int64.
 * @param update - the operators
 * @throws ServerError `MongoDBError` with MongoDB's message for the first bad one
 */
export function checkBitSpecs(update: Doc): void {
  const fields = update.$bit;
  if (!isPlainObject(fields)) return;
  for (const spec of Object.values(fields)) {
    if (!isPlainObject(spec))
      throw mongoError(
        `The $bit modifier is not compatible with a ${bsonTypeName(spec)}. You must pass in an embedded document: ${BIT_FORMAT}`,
      );
    for (const [op, operand] of Object.entries(spec)) {
      if (op !== "and" && op !== "or" && op !== "xor")
        throw mongoError(
          `The $bit modifier only supports 'and', 'or', and 'xor', not '${op}' which is an unknown operator: {${op}: ${String(operand)}}`,
        );
      if (integerOf(operand) === undefined)
        throw mongoError(
          `The $bit modifier field must be an Integer(32/64 bit); a '${bsonTypeName(operand)}' is not supported here: {${op}: ${String(operand)}}`,
        );
    }
    if (Object.keys(spec).length === 0) throw mongoError(`You must pass in at least one bitwise operation. The format is: ${BIT_FORMAT}`);
  }
}

/**
 * A `$bit` field's new value: its operations applied in order to the value (Int32 0 when the field
 * is missing), on 64 bits when an Int64 takes part and on 32 bits otherwise.
 * @param spec - the field's operations, checked by {@link checkBitSpecs}
 * @param current - the value, or undefined when the field is missing
 * @param field - the field's name, for the message
 * @param id - the document's `_id`, as shown in messages
 * @returns the result, a number up to 2^53 and a Long beyond
 * @throws ServerError `MongoDBError` `Cannot apply $bit to a value of non-integral type…` for a value that is not an integer
 */
export function bitResult(spec: Doc, current: unknown, field: string, id: string): number | Long {
  const start = current === undefined ? 0n : integerOf(current);
  if (start === undefined)
    throw mongoError(
      `Cannot apply $bit to a value of non-integral type._id: ${id} has the field ${field} of non-integer type ${bsonTypeName(current)}`,
    );
  let value = start;
  let wide = current !== undefined && !isInt32(current);
  for (const [op, operand] of Object.entries(spec)) {
    const bits = integerOf(operand) ?? 0n;
    wide ||= !isInt32(operand);
    value = op === "and" ? value & bits : op === "or" ? value | bits : value ^ bits;
  }
  return stored(BigInt.asIntN(wide ? 64 : 32, value));
}

/**
 * Whether two numbers are the same in type and value, as MongoDB's no-op test of a modified number
 * (`$inc` by 0, `$bit` that changes no bit).
 * @param a - a value
 * @param b - another
 */
export function identicalNumbers(a: unknown, b: unknown): boolean {
  // as SafeNum's isIdentical: doubles by `==` (-0 is 0, NaN is never identical), Decimal128 by value
  // (a -0 result is a double: against a stored +0, which may be an Int32, it is a change)
  if (typeof a === "number" && typeof b === "number") return a === b && !(Object.is(a, -0) && Object.is(b, 0));
  const type = bsonType(a);
  if (type === undefined || type !== bsonType(b)) return false;
  return type === "Decimal128" ? compareBson(a, b) === 0 : String(a) === String(b);
}
