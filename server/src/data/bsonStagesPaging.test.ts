import { Decimal128, Long } from "bson";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";
import { Aggregator } from "./mingoOptions.js";

const docs = [
  { _id: 1, a: 1 },
  { _id: 2, a: 2 },
  { _id: 3, a: 3 },
];
const run = (pipeline: Record<string, unknown>[], input: Record<string, unknown>[] = docs): unknown[] =>
  new Aggregator(pipeline).run(input);
const ids = (pipeline: Record<string, unknown>[]): unknown[] => run(pipeline).map((d) => (d as { _id: unknown })._id);

let s: ReturnType<typeof openService>;
beforeAll(async () => {
  s = openService();
  await s.call("insertMany", { documents: docs });
});
afterAll(() => s.close());

describe("$count", () => {
  test("no document for an empty input (a $group by null): after a $match that keeps nothing, and on an empty collection", async () => {
    expect(await s.call("aggregate", { pipeline: [{ $match: { a: 9 } }, { $count: "n" }] })).toEqual([]);
    expect(await s.call("aggregate", { pipeline: [{ $count: "n" }] }, "empty")).toEqual([]);
    expect(await s.call("aggregate", { pipeline: [{ $match: { a: { $gte: 2 } } }, { $count: "n" }] })).toEqual([{ n: 2 }]);
  });

  test("the name's checks carry MongoDB's messages (40156–40160), and `_id` meets the $group's own check", () => {
    expect(() => run([{ $count: 5 }])).toThrow("the count field must be a non-empty string");
    expect(() => run([{ $count: "" }])).toThrow("the count field must be a non-empty string");
    expect(() => run([{ $count: "$n" }])).toThrow("the count field cannot be a $-prefixed path");
    expect(() => run([{ $count: "n\0" }])).toThrow("the count field cannot contain a null byte");
    expect(() => run([{ $count: "a.b" }])).toThrow("the count field cannot contain '.'");
    expect(() => run([{ $count: "_id" }])).toThrow("a group's _id may only be specified once");
    expect(() => run([{ $count: "n" }], [])).not.toThrow();
  });
});

describe("$limit and $skip", () => {
  test("a limit of 0 is an error, whatever the input", async () => {
    await expect(s.call("aggregate", { pipeline: [{ $limit: 0 }] })).rejects.toMatchObject({
      errorCode: "MongoDBError",
      message: "the limit must be positive",
    });
    expect(() => run([{ $limit: 0 }], [])).toThrow("the limit must be positive");
  });

  test("a fraction, NaN, a negative number or a non-number is refused with the element quoted", () => {
    expect(() => run([{ $limit: 1.5 }])).toThrow("invalid argument to $limit stage: Expected an integer: $limit: 1.5");
    expect(() => run([{ $skip: 1.5 }])).toThrow("invalid argument to $skip stage: Expected an integer: $skip: 1.5");
    expect(() => run([{ $limit: NaN }])).toThrow("invalid argument to $limit stage: Expected an integer, but found NaN in: $limit: nan.0");
    expect(() => run([{ $limit: -1 }])).toThrow("invalid argument to $limit stage: Expected a non-negative number in: $limit: -1");
    expect(() => run([{ $skip: -2 }])).toThrow("invalid argument to $skip stage: Expected a non-negative number in: $skip: -2");
    expect(() => run([{ $limit: "1" }])).toThrow('invalid argument to $limit stage: Expected a number in: $limit: "1"');
    expect(() => run([{ $limit: null }])).toThrow("invalid argument to $limit stage: Expected a number in: $limit: null");
    expect(() => run([{ $skip: null }])).toThrow("invalid argument to $skip stage: Expected a number in: $skip: null");
    expect(() => run([{ $skip: { n: [1] } }])).toThrow("invalid argument to $skip stage: Expected a number in: $skip: { n: [ 1 ] }");
    expect(() => run([{ $limit: 2 ** 64 }])).toThrow(
      "invalid argument to $limit stage: Cannot represent as a 64-bit integer: $limit: 1.844674407370955e+19",
    );
    expect(() => run([{ $limit: Decimal128.fromString("1.5") }])).toThrow(
      "invalid argument to $limit stage: Cannot represent as a 64-bit integer: $limit: 1.5",
    );
  });

  test("guards behaviour that was already right: whole numbers of every type limit and skip", () => {
    expect(ids([{ $limit: 2 }])).toEqual([1, 2]);
    expect(ids([{ $limit: Long.fromInt(1) }])).toEqual([1]);
    expect(ids([{ $limit: Decimal128.fromString("2") }])).toEqual([1, 2]);
    expect(ids([{ $skip: 0 }])).toEqual([1, 2, 3]);
    expect(ids([{ $skip: Long.fromInt(2) }])).toEqual([3]);
    expect(ids([{ $skip: 1 }, { $limit: 1 }])).toEqual([2]);
  });
});
