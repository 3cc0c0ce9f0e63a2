import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;

beforeAll(() => {
  s = openService();
});
afterAll(async () => {
  await s.close();
});

/** The error message of an aggregate on an empty collection, or "ok". */
async function outcome(pipeline: unknown[]): Promise<string> {
  try {
    await s.call("aggregate", { pipeline }, "empty");
    return "ok";
  } catch (err) {
    return (err as Error).message;
  }
}

describe("expressions are checked before any document flows (MongoDB parses them with the pipeline)", () => {
  test("an unknown expression operator, wherever a stage takes an expression", async () => {
    const message = "Unrecognized expression '$foo'";
    expect(await outcome([{ $project: { v: { $foo: 1 } } }])).toBe(message);
    expect(await outcome([{ $project: { a: { b: { $add: [1, { $foo: 1 }] } } } }])).toBe(message);
    expect(await outcome([{ $addFields: { v: { $cond: [true, { $foo: 1 }, 0] } } }])).toBe(message);
    expect(await outcome([{ $set: { v: { x: { $foo: 1 } } } }])).toBe(message);
    expect(await outcome([{ $match: { $expr: { $foo: 1 } } }])).toBe(message);
    expect(await outcome([{ $replaceRoot: { newRoot: { $foo: 1 } } }])).toBe(message);
    expect(await outcome([{ $replaceWith: { $foo: 1 } }])).toBe(message);
    expect(await outcome([{ $group: { _id: { $foo: "$a" } } }])).toBe(message);
    expect(await outcome([{ $group: { _id: null, n: { $sum: { $foo: 1 } } } }])).toBe(message);
    expect(await outcome([{ $lookup: { from: "x", let: { v: { $foo: 1 } }, pipeline: [], as: "o" } }])).toBe(message);
    expect(await outcome([{ $facet: { a: [{ $project: { v: { $foo: 1 } } }] } }])).toBe(message);
  });

  test("an operator object of two fields is refused", async () => {
    expect(await outcome([{ $project: { v: { $add: [1], $abs: 1 } } }])).toBe(
      "An object representing an expression must have exactly one field: $add, $abs",
    );
  });

  test("$group's fields: MongoDB's messages for a missing _id, a non-accumulator, two accumulators and unknown ones", async () => {
    expect(await outcome([{ $group: 5 }])).toBe("a group's fields must be specified in an object");
    expect(await outcome([{ $group: { n: { $sum: 1 } } }])).toBe("a group specification must include an _id");
    expect(await outcome([{ $group: { _id: null, n: 1 } }])).toBe("The field 'n' must be an accumulator object");
    expect(await outcome([{ $group: { _id: null, n: {} } }])).toBe("The field 'n' must be an accumulator object");
    expect(await outcome([{ $group: { _id: null, n: { $sum: 1, $max: 1 } } }])).toBe("The field 'n' must specify one accumulator");
    expect(await outcome([{ $group: { _id: null, n: { $foo: 1 } } }])).toBe("unknown group operator '$foo'");
    expect(await outcome([{ $group: { _id: null, "a.b": { $sum: 1 } } }])).toBe("The field name 'a.b' cannot contain '.'");
    expect(await outcome([{ $group: { _id: null, $n: { $sum: 1 } } }])).toBe("The field name '$n' cannot be an operator name");
    expect(await outcome([{ $bucket: { groupBy: "$a", boundaries: [0, 1], default: "x", output: { n: { $foo: 1 } } } }])).toBe(
      "unknown group operator '$foo'",
    );
  });

  test("operators MongoDB has that this server does not evaluate are named as such", async () => {
    expect(await outcome([{ $project: { v: { $bsonSize: "$$ROOT" } } }])).toBe("$bsonSize is not supported by this server");
  });

  test("guards behaviour that was already right: literals, nested projections, named arguments and accumulators pass", async () => {
    expect(
      await outcome([
        { $project: { a: { b: 1, c: { $literal: { $foo: 1 } } }, d: { $map: { input: [1], as: "x", in: { $add: ["$$x", 1] } } } } },
        { $addFields: { e: { k: "$a", f: { $sortArray: { input: [2, 1], sortBy: 1 } } } } },
        {
          $group: {
            _id: { y: { $year: "$$NOW" } },
            top: { $top: { output: "$a", sortBy: { a: 1 } } },
            p: { $percentile: { input: "$a", p: [0.5], method: "approximate" } },
            n: { $count: {} },
          },
        },
        { $match: { $expr: { $let: { vars: { v: 1 }, in: { $eq: ["$$v", 1] } } } } },
      ]),
    ).toBe("ok");
  });
});
