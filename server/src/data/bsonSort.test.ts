import { Decimal128, MinKey } from "bson";
import { expect, test } from "vitest";
import { leafValues, sortDocs } from "./bsonSort.js";
import { Aggregator } from "./mingoOptions.js";

const ids = (docs: { _id: unknown }[]) => docs.map((d) => d._id);

test("leafValues follows a path through arrays of documents, and by index", () => {
  const doc = { a: [{ b: 1 }, { c: 2 }, { b: [3, 4] }, 5], x: [[1], [2]] };
  expect(leafValues(doc, "a.b")).toEqual([1, undefined, [3, 4]]);
  expect(leafValues(doc, "a.2.b")).toEqual([[3, 4]]);
  expect(leafValues(doc, "x")).toEqual([[[1], [2]]]);
  expect(leafValues(doc, "nope.deeper")).toEqual([undefined]);
});

test("an array of arrays sorts by its arrays; a document lacking the field in an array counts as null", () => {
  const docs = [
    { _id: "nested", v: [[1, 2]] },
    { _id: "two", v: 2 },
    { _id: "text", v: "t" },
  ];
  // [1, 2] is an array: arrays sort after numbers and strings
  expect(ids(sortDocs(docs, { v: 1 }))).toEqual(["two", "text", "nested"]);
  const paths = [
    { _id: "partial", a: [{ b: 1 }, { c: 2 }] },
    { _id: "zero", a: [{ b: 0 }] },
  ];
  // ascending: "partial" has null (from { c: 2 }), below 0
  expect(ids(sortDocs(paths, { "a.b": 1 }))).toEqual(["partial", "zero"]);
  expect(ids(sortDocs(paths, { "a.b": -1 }))).toEqual(["partial", "zero"]);
});

test("an empty array sorts after MinKey and before null; numbers of every type by value", () => {
  const docs = [
    { _id: "null", v: null },
    { _id: "empty", v: [] },
    { _id: "min", v: new MinKey() },
    { _id: "dec", v: Decimal128.fromString("1.5") },
    { _id: "one", v: 1 },
  ];
  expect(ids(sortDocs(docs, { v: 1 }))).toEqual(["min", "empty", "null", "one", "dec"]);
  expect(ids(sortDocs(docs, { v: -1 }))).toEqual(["dec", "one", "null", "empty", "min"]);
});

test("a path does not step into nested arrays; a path through non-documents sorts as null", () => {
  expect(leafValues({ a: [[{ b: 1 }]] }, "a.b")).toEqual([]);
  const docs = [
    { _id: "numbers", a: [1, 2] },
    { _id: "empty", a: [{ b: [] }] },
    { _id: "minus", a: [{ b: -1 }] },
  ];
  expect(ids(sortDocs(docs, { "a.b": 1 }))).toEqual(["empty", "numbers", "minus"]);
});

test("a $sort stage needs a key", () => {
  expect(() => new Aggregator([{ $sort: {} }]).run([{ a: 1 }])).toThrow(/at least one sort key/);
});
