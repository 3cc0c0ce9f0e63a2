import { Decimal128, Long } from "bson";
import { expect, test } from "vitest";
import { Aggregator, find } from "./mingoOptions.js";

const dec = (s: string) => Decimal128.fromString(s);
const project = (expr: unknown, doc: Record<string, unknown> = {}): unknown =>
  (new Aggregator([{ $project: { _id: 0, v: expr } }]).run([doc])[0] as { v: unknown }).v;

test("a Decimal128 zero is false and NaN true in $cond, $and, $or, $not and $switch, as MongoDB's coerceToBool", () => {
  const doc = { zero: dec("0.00"), nan: NaN, big: Long.fromString("9007199254740993") };
  expect(project({ $cond: ["$zero", "yes", "no"] }, doc)).toBe("no");
  expect(project({ $cond: { if: "$nan", then: "yes", else: "no" } }, doc)).toBe("yes");
  expect(project({ $and: ["$big", "$nan"] }, doc)).toBe(true);
  expect(project({ $or: ["$zero", 0, null, "$missing"] }, doc)).toBe(false);
  expect(project({ $not: ["$zero"] }, doc)).toBe(true);
  expect(
    project(
      {
        $switch: {
          branches: [
            { case: "$zero", then: 1 },
            { case: "$nan", then: 2 },
          ],
        },
      },
      doc,
    ),
  ).toBe(2);
  expect(project({ $and: [] })).toBe(true);
  expect(project({ $or: [] })).toBe(false);
});

test("$cond and $switch evaluate only the branch they take (as mingo's did)", () => {
  expect(project({ $cond: [true, 1, { $divide: [1, 0] }] })).toBe(1);
  expect(project({ $switch: { branches: [{ case: true, then: "a" }], default: { $divide: [1, 0] } } })).toBe("a");
});

test("malformed arguments and a $switch with no match and no default fail with MongoDB's messages", () => {
  expect(() => project({ $switch: { branches: [{ case: false, then: 1 }] } })).toThrow(
    "$switch could not find a matching branch for an input, and no default was specified.",
  );
  expect(() => project({ $cond: { if: true, then: 1 } })).toThrow("Missing 'else' parameter to $cond");
  expect(() => project({ $cond: { if: true, then: 1, else: 2, other: 3 } })).toThrow("Unrecognized parameter to $cond: other");
  expect(() => project({ $cond: [true, 1] })).toThrow("Expression $cond takes exactly 3 arguments. 2 were passed in.");
  expect(() => project({ $not: [1, 2] })).toThrow("Expression $not takes exactly 1 arguments. 2 were passed in.");
  expect(() => project({ $switch: { branches: [] } })).toThrow("$switch requires at least one branch.");
  expect(() => project({ $switch: { branches: [{ case: true }] } })).toThrow("$switch requires each branch have a 'then' expression.");
});

test("$filter's cond and a query's $expr take MongoDB's truth too", () => {
  const doc = { prices: [dec("0"), dec("2.50"), NaN, 0] };
  expect(project({ $filter: { input: "$prices", cond: "$$this" } }, doc)).toEqual([dec("2.50"), NaN]);
  const docs = [
    { _id: 1, discount: dec("0.00") },
    { _id: 2, discount: dec("0.10") },
    { _id: 3, discount: NaN },
  ];
  expect(
    find(docs, { $expr: "$discount" })
      .all()
      .map((d) => d._id),
  ).toEqual([2, 3]);
});

test("a query's $expr is checked when the query is compiled: an unknown operator fails with no document (MongoDB parses it first)", () => {
  expect(() => find([], { $expr: { $foo: 1 } }).all()).toThrow("Unrecognized expression '$foo'");
  expect(() => find([], { $expr: { $eq: ["$a", { $bar: 1 }] } }).all()).toThrow("Unrecognized expression '$bar'");
  expect(find([{ a: 1 }, { a: 2 }], { $expr: { $eq: ["$a", { $literal: 2 }] } }).all()).toEqual([{ a: 2 }]);
});
