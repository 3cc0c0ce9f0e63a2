import { Binary, BSONRegExp, DBRef, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from "bson";
import { describe, expect, test } from "vitest";
import { bsonEqual, compareBson } from "./bsonCompare.js";
import { compareNumbers, isBsonNumber, isNumeric, numberKey } from "./bsonNumbers.js";

const dec = (s: string) => Decimal128.fromString(s);

describe("compareNumbers", () => {
  test("numbers of every BSON type compare by value", () => {
    expect(compareNumbers(dec("9.5"), dec("10"))).toBe(-1);
    expect(compareNumbers(dec("100"), dec("10.5"))).toBe(1);
    expect(compareNumbers(dec("10"), dec("10.000"))).toBe(0);
    expect(compareNumbers(dec("-0"), 0)).toBe(0);
    expect(compareNumbers(10, dec("10.0"))).toBe(0);
    expect(compareNumbers(Long.fromInt(12), dec("11.99"))).toBe(1);
    expect(compareNumbers(new Int32(3), new Double(3))).toBe(0);
    expect(compareNumbers(dec("-5"), Long.fromInt(-4))).toBe(-1);
    expect(compareNumbers(dec("1E+3"), 999.5)).toBe(1);
  });

  test("a double compares by its binary value: 9.99 as a double is not the Decimal128 9.99", () => {
    // the double nearest 9.99 is 9.9900000000000002131628…
    expect(compareNumbers(9.99, dec("9.99"))).toBe(1);
    expect(compareNumbers(dec("9.99"), 9.99)).toBe(-1);
    expect(compareNumbers(0.5, dec("0.5"))).toBe(0);
    expect(compareNumbers(dec("9.990000000000000213162820728030056"), 9.99)).toBe(1);
    expect(compareNumbers(Number.MIN_VALUE, dec("0"))).toBe(1);
    expect(compareNumbers(-Number.MIN_VALUE, dec("-1E-6176"))).toBe(-1);
  });

  test("Int64 values past 2^53 compare exactly", () => {
    const big = Long.fromString("9007199254740993");
    expect(compareNumbers(big, 9007199254740992)).toBe(1);
    expect(compareNumbers(big, Long.fromString("9007199254740992"))).toBe(1);
    expect(compareNumbers(Long.fromString("-9223372036854775808"), Long.fromString("9223372036854775807"))).toBe(-1);
    expect(compareNumbers(Long.fromString("9223372036854775807"), dec("9223372036854775807"))).toBe(0);
  });

  test("infinities bound the numbers; NaN is below all and equals NaN", () => {
    expect(compareNumbers(dec("Infinity"), Number.MAX_VALUE)).toBe(1);
    expect(compareNumbers(-Infinity, dec("-1E+6144"))).toBe(-1);
    expect(compareNumbers(dec("Infinity"), Infinity)).toBe(0);
    expect(compareNumbers(dec("NaN"), -Infinity)).toBe(-1);
    expect(compareNumbers(NaN, dec("NaN"))).toBe(0);
    expect(compareNumbers(1, NaN)).toBe(1);
  });

  test("exponents far apart are decided without building huge numbers", () => {
    expect(compareNumbers(dec("1E+6144"), dec("9.999999999999999999999999999999999E-6143"))).toBe(1);
    expect(compareNumbers(dec("1E-6176"), 5e-324)).toBe(-1);
  });
});

describe("compareBson", () => {
  test("types follow MongoDB's order", () => {
    const ordered = [
      new MinKey(),
      null,
      dec("-1"),
      2,
      Long.fromInt(3),
      "a",
      { a: 1 },
      [1],
      new Binary(Buffer.from("x")),
      new ObjectId("000000000000000000000001"),
      false,
      true,
      new Date(0),
      new Timestamp({ t: 1, i: 0 }),
      /x/,
      new MaxKey(),
    ];
    const shuffled = [...ordered].reverse();
    expect(shuffled.sort(compareBson)).toEqual(ordered);
  });

  test("a missing value equals null; within types: objects by field, arrays by element, binaries by length", () => {
    expect(compareBson(undefined, null)).toBe(0);
    expect(compareBson({ a: 1, b: 2 }, { a: 1, b: dec("2.5") })).toBe(-1);
    expect(compareBson({ a: 1 }, { a: 1, b: 0 })).toBe(-1);
    expect(compareBson({ a: "x" }, { b: 1 })).toBe(1); // a string field sorts after a number field
    expect(compareBson([1, 2], [1, 2, 0])).toBe(-1);
    expect(compareBson([Long.fromInt(2)], [dec("1.5")])).toBe(1);
    expect(compareBson(new Binary(Buffer.from("zz")), new Binary(Buffer.from("aaa")))).toBe(-1);
    expect(compareBson(new Timestamp({ t: 2, i: 0 }), new Timestamp({ t: 1, i: 9 }))).toBe(1);
    expect(compareBson(new BSONRegExp("a", "i"), /a/)).toBe(1);
    expect(compareBson(new ObjectId("000000000000000000000002"), new ObjectId("000000000000000000000010"))).toBe(-1);
  });
});

describe("bsonEqual", () => {
  test("numbers equal by value, also inside documents and arrays", () => {
    expect(bsonEqual(10, dec("10.00"))).toBe(true);
    expect(bsonEqual({ p: Long.fromInt(3), q: [dec("1")] }, { p: 3, q: [1] })).toBe(true);
    // as MongoDB's, unlike mingo's: documents are equal only with their fields in the same order
    expect(bsonEqual({ p: 3, q: [1] }, { q: [1], p: 3 })).toBe(false);
    expect(bsonEqual({ p: 3 }, { p: 3, q: 1 })).toBe(false);
    expect(bsonEqual([dec("1")], [dec("1"), 1])).toBe(false);
    expect(bsonEqual(dec("NaN"), NaN)).toBe(true);
  });

  test("other values keep mingo's equality", () => {
    expect(bsonEqual(new ObjectId("000000000000000000000001"), new ObjectId("000000000000000000000001"))).toBe(true);
    expect(bsonEqual(new Date(5), new Date(5))).toBe(true);
    expect(bsonEqual("10", 10)).toBe(false);
    expect(bsonEqual(null, undefined)).toBe(false);
  });
});

test("isNumeric and isBsonNumber", () => {
  expect([1, Long.fromInt(1), dec("1"), new Int32(1), new Double(1)].every(isNumeric)).toBe(true);
  expect([new Timestamp({ t: 1, i: 1 }), "1", null, { _bsontype: "ObjectId" }].some(isNumeric)).toBe(false);
  expect(isBsonNumber(1)).toBe(false);
  expect(isBsonNumber(dec("1"))).toBe(true);
});

test("numberKey is one key for numbers equal by value, whatever their types", () => {
  const key = (v: unknown) => numberKey(v);
  expect(new Set([key(10), key(Long.fromInt(10)), key(dec("10.00")), key(dec("1E+1")), key(new Double(10))]).size).toBe(1);
  expect(key(9.5)).toBe(key(dec("9.50")));
  expect(key(9.99)).not.toBe(key(dec("9.99")));
  expect(key(Long.fromString("9007199254740993"))).toBe(key(dec("9007199254740993")));
  expect(key(Long.fromString("9007199254740993"))).not.toBe(key(9007199254740992));
  expect([key(-0), key(dec("-0.0")), key(NaN), key(dec("NaN")), key(-Infinity)]).toEqual(["0", "0", "NaN", "NaN", "-Infinity"]);
});

test("a DBRef is ordered as a document: before booleans", () => {
  expect(compareBson(new DBRef("c", new ObjectId()), true)).toBe(-1);
  expect(compareBson(new DBRef("c", new ObjectId()), "text")).toBe(1);
});
