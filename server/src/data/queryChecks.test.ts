import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { serverError } from "../../test/rejection.js";
import { openService } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;
beforeAll(async () => {
  s = openService(":memory:");
  await s.call("insertMany", { documents: [{ _id: 1, a: [1, 2], n: 7, t: "x", sub: [{ k: 1 }] }] });
});
afterAll(() => s.close());

describe("query operator arguments", () => {
  test("MongoDB's refusals are refused with its message, in find and in an aggregate $match", async () => {
    const refused: [Record<string, unknown>, string][] = [
      [{ a: { $size: -1 } }, "$size may not be negative"],
      [{ a: { $size: 1.5 } }, "$size must be a whole number"],
      [{ a: { $size: "2" } }, "$size needs a number"],
      [{ n: { $mod: [0, 0] } }, "divisor cannot be 0"],
      [{ n: { $mod: [] } }, "malformed mod, not enough elements"],
      [{ n: { $mod: [2, 1, 0] } }, "malformed mod, too many elements"],
      [{ t: { $type: "nope" } }, "Unknown type name alias: nope"],
      [{ t: { $type: 999 } }, "Invalid numerical type code: 999"],
      [{ sub: { $elemMatch: 1 } }, "$elemMatch needs an Object"],
      [{ n: { $not: 1 } }, "$not needs a regex or a document"],
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
      { n: { $mod: [4, 3] } },
      { t: { $type: "string" } },
      { t: { $type: ["string", 1] } },
      { n: { $type: "number" } },
      { sub: { $elemMatch: { k: 1 } } },
      { n: { $not: { $gt: 8 } } },
      { t: { $not: /y/ } },
      { a: { $all: [1, 2] } },
      { $and: [{ n: 7 }], $or: [{ n: 7 }, { n: 8 }], $nor: [{ n: 8 }] },
    ];
    for (const query of matching) expect(await s.call("count", { query })).toBe(1);
  });
});
