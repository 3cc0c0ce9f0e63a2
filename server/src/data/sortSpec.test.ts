import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { serverError } from "../../test/rejection.js";
import { openService } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;
beforeAll(async () => {
  s = openService(":memory:");
  await s.call("insertMany", {
    documents: [
      { _id: 1, a: 2 },
      { _id: 2, a: 1 },
    ],
  });
});
afterAll(() => s.close());

describe("sort orders", () => {
  test("1 and -1 sort, in find and in a $sort stage", async () => {
    expect(await s.call("find", { query: {}, sort: { a: 1 } })).toEqual([
      { _id: 2, a: 1 },
      { _id: 1, a: 2 },
    ]);
    expect(await s.call("aggregate", { pipeline: [{ $sort: { a: -1 } }] })).toEqual([
      { _id: 1, a: 2 },
      { _id: 2, a: 1 },
    ]);
  });

  test("any other order is refused with MongoDB's message, as MongoDB refuses it", async () => {
    for (const order of [2, "asc", 1.5, null, { $meta: "x" }, true]) {
      const calls = [
        () => s.call("find", { query: {}, sort: { a: order } }),
        () => s.call("aggregate", { pipeline: [{ $sort: { a: order } }] }),
      ];
      for (const call of calls) {
        const err = await serverError(call());
        expect([err.statusCode, err.errorCode, err.message]).toEqual([
          400,
          "MongoDBError",
          "$sort key ordering must be 1 (for ascending) or -1 (for descending)",
        ]);
      }
    }
  });
});
