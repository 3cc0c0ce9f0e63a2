import { Binary, Decimal128, Int32, Long } from "bson";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";
import { serverError } from "../../test/rejection.js";
import { doubleNice } from "./bsonText.js";

const D = (text: string): Decimal128 => Decimal128.fromString(text);
const L = (text: string): Long => Long.fromString(text);
const B = (base64: string, subType = 0): Binary => new Binary(Buffer.from(base64, "base64"), subType);

let s: ReturnType<typeof openService>;
let collections = 0;
beforeAll(async () => {
  s = openService();
  await s.call("insertMany", { documents: [{ _id: 0, a: 1 }] }, "refusals");
});
afterAll(() => s.close());

/** Inserts `values` as `{_id: i, a: values[i]}` in a fresh collection; returns a function giving the `_id`s a filter on `a` finds. */
async function field(values: unknown[]): Promise<(condition: unknown, path?: string) => Promise<number[]>> {
  const coll = `n${collections++}`;
  await s.call("insertMany", { documents: values.map((a, i) => (a === undefined ? { _id: i } : { _id: i, a })) }, coll);
  return async (condition, path = "a") =>
    ((await s.call("find", { query: { [path]: condition } }, coll)) as { _id: number }[]).map((d) => d._id).sort((x, y) => x - y);
}

/** The message a filter on `a` is refused with, in find and in an aggregate's `$match` alike. */
async function refusal(condition: unknown): Promise<string> {
  const query = { a: condition };
  const found = await serverError(s.call("find", { query }, "refusals"));
  const matched = await serverError(s.call("aggregate", { pipeline: [{ $match: query }] }, "refusals"));
  expect([found.statusCode, found.errorCode, matched.message]).toEqual([400, "MongoDBError", found.message]);
  return found.message;
}

describe("$mod (jstests/core/query/mod/mod.js, mod_special_values.js)", () => {
  test("only numbers match: null, false, strings, dates, booleans and missing fields never do", async () => {
    const ids = await field([null, false, "", "8", new Date(8), true, [], undefined, 8]);
    expect(await ids({ $mod: [2, 0] })).toEqual([8]);
    expect(await ids({ $mod: [1, 0] })).toEqual([8]);
  });

  test("a double or Decimal128 dividend is truncated toward zero; the remainder has the dividend's sign", async () => {
    const ids = await field([4.2, 4.5, 4.7, D("4.2"), D("4.5"), D("4.7"), -7, -7.9, D("-7.5"), 7.9, "7"]);
    expect(await ids({ $mod: [4, 0] })).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await ids({ $mod: [4, -3] })).toEqual([6, 7, 8]);
    expect(await ids({ $mod: [-4, 3] })).toEqual([9]);
  });

  test("64-bit dividends and divisors are exact", async () => {
    const ids = await field([4e9, 15e9, -4e9, -15e9, 4000000000.12345, -15000000000.12345, D("15000000000.12345"), L("9007199254740993")]);
    expect(await ids({ $mod: [4e9, 0] })).toEqual([0, 2, 4]);
    expect(await ids({ $mod: [1e10, 5e9] })).toEqual([1, 6]);
    expect(await ids({ $mod: [1e10, -5e9] })).toEqual([3, 5]);
    expect(await ids({ $mod: [2, 1] })).toEqual([7]);
    expect(await ids({ $mod: [L("4611686018427387904"), L("9007199254740993")] })).toEqual([7]);
  });

  test("divisor and remainder of any number type are truncated toward zero", async () => {
    const ids = await field([0, 5, 12, [0, 7], [1, 7], [-5]]);
    expect(await ids({ $mod: [L("5"), D("2.1")] })).toEqual([2, 3, 4]);
    expect(await ids({ $mod: [D("5.001"), D("2.1")] })).toEqual([2, 3, 4]);
    expect(await ids({ $mod: [4.5, 3.7] })).toEqual([3, 4]);
    expect(await ids({ $mod: [new Int32(7), new Int32(1)] })).toEqual([4]);
  });

  test("NaN, infinities and dividends outside the Int64 range never match", async () => {
    const ids = await field([-1e19, D("1e19"), D("NaN"), D("Infinity"), NaN, Infinity, 2 ** 63, -(2 ** 63)]);
    expect(await ids({ $mod: [1, 0] })).toEqual([7]);
  });

  test("arrays are looked into one level, also through a dotted path", async () => {
    const ids = await field([[1, [2, 3], [[4]]], [{ b: [1, 2, 3] }, { b: [5] }], [{ b: [-1] }, { b: [5] }], [[{ b: 4 }]], { b: [[4]] }]);
    expect(await ids({ $mod: [4, 0] })).toEqual([]);
    expect(await ids({ $mod: [1, 0] })).toEqual([0]);
    expect(await ids({ $mod: [3, 0] }, "a.b")).toEqual([1]);
    expect(await ids({ $mod: [5, 0] }, "a.b")).toEqual([1, 2]);
    expect(await ids({ $mod: [2, 0] }, "a.b")).toEqual([1]);
  });

  test("malformed arguments are refused with MongoDB's messages", async () => {
    const refused: [unknown, string][] = [
      [{ $mod: ["4", 3] }, "malformed mod, divisor not a number"],
      [{ $mod: [4, "3"] }, "malformed mod, remainder not a number"],
      [{ $mod: [null, 3, 1] }, "malformed mod, divisor not a number"],
      [{ $mod: [D("NaN"), 1] }, "malformed mod, divisor value is invalid :: caused by :: Unable to coerce NaN/Inf to integral type"],
      [{ $mod: [1, -Infinity] }, "malformed mod, remainder value is invalid :: caused by :: Unable to coerce NaN/Inf to integral type"],
      [{ $mod: [1, 1e19] }, "malformed mod, remainder value is invalid :: caused by :: Out of bounds coercing to integral value"],
      [{ $mod: [D("1e19"), 1] }, "malformed mod, divisor value is invalid :: caused by :: Out of bounds coercing to integral value"],
      [{ $mod: [D("0.001"), D("1.001")] }, "divisor cannot be 0"],
      [{ $mod: [0.5, 1] }, "divisor cannot be 0"],
    ];
    for (const [condition, message] of refused) expect(await refusal(condition)).toBe(message);
  });
});

describe("$bitsAllSet, $bitsAllClear, $bitsAnySet, $bitsAnyClear (jstests/core/query/bittest.js)", () => {
  test("64-bit values and masks", async () => {
    const ids = await field([0, 1, L("9223372036854775807"), L("6917529027641081856"), L("2305843009213693952")]);
    expect(await ids({ $bitsAllSet: 1 })).toEqual([1, 2]);
    expect(await ids({ $bitsAllSet: L("9223372036854775807") })).toEqual([2]);
    expect(await ids({ $bitsAllSet: L("6917529027641081856") })).toEqual([2, 3]);
    expect(await ids({ $bitsAllClear: L("2305843009213693952") })).toEqual([0, 1]);
    expect(await ids({ $bitsAnySet: L("9223372036854775807") })).toEqual([1, 2, 3, 4]);
    expect(await ids({ $bitsAnyClear: L("6917529027641081856") })).toEqual([0, 1, 4]);
    expect(await ids({ $bitsAllSet: [40] })).toEqual([2]);
  });

  test("negative numbers are sign-extended: positions past 63 test the sign bit", async () => {
    const all64 = Array.from({ length: 64 }, (_, i) => i);
    const ids = await field([-0, -1, -54, -1e18]);
    expect(await ids({ $bitsAllSet: [1, 7, 6, 3, 100] })).toEqual([1, 2]);
    expect(await ids({ $bitsAnySet: all64 })).toEqual([1, 2, 3]);
    expect(await ids({ $bitsAnyClear: all64 })).toEqual([0, 2, 3]);
    expect(await ids({ $bitsAllClear: [5, 4, 2, 0] })).toEqual([0, 2, 3]);
  });

  test("BinData values and masks are tested byte by byte, bits past the end being 0", async () => {
    const ids = await field([
      B("AAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
      B("AANgAAAAAAAAAAAAAAAAAAAAAAAA"),
      B("JANgqwetkqwklEWRbWERKKJREtbq"),
      B("////////////////////////////"),
    ]);
    expect(await ids({ $bitsAllSet: B("AAAAAAAAAAAAAAAAAAAAAAAAAAAA") })).toEqual([0, 1, 2, 3]);
    expect(await ids({ $bitsAllSet: B("AANgAAAAAAAAAAAAAAAAAAAAAAAA") })).toEqual([1, 2, 3]);
    expect(await ids({ $bitsAllClear: B("JAyfqwetkqwklEWRbWERKKJREtbq") })).toEqual([0, 1]);
    expect(await ids({ $bitsAnySet: B("AAyfAAAAAAAAAAAAAAAAAAAAAAAA") })).toEqual([3]);
    expect(await ids({ $bitsAnyClear: B("JANgqwetkqwklEWRbWERKKJREtbq") })).toEqual([0, 1]);
    expect(await ids({ $bitsAllSet: 1 })).toEqual([3]);
    expect(await ids({ $bitsAllSet: [300] })).toEqual([]);
    expect(await ids({ $bitsAnyClear: [300] })).toEqual([0, 1, 2, 3]);
  });

  test("NaN, fractions, infinities and numbers past the Int64 range never match; a whole Decimal128 is its integer", async () => {
    const values = [
      0,
      1,
      [1.1, 54],
      88,
      255,
      NaN,
      1.1,
      -1.1,
      -Infinity,
      Infinity,
      D("Infinity"),
      D("NaN"),
      D("9223372036854775808"),
      D("1.1"),
      D("3"),
      2 ** 63,
    ];
    const ids = await field(values);
    expect(await ids({ $bitsAllSet: 0 })).toEqual([0, 1, 2, 3, 4, 14]);
    expect(await ids({ $bitsAllClear: 1 })).toEqual([0, 2, 3]);
    expect(await ids({ $bitsAnyClear: 18 })).toEqual([0, 1, 3, 14]);
  });

  test("strings, booleans, null, dates, missing fields and arrays nested in arrays never match", async () => {
    const ids = await field(["3", true, null, new Date(3), undefined, [[4]], 2 ** 40 + 1]);
    expect(await ids({ $bitsAllSet: 1 })).toEqual([6]);
    expect(await ids({ $bitsAllClear: 2 })).toEqual([6]);
    expect(await ids({ $bitsAnySet: [40] })).toEqual([6]);
    expect(await ids({ $bitsAllSet: 4 })).toEqual([]);
  });

  test("malformed masks are refused with MongoDB's messages", async () => {
    const refused: [unknown, string][] = [
      [{ $bitsAllSet: -1 }, "Expected a non-negative number in: $bitsAllSet: -1"],
      [{ $bitsAnySet: 1.5 }, "Expected an integer: $bitsAnySet: 1.5"],
      [{ $bitsAllSet: NaN }, "Expected an integer, but found NaN in: $bitsAllSet: nan.0"],
      [{ $bitsAllClear: 1e30 }, "Cannot represent as a 64-bit integer: $bitsAllClear: 1e+30.0"],
      [{ $bitsAllSet: D("1.5") }, "Cannot represent as a 64-bit integer: $bitsAllSet: 1.5"],
      [{ $bitsAllSet: [1, -1] }, "Failed to parse bit position. Expected a non-negative number in: 1: -1"],
      [{ $bitsAllSet: ["a"] }, 'Failed to parse bit position. Expected a number in: 0: "a"'],
      [{ $bitsAllSet: [3e9] }, "Failed to parse bit position. Cannot represent 0: 3000000000 in an int"],
      [{ $bitsAnyClear: "a" }, 'a takes an Array, a number, or a BinData but received: $bitsAnyClear: "a"'],
      [{ $bitsAllSet: { b: [1, null] } }, "a takes an Array, a number, or a BinData but received: $bitsAllSet: { b: [ 1, null ] }"],
    ];
    for (const [condition, message] of refused) expect(await refusal(condition)).toBe(message);
    expect(await (await field([5]))({ $bitsAllSet: D("5") })).toEqual([0]);
  });
});

test("doubles in messages are written as C's %.16g with .0 added, as MongoDB's appendDoubleNice", () => {
  expect([1.5, -1, 1e30, 0.1, 1e-5, 123456789012345680, NaN, -Infinity].map(doubleNice)).toEqual([
    "1.5",
    "-1.0",
    "1e+30.0",
    "0.1",
    "1e-05.0",
    "1.234567890123457e+17",
    "nan.0",
    "-inf.0",
  ]);
});
