import { afterAll, beforeAll, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;
beforeAll(async () => {
  s = openService();
  // the documents of MongoDB's jstests null_query_semantics.js (without `undefined`, which BSON
  // here cannot store), and arrays nested in arrays
  await s.call("insertMany", {
    documents: [
      { _id: "a_empty_subobject", a: {} },
      { _id: "a_null", a: null },
      { _id: "a_number", a: 4 },
      { _id: "a_subobject_b_not_null", a: { b: "hi" } },
      { _id: "a_subobject_b_null", a: { b: null } },
      { _id: "no_a" },
      { _id: "a_double_array", a: [[]] },
      { _id: "a_empty_array", a: [] },
      { _id: "a_object_array_b_mix_null_missing", a: [{ b: null }, { b: null }, {}] },
      { _id: "a_object_array_no_b_nulls", a: [{ b: 1 }, { b: 3 }, { b: "string" }] },
      { _id: "a_object_array_some_b_nulls", a: [{ b: null }, { b: 3 }, { b: null }] },
      { _id: "a_object_array_some_b_missing", a: [{ b: 3 }, {}] },
      { _id: "a_value_array_all_nulls", a: [null, null] },
      { _id: "a_value_array_no_nulls", a: [1, "string", 4] },
      { _id: "a_value_array_with_null", a: [1, "string", null, 4] },
      { _id: "nested_values", a: [[5, 6]] },
      { _id: "nested_documents", a: [[{ b: 5 }]] },
      { _id: "documents_beside_nested", a: [[{ b: 5 }], { b: 6 }] },
    ],
  });
});
afterAll(() => s.close());

const ids = async (query: Record<string, unknown>): Promise<string[]> =>
  ((await s.call("find", { query })) as { _id: string }[]).map((d) => d._id).sort();

test("a field path does not step into an array that is an element of an array", async () => {
  expect(await ids({ "a.b": 5 })).toEqual([]);
  expect(await ids({ "a.b": { $gt: 4 } })).toEqual(["documents_beside_nested"]);
  expect(await ids({ "a.b": { $exists: true } })).toEqual(
    [
      "a_object_array_b_mix_null_missing",
      "a_object_array_no_b_nulls",
      "a_object_array_some_b_missing",
      "a_object_array_some_b_nulls",
      "a_subobject_b_not_null",
      "a_subobject_b_null",
      "documents_beside_nested",
    ].sort(),
  );
  expect(await ids({ "a.b": { $in: [5, 6] } })).toEqual(["documents_beside_nested"]);
  expect(await ids({ "a.b": { $type: "int" } })).toEqual(
    ["a_object_array_no_b_nulls", "a_object_array_some_b_missing", "a_object_array_some_b_nulls", "documents_beside_nested"].sort(),
  );
});

test("an index still reaches into a nested array", async () => {
  expect(await ids({ "a.0.b": 5 })).toEqual(["documents_beside_nested", "nested_documents"]);
  expect(await ids({ "a.0.0": 5 })).toEqual(["nested_values"]);
  expect(await ids({ "a.0": 5 })).toEqual(["nested_values"]);
});

test("a dotted null equality matches documents in an array that lack the field, as MongoDB 8.0's tests expect", async () => {
  const nullish = [
    "a_empty_subobject",
    "a_null",
    "a_number",
    "a_subobject_b_null",
    "no_a",
    "a_object_array_b_mix_null_missing",
    "a_object_array_some_b_nulls",
    "a_object_array_some_b_missing",
  ].sort();
  expect(await ids({ "a.b": { $eq: null } })).toEqual(nullish);
  expect(await ids({ "a.b": { $in: [null, 75] } })).toEqual(nullish);
  const all = await ids({});
  expect(await ids({ "a.b": { $ne: null } })).toEqual(all.filter((id) => !nullish.includes(id)));
  expect(await ids({ "a.b": { $nin: [null, 75] } })).toEqual(all.filter((id) => !nullish.includes(id)));
});

test("top-level null equality and $elemMatch keep their semantics", async () => {
  expect(await ids({ a: { $eq: null } })).toEqual(["a_null", "a_value_array_all_nulls", "a_value_array_with_null", "no_a"]);
  expect(await ids({ a: { $elemMatch: { $eq: null } } })).toEqual(["a_value_array_all_nulls", "a_value_array_with_null"]);
});

test("an equality compares the values a path reaches and their elements one level down, not values gathered from several documents", async () => {
  await s.call("insertMany", {
    documents: [
      { _id: "eq1", e: [{ b: 1 }, { b: 2 }] },
      { _id: "eq2", e: [{ b: [1, 2] }] },
      { _id: "eq3", e: { b: [1, 2] } },
      { _id: "eq4", e: [{ b: [[1, 2]] }] },
      { _id: "eq5", e: { b: [[1, 2], 3] } },
    ],
  });
  expect(await ids({ "e.b": [1, 2] })).toEqual(["eq2", "eq3", "eq4", "eq5"]);
  expect(await ids({ "e.b": { $in: [[1, 2]] } })).toEqual(["eq2", "eq3", "eq4", "eq5"]);
  expect(await ids({ "e.b": 1 })).toEqual(["eq1", "eq2", "eq3"]);
  expect(await ids({ "e.b": { $nin: [1, 3] }, _id: /^eq/ })).toEqual(["eq4"]);
});

test("$elemMatch on fields tests the documents of the array (an array as the document of its indexes), never its scalars", async () => {
  await s.call("insertMany", {
    documents: [
      { _id: "em1", m: [1, "string", 4] },
      { _id: "em2", m: [5, { b: 5 }] },
      { _id: "em3", m: [{ b: 3 }, {}] },
      { _id: "em4", m: [1, null] },
      { _id: "em5", m: [[]] },
      { _id: "em6", m: { b: [[1, 2]] } },
    ],
  });
  expect(await ids({ m: { $elemMatch: { b: null } } })).toEqual(["em3", "em5"]);
  expect(await ids({ m: { $elemMatch: { b: { $ne: null } } } })).toEqual(["em2", "em3"]);
  expect(await ids({ m: { $all: [{ $elemMatch: { b: null } }, { $elemMatch: { b: 3 } }] } })).toEqual(["em3"]);
  expect(await ids({ "m.b": { $elemMatch: { $size: 2 } } })).toEqual(["em6"]);
  await expect(s.call("find", { query: { m: { $all: [{ $elemMatch: 5 }] } } })).rejects.toMatchObject({ errorCode: "MongoDBError" });
});

test("$size counts each array a path reaches, not values gathered from several documents", async () => {
  await s.call("insertMany", {
    documents: [
      { _id: "sz1", z: [{ b: 1 }, { b: 3 }] },
      { _id: "sz2", z: [[{ b: 1 }]] },
      { _id: "sz3", z: [{ b: [1, 2] }] },
    ],
  });
  expect(await ids({ "z.b": { $size: 2 } })).toEqual(["sz3"]);
  expect(await ids({ "z.b": { $size: 0 } })).toEqual([]);
});

test("a positional $ names an element the path reaches: a document, not a scalar that a null condition would match", async () => {
  const t = openService();
  try {
    await t.call("insertMany", {
      documents: [
        { _id: 1, a: [5, {}] },
        { _id: 2, a: [5, { c: 1 }] },
        { _id: 3, a: [1, { b: 2 }, { c: 3 }] },
      ],
    });
    await t.call("updateOne", { query: { _id: 1, "a.b": null }, update: { $set: { "a.$": "X" } } });
    await t.call("updateOne", { query: { _id: 2, "a.b": { $in: [null, 9] } }, update: { $inc: { "a.$.n": 1 } } });
    await t.call("updateOne", { query: { _id: 3, a: { $elemMatch: { b: null } } }, update: { $set: { "a.$": "X" } } });
    expect(await t.call("find", { query: {} })).toEqual([
      { _id: 1, a: [5, "X"] },
      { _id: 2, a: [5, { c: 1, n: 1 }] },
      { _id: 3, a: [1, { b: 2 }, "X"] },
    ]);
  } finally {
    await t.close();
  }
});

test("$all holds each value as an equality does: not values gathered from nested arrays", async () => {
  await s.call("insertMany", {
    documents: [
      { _id: "al1", l: { b: [[1]] } },
      { _id: "al2", l: [{ b: [1, 2] }, { b: 3 }] },
      { _id: "al3", l: [[{ b: 1 }]] },
    ],
  });
  expect(await ids({ "l.b": { $all: [1] } })).toEqual(["al2"]);
  expect(await ids({ "l.b": { $all: [1, 3] } })).toEqual(["al2"]);
  expect(await ids({ "l.b": { $all: [[1]] } })).toEqual(["al1"]);
});
