import { describe, expect, test } from "vitest";
import { isLinearCall, linearQuery } from "./linearCalls.js";

const ns = { database: "d", collection: "c" };

describe("which calls the main thread evaluates itself", () => {
  test.each([
    ["find", { query: { a: 1, b: { $in: [1, 2] }, $or: [{ c: { $exists: true } }] }, project: { a: 1 }, sort: { a: -1 } }],
    ["updateMany", { query: { a: { $gt: 1 } }, update: { $set: { "b.3": 1 }, $push: { l: { $each: [1], $slice: -5 } } } }],
    ["deleteOne", { query: { tags: { $elemMatch: { $eq: "x" } } } }],
    ["insertMany", { documents: [{ s: "^(a+)+$" }] }],
    [
      "aggregate",
      { pipeline: [{ $match: { a: 1 } }, { $group: { _id: "$team", n: { $sum: 1 }, all: { $push: "$$ROOT" } } }, { $sort: { n: -1 } }] },
    ],
  ])("%s with plain operators: main thread", (name, arg) => {
    expect(isLinearCall(name as never, [{ ...ns, ...arg }])).toBe(true);
  });

  test.each([
    ["find", { query: { s: { $regex: "^(a+)+$" } } }],
    ["find", { query: { s: /^(a+)+$/ } }],
    ["find", { query: { s: { $not: /x/ } } }],
    ["find", { query: { $expr: { $gt: ["$a", 1] } } }],
    ["find", { query: { $where: "true" } }],
    ["find", { project: { a: { $slice: 2 } } }],
    ["count", { query: { a: { $nope: 1 } } }],
    ["updateOne", { update: [{ $set: { a: { $range: [0, 10] } } }] }],
    ["updateOne", { update: { $set: { "a.999999999": 1 } } }],
    ["updateOne", { update: { $push: { l: { $each: [1], $sort: { $meta: "x" } } } } }],
    ["aggregate", { pipeline: [{ $project: { x: { $range: [0, 2e8] } } }] }],
    ["aggregate", { pipeline: [{ $group: { _id: { $concat: ["$a", "$b"] } } }] }],
    ["aggregate", { pipeline: [{ $lookup: { from: "o", localField: "a", foreignField: "b", as: "c" } }] }],
  ])("%s %j: query thread", (name, arg) => {
    expect(isLinearCall(name as never, [{ ...ns, ...arg }])).toBe(false);
  });

  test("a query nested deeper than the limit goes to a thread", () => {
    let q: Record<string, unknown> = { a: 1 };
    for (let i = 0; i < 40; i++) q = { $and: [q] };
    expect(linearQuery(q)).toBe(false);
  });
});
