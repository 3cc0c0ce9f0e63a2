import { Decimal128, Long } from "bson";
import { afterEach, beforeEach, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;
beforeEach(() => {
  s = openService();
});
afterEach(() => s.close());

/** Inserts `{_id, a}`, applies the update, and returns the stored `a` (as a string for a Long) or the error's message. */
async function after(a: unknown, update: Record<string, unknown>): Promise<unknown> {
  const _id = Math.random();
  await s.call("insertOne", { document: a === undefined ? { _id } : { _id, a } });
  try {
    await s.call("updateOne", { query: { _id }, update });
  } catch (err) {
    const stored = ((await s.call("findOne", { query: { _id } })) as { a?: unknown }).a;
    return [(err as Error).message.replace(String(_id), "ID"), stored];
  }
  const stored = ((await s.call("findOne", { query: { _id } })) as { a?: unknown }).a;
  return stored instanceof Long ? `Long ${stored.toString()}` : stored;
}

const MAX = Long.MAX_VALUE;

test("$inc and $mul of integers are exact beyond 2^53 (mingo computed doubles)", async () => {
  expect(await after(2147483647, { $mul: { a: 2147483647 } })).toBe("Long 4611686014132420609");
  expect(await after(3037000499, { $mul: { a: 3037000499 } })).toBe("Long 9223372030926249001");
  expect(await after(Long.fromString("9007199254740991"), { $inc: { a: 2 } })).toBe("Long 9007199254740993");
  expect(await after(Long.fromString("9007199254740992"), { $inc: { a: 1 } })).toBe("Long 9007199254740993");
  expect(await after(Long.fromString("1152921504606846976"), { $inc: { a: -1 } })).toBe("Long 1152921504606846975");
  // an Int32 that overflows becomes an Int64; a double stays a double
  expect(await after(2147483647, { $inc: { a: 1 } })).toBe(2147483648);
  expect(await after(3, { $mul: { a: 1.5 } })).toBe(4.5);
});

test("an Int64 that overflows fails with MongoDB's message and writes nothing (it was stored, and read back negative)", async () => {
  expect(await after(MAX, { $inc: { a: 1 } })).toEqual([
    "Failed to apply $inc operations to current value ((NumberLong)9223372036854775807) for document {_id: ID}",
    MAX,
  ]);
  expect(await after(Long.MIN_VALUE, { $mul: { a: -1 } })).toEqual([
    "Failed to apply $mul operations to current value ((NumberLong)-9223372036854775808) for document {_id: ID}",
    Long.MIN_VALUE,
  ]);
  expect(await after(42, { $inc: { a: MAX } })).toEqual([
    "Failed to apply $inc operations to current value ((NumberInt)42) for document {_id: ID}",
    42,
  ]);
  expect(await after(Long.fromNumber(2 ** 40), { $mul: { a: 2 ** 30 } })).toEqual([
    "Failed to apply $mul operations to current value ((NumberLong)1099511627776) for document {_id: ID}",
    2 ** 40,
  ]);
});

test("an integer 0 times a negative integer is 0, a no-op (it stored -0.0)", async () => {
  const _id = "zero";
  await s.call("insertOne", { document: { _id, a: 0 } });
  expect(await s.call("updateOne", { query: { _id }, update: { $mul: { a: -1 } } })).toEqual({ matchedCount: 1, modifiedCount: 0 });
  expect(Object.is(((await s.call("findOne", { query: { _id } })) as { a: number }).a, 0)).toBe(true);
});

test("$bit works on 64 bits when an Int64 takes part, applies several operations in order, starts a missing field at 0", async () => {
  expect(await after(2 ** 33, { $bit: { a: { or: 1 } } })).toBe(8589934593);
  expect(await after(4294967295, { $bit: { a: { and: 4294967295 } } })).toBe(4294967295);
  expect(await after(Long.fromString("1152921504606846976"), { $bit: { a: { or: 1 } } })).toBe("Long 1152921504606846977");
  expect(await after(1, { $bit: { a: { or: Long.fromString("1152921504606846976") } } })).toBe("Long 1152921504606846977");
  expect(await after(13, { $bit: { a: { and: 5, or: 2, xor: 1 } } })).toBe(6);
  expect(await after(2147483647, { $bit: { a: { xor: -1 } } })).toBe(-2147483648);
  expect(await after(undefined, { $bit: { a: { or: 5 } } })).toBe(5);
});

test("$bit refuses a value that is not an integer and a malformed operation, with MongoDB's messages; nothing changes", async () => {
  expect(await after(5.5, { $bit: { a: { or: 1 } } })).toEqual([
    "Cannot apply $bit to a value of non-integral type._id: ID has the field a of non-integer type double",
    5.5,
  ]);
  expect(await after("x", { $bit: { a: { or: 1 } } })).toEqual([
    "Cannot apply $bit to a value of non-integral type._id: ID has the field a of non-integer type string",
    "x",
  ]);
  expect(await after(Decimal128.fromString("5"), { $bit: { a: { or: 1 } } })).toEqual([
    "Cannot apply $bit to a value of non-integral type._id: ID has the field a of non-integer type decimal",
    Decimal128.fromString("5"),
  ]);
  expect(await after(1, { $bit: { a: { or: 1.5 } } })).toEqual([
    "The $bit modifier field must be an Integer(32/64 bit); a 'double' is not supported here: {or: 1.5}",
    1,
  ]);
  expect(await after(1, { $bit: { a: { nand: 1 } } })).toEqual([
    "The $bit modifier only supports 'and', 'or', and 'xor', not 'nand' which is an unknown operator: {nand: 1}",
    1,
  ]);
  expect(await after(1, { $bit: { a: {} } })).toEqual([
    "You must pass in at least one bitwise operation. The format is: {$bit: {field: {and/or/xor: #}}",
    1,
  ]);
  expect(await after(1, { $bit: { a: 5 } })).toEqual([
    "The $bit modifier is not compatible with a int. You must pass in an embedded document: {$bit: {field: {and/or/xor: #}}",
    1,
  ]);
  expect(await after(5, { $bit: { "a.b": { or: 1 } } })).toEqual(["Cannot create field 'b' in element {a: 5}", 5]);
  // checked before any document is looked for
  await expect(s.call("updateMany", { query: { _id: "none" }, update: { $bit: { a: { nand: 1 } } } })).rejects.toThrow(
    /only supports 'and'/,
  );
});

test("$min and $max compare any values in MongoDB's order (mingo's skipped or misordered arrays, documents, and strings against Int64)", async () => {
  expect(await after([1, 2], { $max: { a: 5 } })).toEqual([1, 2]);
  expect(await after([1, 2], { $min: { a: 5 } })).toBe(5);
  expect(await after([2, 9], { $max: { a: [3, 1] } })).toEqual([3, 1]);
  expect(await after({ b: 2, a: 1 }, { $max: { a: { b: 1, a: 9 } } })).toEqual({ b: 2, a: 1 });
  expect(await after(Long.fromString("1152921504606846976"), { $max: { a: "x" } })).toBe("x");
  expect(await after(Long.fromString("1152921504606846976"), { $min: { a: "x" } })).toBe("Long 1152921504606846976");
  expect(await after(new Date(0), { $max: { a: true } })).toEqual(new Date(0));
  expect(await after(5, { $min: { a: null } })).toBe(null);
});

test("a result identical to the value is a no-op as SafeNum's isIdentical has it: -0.0 times 5, a Decimal128 times 1.0", async () => {
  expect(Object.is(await after(-0, { $mul: { a: 5 } }), -0)).toBe(true);
  // an Int32 0 times a double -1.5 is a double -0.0: a change
  expect(Object.is(await after(0, { $mul: { a: -1.5 } }), -0)).toBe(true);
  expect(await after(-0, { $bit: { a: { or: 1 } } })).toEqual([
    "Cannot apply $bit to a value of non-integral type._id: ID has the field a of non-integer type double",
    -0,
  ]);
  expect(await after(Decimal128.fromString("2"), { $mul: { a: Decimal128.fromString("1.0") } })).toEqual(Decimal128.fromString("2"));
});

test("an index past the end of an array is created, padded with nulls, with the exact result", async () => {
  expect(await after([1], { $inc: { "a.2": Long.fromString("9007199254740993") } })).toEqual([
    1,
    null,
    Long.fromString("9007199254740993"),
  ]);
  expect(await after([1], { $bit: { "a.2": { or: Long.fromNumber(2 ** 32) } } })).toEqual([1, null, 2 ** 32]);
  // not more than MongoDB's 1,500,000 nulls (mingo padded any length)
  expect(await after([1], { $set: { "a.1500002": 1 } })).toEqual(["can't backfill more than 1500000 elements", [1]]);
  expect(await after([1], { $inc: { "a.100000000": 1 } })).toEqual(["can't backfill more than 1500000 elements", [1]]);
});
