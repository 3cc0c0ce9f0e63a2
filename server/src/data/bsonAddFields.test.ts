import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ServerError } from "../contracts.js";
import { serverError } from "../../test/rejection.js";
import { openService } from "../../test/dataHelpers.js";
import { Aggregator } from "./mingoOptions.js";

type Doc = Record<string, unknown>;

let s: ReturnType<typeof openService>;
beforeAll(() => {
  s = openService();
});
afterAll(() => s.close());

let collections = 0;
/** Runs a pipeline through the service over `docs` in a fresh collection. */
async function agg(docs: Doc[], pipeline: Doc[]): Promise<Doc[]> {
  const coll = `c${collections++}`;
  if (docs.length > 0) await s.call("insertMany", { documents: docs }, coll);
  return (await s.call("aggregate", { pipeline }, coll)) as Doc[];
}

/** The 400 `MongoDBError` a pipeline fails with (on an empty collection: the stage is refused when parsed). */
async function refused(pipeline: Doc[], docs: Doc[] = []): Promise<string> {
  const err: ServerError = await serverError(agg(docs, pipeline));
  expect(err.statusCode).toBe(400);
  expect(err.errorCode).toBe("MongoDBError");
  return err.message;
}

const run = (pipeline: Doc[], doc: Doc): Doc => new Aggregator(pipeline).run([doc])[0] as Doc;

describe("$addFields / $set: dotted paths through arrays (jstests/aggregation/sources/addFields/dotted_paths.js)", () => {
  const initObj = { _id: 1, arrayField: [1, { subField: [2, {}] }, [1]], objField: { p: { q: 1 }, subArr: [1] }, otherField: "value" };
  const nestedValue = { newSubObj: [{ p: "newValue" }] };

  test("a scalar value is set in every element: documents get the rest of the path, scalars become documents, nested arrays are entered", async () => {
    const sub = { newSubPath: { b: "newValue" } };
    const expected = { ...initObj, arrayField: [sub, { subField: [2, {}], ...sub }, [sub]] };
    expect(await agg([initObj], [{ $addFields: { "arrayField.newSubPath.b": "newValue" } }])).toEqual([expected]);
    expect(run([{ $addFields: { "arrayField.newSubPath.b": { $literal: "newValue" } } }], initObj)).toEqual(expected);
  });

  test("a document value likewise, and a second array on the path is entered too", () => {
    const sub = { newSubPath: { b: nestedValue } };
    expect(run([{ $addFields: { "arrayField.newSubPath.b": nestedValue } }], initObj)).toEqual({
      ...initObj,
      arrayField: [sub, { subField: [2, {}], ...sub }, [sub]],
    });
    expect(run([{ $addFields: { "arrayField.subField.b": { $literal: nestedValue } } }], initObj)).toEqual({
      ...initObj,
      arrayField: [
        { subField: { b: nestedValue } },
        { subField: [{ b: nestedValue }, { b: nestedValue }] },
        [{ subField: { b: nestedValue } }],
      ],
    });
  });

  test("the common case: $set of a flag on each element of an array of documents", async () => {
    const out = await agg([{ _id: 1, items: [{ p: 10 }, { p: 20 }] }], [{ $set: { "items.onSale": true } }]);
    expect(out).toEqual([
      {
        _id: 1,
        items: [
          { p: 10, onSale: true },
          { p: 20, onSale: true },
        ],
      },
    ]);
  });

  test("the value is computed against the input document, not the element", () => {
    const doc = { _id: 1, x: "root", arr: [{ x: "one" }, { x: "two" }] };
    expect(run([{ $set: { "arr.y": "$x", "arr.z": { $concat: ["$x", "!"] } } }], doc).arr).toEqual([
      { x: "one", y: "root", z: "root!" },
      { x: "two", y: "root", z: "root!" },
    ]);
  });

  test("a numeric name is a field name, not an array index", () => {
    expect(run([{ $set: { "arr.0": "z" } }], { _id: 1, arr: [{ a: 1 }, 5, [6]] }).arr).toEqual([
      { a: 1, 0: "z" },
      { 0: "z" },
      [{ 0: "z" }],
    ]);
  });

  test("$$REMOVE on a path through an array removes the field from each element; a scalar on the path becomes an empty document", () => {
    const out = run([{ $set: { "arr.x": "$$REMOVE", "n.m": "$$REMOVE" } }], { _id: 1, arr: [{ x: 1, y: 1 }, 7] });
    expect(out).toEqual({ _id: 1, arr: [{ y: 1 }, {}], n: {} });
  });

  test("a path through an empty array evaluates nothing; each expression is evaluated once per document", async () => {
    // an error in an expression that is never placed is not raised (nothing to set)
    expect(run([{ $set: { "arr.x": { $divide: [1, 0] } } }], { _id: 1, arr: [] })).toEqual({ _id: 1, arr: [] });
    // 100,000 elements with a value summing the whole array: linear, not evaluated per element
    const arr = Array.from({ length: 100_000 }, (_, i) => ({ v: i % 3 }));
    const out = run([{ $set: { "arr.total": { $sum: "$arr.v" } } }], { _id: 1, arr });
    expect((out.arr as Doc[])[99_999]).toEqual({ v: 0, total: 99_999 });
  });

  test("the input document is not changed", () => {
    const doc = { _id: 1, a: { b: [{ c: 1 }] } };
    run([{ $set: { "a.b.d": 2, "a.e": 3 } }], doc);
    expect(doc).toEqual({ _id: 1, a: { b: [{ c: 1 }] } });
  });
});

describe("$addFields / $set: nested specifications and field order", () => {
  test("a nested document sets fields inside the existing one, as a dotted path does (mingo replaced it)", async () => {
    const doc = { _id: 1, specs: { doors: 4, wheels: 4 }, arr: [{ x: 1 }, 2] };
    expect(await agg([doc], [{ $addFields: { specs: { fuel_type: "diesel" }, arr: { b: { $add: [1, 2] } } } }])).toEqual([
      { _id: 1, specs: { doors: 4, wheels: 4, fuel_type: "diesel" }, arr: [{ x: 1, b: 3 }, { b: 3 }] },
    ]);
  });

  test("existing fields keep their place, new ones follow in the specification's order", async () => {
    const [out] = await agg([{ _id: 1, a: 1, b: { c: 1 } }], [{ $set: { z: 1, "b.d": 2, a: 3, y: { k: 1 }, b: { e: 4, c: 0 } } }]);
    expect(out).toEqual({ _id: 1, a: 3, b: { c: 0, d: 2, e: 4 }, z: 1, y: { k: 1 } });
    expect(Object.keys(out as Doc)).toEqual(["_id", "a", "b", "z", "y"]);
    expect(Object.keys((out as Doc).b as Doc)).toEqual(["c", "d", "e"]);
  });

  test("guards what was right: literals, $$REMOVE, {_id: 0}, values from the input document, an empty stage", () => {
    const doc = { _id: 1, a: 1, b: { c: 2 } };
    expect(run([{ $addFields: { a: "$$REMOVE", _id: 0, e: "$a", f: "text", g: [1, "$a"] } }], doc)).toEqual({
      _id: 0,
      b: { c: 2 },
      e: 1,
      f: "text",
      g: [1, 1],
    });
    expect(run([{ $set: {} }], doc)).toEqual(doc);
  });

  test("guards what was right: empty documents as values are allowed (jstests/aggregation/sources/addFields/empty_objs.js)", () => {
    const doc = { _id: 1, otherField: "value" };
    expect(run([{ $addFields: { otherField: {} } }], doc)).toEqual({ _id: 1, otherField: {} });
    expect(run([{ $addFields: { otherField: { b: {} } } }], doc)).toEqual({ _id: 1, otherField: { b: {} } });
    expect(run([{ $addFields: { otherField: [], newField: {} } }], doc)).toEqual({ _id: 1, otherField: [], newField: {} });
  });

  test("in an update pipeline and in a $lookup sub-pipeline (with its own root and variables)", async () => {
    await s.call("insertMany", { documents: [{ _id: 1, k: "a", items: [{ p: 1 }, { p: 2 }] }] }, "upd");
    await s.call("updateOne", { query: { _id: 1 }, update: [{ $set: { "items.seen": "$k" } }] }, "upd");
    expect(await s.call("findOne", { query: { _id: 1 } }, "upd")).toEqual({
      _id: 1,
      k: "a",
      items: [
        { p: 1, seen: "a" },
        { p: 2, seen: "a" },
      ],
    });
    const out = await agg(
      [{ _id: 9, tag: "outer" }],
      [
        {
          $lookup: {
            from: "upd",
            let: { t: "$tag" },
            pipeline: [{ $set: { "items.t": "$$t", "items.k": "$k" } }, { $project: { items: 1 } }],
            as: "r",
          },
        },
      ],
    );
    expect(out[0]?.r).toEqual([
      {
        _id: 1,
        items: [
          { p: 1, seen: "a", t: "outer", k: "a" },
          { p: 2, seen: "a", t: "outer", k: "a" },
        ],
      },
    ]);
  });
});

describe("$addFields / $set: specifications MongoDB refuses", () => {
  test("a $-prefixed field name (FieldPath 16410), with the stage's name as written", async () => {
    const hint = "FieldPath field names may not start with '$'. Consider using $getField or $setField.";
    expect(await refused([{ $addFields: { $x: 1 } }])).toBe(`Invalid $addFields :: caused by :: ${hint}`);
    expect(await refused([{ $set: { "a.$x": 1 } }], [{ _id: 1 }])).toBe(`Invalid $set :: caused by :: ${hint}`);
  });

  test("a specification that is not a document (40272), empty names (40352, 40353, 15998)", async () => {
    expect(await refused([{ $addFields: 5 }])).toBe("$addFields specification stage must be an object, got int");
    expect(await refused([{ $set: "a" }])).toBe("$set specification stage must be an object, got string");
    expect(await refused([{ $set: { "": 1 } }])).toBe("Invalid $set :: caused by :: FieldPath cannot be constructed with empty string");
    expect(await refused([{ $set: { "a.": 1 } }])).toBe("Invalid $set :: caused by :: FieldPath must not end with a '.'.");
    expect(await refused([{ $set: { "a..b": 1 } }])).toBe("Invalid $set :: caused by :: FieldPath field names may not be empty strings.");
    expect(await refused([{ $set: { a: { "": 1 } } }])).toBe("Invalid $set :: caused by :: FieldPath must not end with a '.'.");
  });

  test("an operator document with other fields (40181), a dotted name in a nested document (40183)", async () => {
    // engine check: through the service the pipeline's expression check (expressionShape.ts) answers 40181's case first
    expect(() => new Aggregator([{ $addFields: { a: { $add: [1, 2], b: 1 } } }]).run([])).toThrow(
      "Invalid $addFields :: caused by :: an expression specification must contain exactly one field, the name of the expression. " +
        "Found 2 fields in { $add: [ 1, 2 ], b: 1 }, while parsing object { a: { $add: [ 1, 2 ], b: 1 } }",
    );
    expect(() => new Aggregator([{ $addFields: { a: { b: 1, $add: [1, 2] } } }]).run([])).toThrow(
      "Found 2 fields in { b: 1, $add: [ 1, 2 ] }",
    );
    expect(await refused([{ $addFields: { a: { "b.c": "x" } } }])).toBe(
      "Invalid $addFields :: caused by :: cannot use dotted field name 'b.c' in a sub object: { a: { b.c: \"x\" } }",
    );
  });

  test("two paths of which one is, or extends, the other (40176)", async () => {
    const both = (a: string, b: string, spec: string): string =>
      `Invalid $set :: caused by :: specification contains two conflicting paths. Cannot specify both '${a}' and '${b}': ${spec}`;
    expect(await refused([{ $set: { a: 1, "a.b": 2 } }])).toBe(both("a.b", "a", "{ a: 1, a.b: 2 }"));
    expect(await refused([{ $set: { "a.c": 1, "a.b": 1, a: 1 } }])).toBe(both("a", "a.b", "{ a.c: 1, a.b: 1, a: 1 }"));
    expect(await refused([{ $set: { "a.b": 1, a: { b: 2 } } }])).toBe(both("a.b", "a.b", "{ a.b: 1, a: { b: 2 } }"));
    // sibling paths do not conflict
    expect(run([{ $set: { "a.b": 1, a: { c: 2 }, ab: 3 } }], { _id: 1 })).toEqual({ _id: 1, a: { b: 1, c: 2 }, ab: 3 });
  });
});

describe("$unset and $replaceRoot: specifications MongoDB refuses", () => {
  test("$unset: not a string or an array (31002), an empty array (31119), a non-string path (31120)", async () => {
    expect(await refused([{ $unset: 5 }])).toBe("$unset specification must be a string or an array");
    expect(await refused([{ $unset: {} }])).toBe("$unset specification must be a string or an array");
    expect(await refused([{ $unset: [] }])).toBe("$unset specification must be a string or an array with at least one field");
    expect(await refused([{ $unset: ["a", 1] }])).toBe("$unset specification must be a string or an array containing only string values");
  });

  test("$unset: FieldPath errors and colliding paths, as the exclusion projection it becomes", async () => {
    expect(await refused([{ $unset: "$a" }])).toBe(
      "Invalid $unset :: caused by :: FieldPath field names may not start with '$'. Consider using $getField or $setField.",
    );
    expect(await refused([{ $unset: "" }])).toBe("Invalid $unset :: caused by :: FieldPath cannot be constructed with empty string");
    expect(await refused([{ $unset: ["v..foo"] }])).toBe("Invalid $unset :: caused by :: FieldPath field names may not be empty strings.");
    expect(await refused([{ $unset: ["a", "a.b.c"] }])).toBe(
      "Invalid $unset :: caused by :: Path collision at a.b.c remaining portion b.c",
    );
    expect(await refused([{ $unset: ["a.b", "a"] }])).toBe("Invalid $unset :: caused by :: Path collision at a");
  });

  test("guards what was right: $unset of a string, of an array, through an array of documents", async () => {
    const docs = [{ _id: 1, a: 1, b: { c: 2, d: 3 }, arr: [{ x: 1, y: 1 }] }];
    expect(await agg(docs, [{ $unset: ["a", "b.c", "arr.x"] }])).toEqual([{ _id: 1, b: { d: 3 }, arr: [{ y: 1 }] }]);
    expect(await agg(docs, [{ $unset: "_id" }])).toEqual([{ a: 1, b: { c: 2, d: 3 }, arr: [{ x: 1, y: 1 }] }]);
  });

  test("$replaceRoot: an unknown field (IDL 40415), no newRoot (40414), a specification that is not a document (40229)", async () => {
    expect(await refused([{ $replaceRoot: { newRoot: "$b", x: 1 } }])).toBe("BSON field '$replaceRoot.x' is an unknown field.");
    expect(await refused([{ $replaceRoot: { x: 1 } }])).toBe("BSON field '$replaceRoot.x' is an unknown field.");
    expect(await refused([{ $replaceRoot: {} }])).toBe("BSON field '$replaceRoot.newRoot' is missing but a required field");
    expect(await refused([{ $replaceRoot: "$b" }])).toBe("expected an object as specification for $replaceRoot stage, got string");
  });

  test("guards what was right: $replaceRoot and $replaceWith to a document", async () => {
    const docs = [{ _id: 1, b: { c: 2 } }];
    expect(await agg(docs, [{ $replaceRoot: { newRoot: "$b" } }])).toEqual([{ c: 2 }]);
    expect(await agg(docs, [{ $replaceWith: { x: "$b.c" } }])).toEqual([{ x: 2 }]);
  });
});
