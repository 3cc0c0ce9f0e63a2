import { Decimal128, Long } from "bson";
import { afterEach, beforeEach, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;
beforeEach(() => {
  s = openService();
});
afterEach(() => s.close());

/** Inserts `{_id, a}`, applies `$push: {a: spec}`, and returns the stored `a`, or the error's message and the stored `a`. */
async function pushed(a: unknown[], spec: unknown): Promise<unknown> {
  const _id = Math.random();
  await s.call("insertOne", { document: { _id, a } });
  const error = await s.call("updateOne", { query: { _id }, update: { $push: { a: spec } } }).then(
    () => undefined,
    (e: Error) => e.message,
  );
  const stored = ((await s.call("findOne", { query: { _id } })) as { a: unknown }).a;
  return error === undefined ? stored : [error, stored];
}

const players = [
  { n: "a", s: 3, t: 1 },
  { n: "b", s: 1, t: 2 },
];

test("$sort by a document of fields sorts on each field in turn (mingo used the first only)", async () => {
  const names = async (sort: unknown): Promise<unknown> =>
    ((await pushed(players, { $each: [{ n: "c", s: 3, t: 0 }], $sort: sort })) as { n: string }[]).map((p) => p.n);
  expect(await names({ s: -1, t: 1 })).toEqual(["c", "a", "b"]);
  expect(await names({ s: -1, t: -1 })).toEqual(["a", "c", "b"]);
  expect(await names({ s: 1 })).toEqual(["b", "a", "c"]);
  // a missing field, or an element that is not a document, sorts as null
  expect(await pushed([{ k: 2 }, 5, {}], { $each: [{ k: 1 }], $sort: { k: 1 } })).toEqual([5, {}, { k: 1 }, { k: 2 }]);
  expect(await pushed([{ x: { y: 2 } }, { x: { y: 0 } }], { $each: [{ x: { y: 1 } }], $sort: { "x.y": -1 } })).toEqual([
    { x: { y: 2 } },
    { x: { y: 1 } },
    { x: { y: 0 } },
  ]);
});

test("$position, then $sort, then $slice, as MongoDB applies them", async () => {
  expect(await pushed([1, 2, 3], { $each: [9], $position: -1 })).toEqual([1, 2, 9, 3]);
  expect(await pushed([1, 2, 3], { $each: [9], $position: -5 })).toEqual([9, 1, 2, 3]);
  expect(await pushed([1, 2, 3], { $each: [9, 8], $position: 10 })).toEqual([1, 2, 3, 9, 8]);
  expect(await pushed([1, 5, 3], { $each: [4, 2], $position: 0, $sort: 1, $slice: 3 })).toEqual([1, 2, 3]);
  expect(await pushed([1, 2, 3], { $each: [4, 5], $slice: -2 })).toEqual([4, 5]);
  expect(await pushed([1, 2], { $each: [], $slice: 0 })).toEqual([]);
  // a $sort of any number equal to 1 or -1; a push past the end of an array pads it with nulls
  expect(await pushed([1, 3], { $each: [2], $sort: Decimal128.fromString("-1") })).toEqual([3, 2, 1]);
  expect(await pushed([1], { $each: [3, 1, 2], $sort: { k: Long.fromNumber(1) } })).toEqual([1, 3, 1, 2]);
  const _id = "past";
  await s.call("insertOne", { document: { _id, a: [{}] } });
  await s.call("updateOne", { query: { _id }, update: { $push: { "a.2.t": { $each: [3, 1, 2], $sort: 1 } } } });
  expect(await s.call("findOne", { query: { _id } })).toEqual({ _id, a: [{}, null, { t: [1, 2, 3] }] });
  // any Int64, however large
  expect(await pushed([1, 2], { $each: [3], $slice: Long.MAX_VALUE, $position: Long.MIN_VALUE })).toEqual([3, 1, 2]);
  // any integral number, as MongoDB's parseIntegerElementToLong takes it
  expect(await pushed([1, 2], { $each: [3], $slice: Decimal128.fromString("2"), $position: Long.fromNumber(0) })).toEqual([3, 1]);
});

test("malformed clauses fail with MongoDB's messages and change nothing (mingo took them)", async () => {
  for (const [spec, message] of [
    [{ $each: [2], $sort: 2 }, "The $sort element value must be either 1 or -1"],
    [{ $each: [2], $sort: {} }, "The $sort pattern is empty when it should be a set of fields."],
    [{ $each: [2], $sort: { s: 0 } }, "The $sort element value must be either 1 or -1"],
    [{ $each: [2], $sort: "s" }, "The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields"],
    [{ $each: [2], $sort: { "s..t": 1 } }, "The $sort field is a dotted field but has an empty part: s..t"],
    [{ $each: [2], $foo: 1 }, "Unrecognized clause in $push: $foo"],
    [{ x: 1, $each: [2] }, "Unrecognized clause in $push: x"],
    [{ $each: 2 }, "The argument to $each in $push must be an array but it was of type: int"],
    [{ $each: [2], $slice: 1.5 }, "The value for $slice must be an integer value but was given type: double"],
    [{ $each: [2], $slice: 1e20 }, "The value for $slice must be an integer value but was given type: double"],
    [{ $each: [2], $position: "0" }, "The value for $position must be an integer value, not of type: string"],
  ] as const)
    expect(await pushed([1], spec)).toEqual([message, [1]]);
  // checked before any document is looked for
  await expect(s.call("updateMany", { query: { _id: "none" }, update: { $push: { a: { $each: [1], $foo: 1 } } } })).rejects.toThrow(
    "Unrecognized clause in $push: $foo",
  );
});

test("pushed documents are each document's own (an updateMany shares no value between documents)", async () => {
  await s.call("insertMany", {
    documents: [
      { _id: 1, a: [] },
      { _id: 2, a: [] },
    ],
  });
  await s.call("updateMany", { query: {}, update: { $push: { a: { v: 1 } } } });
  await s.call("updateOne", { query: { _id: 1 }, update: { $set: { "a.0.v": 2 } } });
  expect(await s.call("find", {})).toEqual([
    { _id: 1, a: [{ v: 2 }] },
    { _id: 2, a: [{ v: 1 }] },
  ]);
});
