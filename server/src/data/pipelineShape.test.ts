import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;

beforeEach(() => {
  s = openService();
});
afterEach(async () => {
  await s.close();
});

/** The error message of an aggregate, or "ok" with its result count. */
async function outcome(pipeline: unknown[], collection = "items"): Promise<string> {
  try {
    const out = (await s.call("aggregate", { pipeline }, collection)) as unknown[];
    return `ok ${out.length}`;
  } catch (err) {
    return (err as Error).message;
  }
}

describe("a pipeline's shape is checked before any document flows (on an empty collection too)", () => {
  test("an unknown stage name gets MongoDB's message", async () => {
    expect(await outcome([{ $nope: {} }])).toBe("Unrecognized pipeline stage name: '$nope'");
    expect(await outcome([{ $match: {} }, { $push: "$a" }])).toBe("Unrecognized pipeline stage name: '$push'");
  });

  test("a stage object of two fields or none is refused", async () => {
    const message = "A pipeline stage specification object must contain exactly one field.";
    expect(await outcome([{ $match: {}, $limit: 1 }])).toBe(message);
    expect(await outcome([{}])).toBe(message);
  });

  test("stages MongoDB knows that this server does not run are named as such", async () => {
    expect(await outcome([{ $geoNear: { near: [0, 0], distanceField: "d" } }])).toBe("$geoNear is not supported by this server");
    expect(await outcome([{ $collStats: {} }])).toBe("$collStats is not supported by this server");
    expect(await outcome([{ $out: "copy" }, { $match: {} }])).toBe("$out can only be the final stage in the pipeline");
  });

  test("$out and $merge are refused inside $lookup and $unionWith sub-pipelines (they ran as reads)", async () => {
    await s.call("insertOne", { document: { _id: 1 } });
    expect(await outcome([{ $lookup: { from: "other", pipeline: [{ $out: "x" }], as: "o" } }])).toBe(
      "$out is not allowed within a $lookup's sub-pipeline",
    );
    expect(await outcome([{ $unionWith: { coll: "other", pipeline: [{ $merge: { into: "x" } }] } }])).toBe(
      "$merge is not allowed within a $unionWith's sub-pipeline",
    );
  });

  test("$facet: an empty sub-pipeline, a nested $facet, $out inside and malformed specifications are refused", async () => {
    await s.call("insertOne", { document: { _id: 1 } });
    expect(await outcome([{ $facet: { all: [] } }])).toBe("sub-pipeline in $facet stage cannot be empty");
    expect(await outcome([{ $facet: { c: [{ $facet: { x: [{ $limit: 1 }] } }] } }])).toBe(
      "$facet is not allowed to be used within a $facet stage",
    );
    expect(await outcome([{ $facet: { c: [{ $out: "x" }] } }])).toBe("$out is not allowed to be used within a $facet stage");
    expect(await outcome([{ $facet: { c: [{ $lookup: { from: "o", pipeline: [{ $facet: { x: [{ $limit: 1 }] } }], as: "l" } }] } }])).toBe(
      "$facet is not allowed to be used within a $facet stage",
    );
    expect(await outcome([{ $facet: {} }])).toBe("the $facet specification must be a non-empty object");
    expect(await outcome([{ $facet: { c: 5 } }])).toBe("arguments to $facet must be arrays, c is type int");
    expect(await outcome([{ $facet: { c: ["x"] } }])).toBe(
      "elements of arrays in $facet spec must be non-empty objects, c argument contained an element of type string",
    );
    expect(await outcome([{ $facet: { $c: [{ $limit: 1 }] } }])).toContain(
      "$facet pipeline names must follow the naming rules of field path expressions.",
    );
    expect(await outcome([{ $facet: { c: [{ $nope: 1 }] } }])).toBe("Unrecognized pipeline stage name: '$nope'");
  });

  test("guards behaviour that was already right: valid pipelines with sub-pipelines run", async () => {
    await s.call("insertMany", {
      documents: [
        { _id: 1, a: 1 },
        { _id: 2, a: 2 },
      ],
    });
    await s.call("insertOne", { document: { _id: 9 } }, "other");
    const pipeline = [
      { $facet: { n: [{ $count: "n" }], firsts: [{ $sort: { a: 1 } }, { $limit: 1 }] } },
      { $unionWith: { coll: "other", pipeline: [{ $project: { _id: 1 } }] } },
      { $lookup: { from: "other", pipeline: [{ $match: {} }], as: "o" } },
    ];
    expect(await outcome(pipeline)).toBe("ok 2");
  });
});
