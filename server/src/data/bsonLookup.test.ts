import { Decimal128, Long } from "bson";
import { expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";
import { Aggregator } from "./mingoOptions.js";

const dec = (s: string) => Decimal128.fromString(s);
const products = [
  { _id: "p1", sku: 1, name: "one" },
  { _id: "p2", sku: dec("2.0"), name: "two" },
  { _id: "p3", sku: [3, 4], name: "three-four" },
  { _id: "p4", name: "no sku" },
  { _id: "p5", sku: { a: dec("5") }, name: "doc" },
];
const resolver = (name: string): Record<string, unknown>[] => (name === "products" ? products : []);

function names(out: { items: { name: string }[] }[]): string[][] {
  return out.map((o) => o.items.map((i) => i.name));
}

test("$lookup by localField/foreignField matches by BSON value, arrays by element, missing as null; foreign order", () => {
  const orders = [
    { _id: 1, sku: Long.fromInt(1) },
    { _id: 2, sku: 2 },
    { _id: 3, sku: dec("4") },
    { _id: 4, sku: [2, 1] },
    { _id: 5 },
    { _id: 6, sku: { a: 5 } },
    { _id: 7, sku: [] },
  ];
  const out = new Aggregator([{ $lookup: { from: "products", localField: "sku", foreignField: "sku", as: "items" } }], {
    collectionResolver: resolver,
  }).run<{ items: { name: string }[] }>(orders);
  // an empty local array joins as null, as MongoDB collects local values
  expect(names(out)).toEqual([["one"], ["two"], ["three-four"], ["one", "two"], ["no sku"], ["doc"], ["no sku"]]);
});

test("$lookup follows paths through arrays of documents on both sides; a local array element may equal a foreign array", () => {
  const shelf = [
    { _id: "a", bins: [{ sku: [3, 9] }, { other: 1 }], name: "bin-3-9" },
    { _id: "b", bins: [{ sku: 1 }], name: "bin-1" },
    { _id: "c", pair: [3, 4], name: "pair" },
  ];
  const run = (localField: string, foreignField: string, doc: Record<string, unknown>): string[] =>
    names(
      new Aggregator([{ $lookup: { from: "shelf", localField, foreignField, as: "items" } }], {
        collectionResolver: (n: string) => (n === "shelf" ? shelf : []),
      }).run<{ items: { name: string }[] }>([doc]),
    )[0] ?? [];
  expect(run("lines.sku", "bins.sku", { lines: [{ sku: Long.fromInt(1) }, { sku: [9] }] })).toEqual(["bin-3-9", "bin-1"]);
  expect(run("want", "pair", { want: [[3, 4]] })).toEqual(["pair"]);
  // a missing local value finds documents whose field is missing in some element of the path
  expect(run("nothing", "bins.sku", {})).toEqual(["bin-3-9", "pair"]);
});

test("$lookup's as may be a dotted path: the joined documents go inside the embedded document", () => {
  const out = new Aggregator(
    [
      { $lookup: { from: "products", localField: "sku", foreignField: "sku", as: "o.items" } },
      {
        $lookup: { from: "products", localField: "sku", foreignField: "sku", pipeline: [{ $project: { _id: 0, name: 1 } }], as: "o.names" },
      },
    ],
    { collectionResolver: resolver },
  ).run<{ o: { keep: number; items: { name: string }[]; names: { name: string }[] } }>([{ sku: 1, o: { keep: 1 } }]);
  expect(out[0]?.o.keep).toBe(1);
  expect(out[0]?.o.items.map((i) => i.name)).toEqual(["one"]);
  expect(out[0]?.o.names).toEqual([{ name: "one" }]);
});

test("$lookup on $documents (no from) and a pipeline that is not an array", () => {
  const out = new Aggregator([
    { $lookup: { localField: "x", foreignField: "s", pipeline: [{ $documents: [{ s: 1, n: "doc" }] }], as: "j" } },
  ]).run<{ j: { n: string }[] }>([{ x: 1 }]);
  expect(out[0]?.j.map((d) => d.n)).toEqual(["doc"]);
  expect(() =>
    new Aggregator([{ $lookup: { from: "products", localField: "x", foreignField: "s", pipeline: 5, as: "j" } }], {
      collectionResolver: resolver,
    }).run([{ x: 1 }]),
  ).toThrow(/pipeline must be an array/);
});

test("$lookup with fields and a pipeline runs the pipeline on the matched documents only, with let", () => {
  const orders = [{ _id: 1, sku: 2, tag: "x" }];
  const out = new Aggregator(
    [
      {
        $lookup: {
          from: "products",
          localField: "sku",
          foreignField: "sku",
          let: { tag: "$tag" },
          pipeline: [{ $project: { _id: 0, name: 1, tag: "$$tag" } }],
          as: "items",
        },
      },
    ],
    { collectionResolver: resolver },
  ).run<{ items: { name: string; tag: string }[] }>(orders);
  expect(out[0]?.items).toEqual([{ name: "two", tag: "x" }]);
});

test("$lookup's let/pipeline form without fields is mingo's, unchanged", () => {
  const out = new Aggregator(
    [{ $lookup: { from: "products", let: { s: "$sku" }, pipeline: [{ $match: { $expr: { $eq: ["$sku", "$$s"] } } }], as: "items" } }],
    { collectionResolver: resolver },
  ).run<{ items: { name: string }[] }>([{ sku: 1 }]);
  expect(names(out)).toEqual([["one"]]);
});

test("through the MongoDB service (evaluated on a query thread): a Decimal128 order line finds its int product", async () => {
  const { call, close } = openService();
  try {
    await call("insertMany", { documents: [{ _id: 1, sku: 7, name: "seven" }] }, "products");
    await call("insertOne", { document: { _id: "o1", sku: Decimal128.fromString("7.00") } }, "orders");
    const out = await call(
      "aggregate",
      {
        pipeline: [
          { $lookup: { from: "products", localField: "sku", foreignField: "sku", as: "items" } },
          { $project: { names: "$items.name" } },
        ],
      },
      "orders",
    );
    expect(out).toEqual([{ _id: "o1", names: ["seven"] }]);
  } finally {
    await close();
  }
});

test("a $lookup pipeline's $setWindowFields reads the let variables (they were lost: 'Use of undefined variable')", () => {
  const orders = [{ _id: 1, factor: 2 }];
  const run = new Aggregator(
    [
      {
        $lookup: {
          from: "products",
          let: { k: "$factor" },
          pipeline: [
            { $match: { sku: { $in: [1, 2] } } },
            {
              $setWindowFields: {
                sortBy: { _id: 1 },
                output: { total: { $sum: "$$k" }, firsts: { $firstN: { n: "$$k", input: "$name" } } },
              },
            },
            { $project: { _id: 0, total: 1, firsts: 1 } },
          ],
          as: "items",
        },
      },
    ],
    { collectionResolver: resolver },
  ).run(orders);
  expect(run).toEqual([
    {
      _id: 1,
      factor: 2,
      items: [
        { total: 4, firsts: ["one", "two"] },
        { total: 4, firsts: ["one", "two"] },
      ],
    },
  ]);
});
