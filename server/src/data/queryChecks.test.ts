import { Decimal128, Long } from "bson";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { serverError } from "../../test/rejection.js";
import { openService } from "../../test/dataHelpers.js";
import { withoutComments } from "./queryChecks.js";
import { Query } from "./mingoOptions.js";

let s: ReturnType<typeof openService>;
beforeAll(async () => {
  s = openService(":memory:");
  await s.call("insertMany", { documents: [{ _id: 1, a: [1, 2], n: 7, t: "x", sub: [{ k: 1 }] }] });
});
afterAll(() => s.close());

describe("query operator arguments", () => {
  test("MongoDB's refusals are refused with its message, in find and in an aggregate $match", async () => {
    const refused: [Record<string, unknown>, string][] = [
      [{ a: { $size: -1 } }, "Failed to parse $size. Expected a non-negative number in: $size: -1"],
      [{ a: { $size: 1.5 } }, "Failed to parse $size. Expected an integer: $size: 1.5"],
      [{ a: { $size: "2" } }, 'Failed to parse $size. Expected a number in: $size: "2"'],
      [{ a: { $size: 2 ** 31 } }, "Failed to parse $size. Cannot represent $size: 2147483648 in an int"],
      [{ a: { $size: Decimal128.fromString("2.5") } }, "Failed to parse $size. Cannot represent as a 64-bit integer: $size: 2.5"],
      [{ n: { $mod: [0, 0] } }, "divisor cannot be 0"],
      [{ n: { $mod: ["2", 0] } }, "malformed mod, divisor not a number"],
      [{ n: { $mod: [] } }, "malformed mod, not enough elements"],
      [{ n: { $mod: [2, 1, 0] } }, "malformed mod, too many elements"],
      [{ t: { $type: "nope" } }, "Unknown type name alias: nope"],
      [{ t: { $type: 999 } }, "Invalid numerical type code: 999"],
      [{ sub: { $elemMatch: 1 } }, "$elemMatch needs an Object"],
      [{ n: { $not: 1 } }, "$not needs a regex or a document"],
      [{ n: { $not: {} } }, "$not cannot be empty"],
      [{ n: { $not: { b: 1 } } }, "unknown operator: b"],
      [{ n: { $not: { $gt: 1, $expr: true } } }, "unknown operator: $expr"],
      [{ n: { $expr: true } }, "unknown operator: $expr"],
      [{ sub: { $elemMatch: { k: 1, $expr: true } } }, "$expr can only be applied to the top-level document"],
      [{ sub: { $elemMatch: { $or: [{ $expr: true }] } } }, "$expr can only be applied to the top-level document"],
      [{ a: { $elemMatch: { $gt: 0, $expr: true } } }, "unknown operator: $expr"],
      [{ a: { $all: {} } }, "$all needs an array"],
      [{ $and: [] }, "$and/$or/$nor must be a nonempty array"],
      [{ $or: {} }, "$and/$or/$nor must be a nonempty array"],
    ];
    for (const [query, message] of refused) {
      for (const call of [() => s.call("find", { query }), () => s.call("aggregate", { pipeline: [{ $match: query }] })]) {
        const err = await serverError(call());
        expect([err.statusCode, err.errorCode, err.message]).toEqual([400, "MongoDBError", message]);
      }
    }
  });

  test("the arguments MongoDB takes still match", async () => {
    const matching = [
      { a: { $size: 2 } },
      { a: { $size: Decimal128.fromString("2.0") } },
      { a: { $size: Long.fromNumber(2) } },
      { n: { $mod: [4, 3] } },
      { t: { $type: "string" } },
      { t: { $type: ["string", 1] } },
      { n: { $type: "number" } },
      { sub: { $elemMatch: { k: 1 } } },
      { n: { $not: { $gt: 8 } } },
      { n: { $not: { $not: { $gt: 6 } } } },
      { sub: { $elemMatch: { $and: [{ k: 1 }] } } },
      { t: { $not: /y/ } },
      { a: { $all: [1, 2] } },
      { $and: [{ n: 7 }], $or: [{ n: 7 }, { n: 8 }], $nor: [{ n: 8 }] },
    ];
    for (const query of matching) expect(await s.call("count", { query })).toBe(1);
  });
});

describe("$exists reads its argument's truth as MongoDB's trueValue", () => {
  test("a Decimal128 zero is false; NaN and an empty string are true", async () => {
    const count = (v: unknown) => s.call("count", { query: { n: { $exists: v } } });
    expect(await count(Decimal128.fromString("0"))).toBe(0);
    expect(await count(Decimal128.fromString("-0E+3"))).toBe(0);
    expect(await count(NaN)).toBe(1);
    expect(await count(Decimal128.fromString("NaN"))).toBe(1);
    expect(await count("")).toBe(1);
  });

  test("guards what was already right: booleans, numbers, null and documents", async () => {
    const count = (v: unknown) => s.call("count", { query: { n: { $exists: v } } });
    expect([await count(true), await count(1), await count(Decimal128.fromString("0.1")), await count({})]).toEqual([1, 1, 1, 1]);
    expect([await count(false), await count(0), await count(null), await count(Long.fromNumber(0))]).toEqual([0, 0, 0, 0]);
  });
});

describe("withoutComments", () => {
  test("drops $comment from a filter, its $and/$or/$nor clauses and $elemMatch queries on documents", () => {
    const filter = {
      $comment: "top",
      n: 1,
      $or: [{ $comment: "in or", t: "x" }, { n: 2 }],
      sub: { $elemMatch: { $comment: "in elemMatch", k: 1 } },
    };
    expect(withoutComments(filter)).toEqual({ n: 1, $or: [{ t: "x" }, { n: 2 }], sub: { $elemMatch: { k: 1 } } });
    expect(filter.$comment).toBe("top");
    expect(withoutComments({ $comment: "only" })).toEqual({});
    expect(
      withoutComments({ a: { $not: { $elemMatch: { $comment: "x", b: 1 } }, $all: [{ $elemMatch: { b: 2, $comment: "y" } }] } }),
    ).toEqual({
      a: { $not: { $elemMatch: { b: 1 } }, $all: [{ $elemMatch: { b: 2 } }] },
    });
  });

  test("keeps a filter without comments as it is, and a $comment among a field's operators (MongoDB's unknown operator)", () => {
    const plain = { n: { $gt: 1 }, $and: [{ t: "x" }] };
    expect(withoutComments(plain)).toBe(plain);
    expect(withoutComments({ n: { $comment: "x" } })).toEqual({ n: { $comment: "x" } });
    expect(withoutComments({ a: { $elemMatch: { $gt: 1, $comment: "x" } } })).toEqual({ a: { $elemMatch: { $gt: 1, $comment: "x" } } });
    // a document whose first field is not an operator is a value to compare with, left whole
    const equality = { a: { b: 1, $elemMatch: { $comment: "x" } } };
    expect(withoutComments(equality)).toBe(equality);
  });
});

test("an unknown operator gets MongoDB's message, for a field and at the top level", () => {
  expect(() => new Query({ a: { $foo: 1 } })).toThrow(/^unknown operator: \$foo$/);
  expect(() => new Query({ $or: [{ a: { $foo: 1 } }] })).toThrow(/^unknown operator: \$foo$/);
  expect(() => new Query({ $foo: 1 })).toThrow(
    "unknown top level operator: $foo. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.",
  );
});
