import { Decimal128, EJSON, Long } from "bson";
import { expect, test } from "vitest";
import { distinctValues } from "../functions/distinct.js";
import { NumberCanon } from "./bsonGroups.js";
import { Aggregator } from "./mingoOptions.js";

const dec = (s: string) => Decimal128.fromString(s);
const BIG = Long.fromString("9007199254740993");
const docs = [
  { k: 1, v: 1 },
  { k: dec("1.0"), v: 2 },
  { k: Long.fromInt(1), v: 3 },
  { k: BIG, v: 4 },
  { k: 9007199254740992, v: 5 },
  { k: { a: dec("2") }, v: 6 },
  { k: { a: 2 }, v: 7 },
  { k: "1", v: 8 },
];

test("$group: numbers equal by value are one group, also inside documents; the _id is the first met", () => {
  const out = new Aggregator([{ $group: { _id: "$k", n: { $sum: 1 }, vs: { $push: "$v" } } }]).run<{
    _id: unknown;
    n: number;
    vs: number[];
  }>(docs);
  expect(
    out.map((g) => [
      String(g._id instanceof Object && !(g._id instanceof Decimal128) && !(g._id instanceof Long) ? JSON.stringify(g._id) : g._id),
      g.vs,
    ]),
  ).toEqual([
    ["1", [1, 2, 3]],
    ["9007199254740993", [4]],
    ["9007199254740992", [5]],
    ['{"a":{"$numberDecimal":"2"}}', [6, 7]],
    ["1", [8]],
  ]);
  expect(typeof out[0]?._id).toBe("number");
});

test("$addToSet and distinct keep one of each value", () => {
  const [row] = new Aggregator([{ $group: { _id: null, set: { $addToSet: "$k" } } }]).run<{ set: unknown[] }>(docs.slice(0, 5));
  expect(row?.set.map(String)).toEqual(["1", "9007199254740993", "9007199254740992"]);
  expect(distinctValues(docs.slice(0, 5), "k").map(String)).toEqual(["1", "9007199254740993", "9007199254740992"]);
  expect(distinctValues([{ k: dec("2.50") }, { k: 2.5 }, { k: [dec("2.5"), 3] }], "k").map(String)).toEqual(["2.50", "3"]);
});

test("NumberCanon returns a value as it is when nothing in it changes", () => {
  const canon = new NumberCanon();
  const first = { a: [1, "x"] };
  expect(canon.of(first)).toBe(first);
  const second = { a: [Long.fromInt(1), "x"] };
  expect(canon.of(second)).toEqual({ a: [1, "x"] });
  expect(second.a[0]).toBeInstanceOf(Long);
});

test("a group's _id is the first whole value met: numbers elsewhere in it keep their type and digits", () => {
  const rows = new Aggregator([{ $group: { _id: "$k", n: { $sum: 1 } } }]).run<{ _id: unknown; n: number }>([
    { k: dec("1.5") },
    { k: { a: dec("1.50") } },
    { k: { a: 1.5 } },
    { k: [2, dec("1.50")] },
  ]);
  expect(rows.map((r) => [EJSON.stringify(r._id), r.n])).toEqual([
    ['{"$numberDecimal":"1.5"}', 1],
    ['{"a":{"$numberDecimal":"1.50"}}', 2],
    ['[2,{"$numberDecimal":"1.50"}]', 1],
  ]);
  const [set] = new Aggregator([{ $group: { _id: null, s: { $addToSet: "$k" } } }]).run<{ s: unknown[] }>([
    { k: { a: dec("1.50") } },
    { k: { a: 1.5 } },
  ]);
  expect(EJSON.stringify(set?.s)).toBe('[{"a":{"$numberDecimal":"1.50"}}]');
});

test("$sortByCount groups by value; $__groupKey is not an expression a request may use", () => {
  const rows = new Aggregator([{ $sortByCount: "$k" }]).run<{ _id: unknown; count: number }>([
    { k: "x" },
    { k: 1 },
    { k: dec("1.0") },
    { k: Long.fromInt(1) },
  ]);
  expect(rows.map((r) => [String(r._id), r.count])).toEqual([
    ["1", 3],
    ["x", 1],
  ]);
  expect(() => new Aggregator([{ $project: { x: { $__groupKey: ["$k"] } } }]).run([{ k: 1 }])).toThrow(
    /Unrecognized expression '\$__groupKey'/,
  );
});

test("$addToSet: a document where the value is missing adds nothing, null is added ($group and window)", () => {
  const input = [{ _id: 1, v: 1 }, { _id: 2 }, { _id: 3, v: null }, { _id: 4, v: Long.fromInt(1) }];
  const [row] = new Aggregator([{ $group: { _id: null, s: { $addToSet: "$v" } } }]).run<{ s: unknown[] }>(input);
  expect(row?.s).toEqual([1, null]);
  const windowed = new Aggregator([
    { $setWindowFields: { sortBy: { _id: 1 }, output: { s: { $addToSet: "$v", window: { documents: [0, 1] } } } } },
  ]).run<{ s: unknown[] }>(input.slice(0, 2));
  expect(windowed.map((r) => r.s)).toEqual([[1], []]);
});

test("$addToSet: an array operand is refused in $group (a unary accumulator), an array literal in a window", () => {
  expect(() => new Aggregator([{ $group: { _id: null, s: { $addToSet: ["$v"] } } }]).run([{ v: 1 }])).toThrow(
    "The $addToSet accumulator is a unary operator",
  );
  const [row] = new Aggregator([{ $setWindowFields: { output: { s: { $addToSet: ["$v"] } } } }]).run<{ s: unknown[] }>([{ v: 1 }]);
  expect(row?.s).toEqual([[1]]);
});
