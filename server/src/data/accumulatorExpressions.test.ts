import { Decimal128 } from "bson";
import { expect, test } from "vitest";
import { grouped, projected } from "../../test/aggregateKit.js";

const doc = { b: 5, arr: [1, 2, 3], s: "x", a: 2, d: Decimal128.fromString("1.5") };

test("$sum, $avg, $min, $max, $stdDevPop, $stdDevSamp as expressions: one operand's value, one array's elements, several operands' values", () => {
  expect(projected({ $sum: "$b" }, doc)).toBe(5);
  expect(projected({ $sum: "$missing" }, doc)).toBe(0);
  expect(projected({ $sum: "$arr" }, doc)).toBe(6);
  expect(projected({ $sum: ["$arr"] }, doc)).toBe(6);
  expect(projected({ $sum: ["$a", "$b", "$s"] }, doc)).toBe(7);
  expect(projected({ $avg: "$b" }, doc)).toBe(5);
  expect(projected({ $avg: "$s" }, doc)).toBeNull();
  expect(projected({ $min: "$b" }, doc)).toBe(5);
  expect(projected({ $max: ["$a", "$b"] }, doc)).toBe(5);
  expect(projected({ $min: "$missing" }, doc)).toBeNull();
  expect(projected({ $stdDevPop: "$b" }, doc)).toBe(0);
  expect(projected({ $stdDevSamp: "$b" }, doc)).toBeNull();
  expect(String(projected({ $sum: ["$d", "$a"] }, doc))).toBe("3.5");
});

test("guards behaviour that was already right: the same names stay accumulators in $group", () => {
  const docs = [
    { _id: 1, g: 1, v: 1 },
    { _id: 2, g: 1, v: 3 },
    { _id: 3, g: 2 },
  ];
  expect(grouped({ $sum: "$v" }, docs)).toEqual([4, 0]);
  expect(grouped({ $avg: "$v" }, docs)).toEqual([2, null]);
  expect(grouped({ $max: "$v" }, docs)).toEqual([3, null]);
  expect(grouped({ $sum: 1 }, docs)).toEqual([2, 1]);
});
