import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";
import { Aggregator } from "./mingoOptions.js";

// the documents and cases of jstests/aggregation/sources/fill/fill.js (mongodb/mongo)
const documents = [
  { _id: 1, linear: 1, other: 1, part: 1 },
  { _id: 2, linear: 1, other: 1, part: 2 },
  { _id: 3, linear: null, other: null, part: 1 },
  { _id: 4, linear: null, other: null, part: 2 },
  { _id: 5, linear: 5, other: 10, part: 1 },
  { _id: 6, linear: 6, other: 2, part: 2 },
  { _id: 7, linear: null, other: null, part: 1 },
  { _id: 8, linear: 3, other: 5, part: 2 },
  { _id: 9, linear: 7, other: 15, part: 1 },
  { _id: 10, linear: null, other: null, part: 2 },
];
type Row = Record<string, unknown> & { _id: number };
const row = (_id: number, linear: unknown, other: unknown, part: number): Row => ({ _id, linear, other, part });
const byId = (rows: unknown): Row[] => [...(rows as Row[])].sort((a, b) => a._id - b._id);
const locfByPart = [
  row(1, 1, 1, 1),
  row(2, 1, 1, 2),
  row(3, null, 1, 1),
  row(4, null, 1, 2),
  row(5, 5, 10, 1),
  row(6, 6, 2, 2),
  row(7, null, 10, 1),
  row(8, 3, 5, 2),
  row(9, 7, 15, 1),
  row(10, null, 5, 2),
];
const linearByPart = [
  row(1, 1, 1, 1),
  row(2, 1, 1, 2),
  row(3, 3, null, 1),
  row(4, 3.5, null, 2),
  row(5, 5, 10, 1),
  row(6, 6, 2, 2),
  row(7, 6, null, 1),
  row(8, 3, 5, 2),
  row(9, 7, 15, 1),
  row(10, null, null, 2),
];
const cases: [string, Record<string, unknown>[], Row[]][] = [
  [
    "linear",
    [
      { $match: { part: 1 } },
      { $project: { other: 0, part: 0 } },
      { $fill: { sortBy: { _id: 1 }, output: { linear: { method: "linear" } } } },
    ],
    [1, 3, 5, 6, 7].map((linear, i) => ({ _id: 2 * i + 1, linear })),
  ],
  [
    "locf",
    [{ $project: { linear: 0, part: 0 } }, { $fill: { sortBy: { _id: 1 }, output: { other: { method: "locf" } } } }],
    [1, 1, 1, 1, 10, 2, 2, 5, 15, 15].map((other, i) => ({ _id: i + 1, other })),
  ],
  [
    "locf and linear",
    [{ $match: { part: 2 } }, { $fill: { sortBy: { _id: 1 }, output: { other: { method: "locf" }, linear: { method: "linear" } } } }],
    [row(2, 1, 1, 2), row(4, 3.5, 1, 2), row(6, 6, 2, 2), row(8, 3, 5, 2), row(10, null, 5, 2)],
  ],
  [
    "locf by partitionByFields",
    [{ $fill: { sortBy: { _id: 1 }, output: { other: { method: "locf" } }, partitionByFields: ["part"] } }],
    locfByPart,
  ],
  [
    "locf by partitionBy",
    [{ $fill: { sortBy: { _id: 1 }, output: { other: { method: "locf" } }, partitionBy: { part: "$part" } } }],
    locfByPart,
  ],
  [
    "linear by partitionByFields",
    [{ $fill: { sortBy: { _id: 1 }, output: { linear: { method: "linear" } }, partitionByFields: ["part"] } }],
    linearByPart,
  ],
  [
    "linear by partitionBy",
    [{ $fill: { sortBy: { _id: 1 }, output: { linear: { method: "linear" } }, partitionBy: { part: "$part" } } }],
    linearByPart,
  ],
  [
    "both by partition",
    [{ $fill: { sortBy: { _id: 1 }, output: { other: { method: "locf" }, linear: { method: "linear" } }, partitionByFields: ["part"] } }],
    linearByPart.map((r, i) => ({ ...r, other: locfByPart[i]?.other })),
  ],
  [
    "value from a field",
    [
      { $match: { part: 1 } },
      { $project: { linear: 0, part: 0 } },
      { $fill: { sortBy: { _id: 1 }, output: { other: { value: "$_id" } } } },
    ],
    [1, 3, 10, 7, 15].map((other, i) => ({ _id: 2 * i + 1, other })),
  ],
  [
    "values from expressions",
    [
      { $match: { part: 1 } },
      { $fill: { sortBy: { _id: 1 }, output: { other: { value: -1 }, linear: { value: { $add: ["$part", 1] } } } } },
      { $project: { part: 0 } },
    ],
    [
      { _id: 1, other: 1, linear: 1 },
      { _id: 3, other: -1, linear: 2 },
      { _id: 5, other: 10, linear: 5 },
      { _id: 7, other: -1, linear: 2 },
      { _id: 9, other: 15, linear: 7 },
    ],
  ],
];

let s: ReturnType<typeof openService>;
beforeAll(async () => {
  s = openService();
  await s.call("insertMany", { documents });
});
afterAll(() => s.close());

describe("$fill with a method runs (it always failed: mingo's $fill ran $setWindowFields with scripts off)", () => {
  for (const [name, pipeline, expected] of cases) {
    const guard = name.startsWith("value") ? "guards behaviour that was already right: " : "";
    test(`${guard}fill.js: ${name}`, async () => {
      expect(byId(await s.call("aggregate", { pipeline }))).toEqual(byId(expected));
    });
  }

  test("locf needs no sortBy; linear does", () => {
    expect(new Aggregator([{ $fill: { output: { v: { method: "locf" } } } }]).run([{ v: 1 }, {}])).toEqual([{ v: 1 }, { v: 1 }]);
    expect(() => new Aggregator([{ $fill: { output: { v: { method: "linear" } } } }]).run([{ v: 1 }])).toThrow("'sortBy' is required");
  });

  test("guards behaviour that was already right: a request still cannot run code, a $function in a value is refused", async () => {
    const pipeline = [
      { $fill: { sortBy: { _id: 1 }, output: { other: { value: { $function: { body: "return 1", args: [], lang: "js" } } } } } },
    ];
    await expect(s.call("aggregate", { pipeline })).rejects.toMatchObject({ errorCode: "MongoDBError" });
    // the $setWindowFields a method becomes runs with scripts on, but a request's body is never a function
    const windowed = [
      {
        $fill: {
          sortBy: { _id: 1 },
          partitionBy: { $function: { body: "return 1", args: [], lang: "js" } },
          output: { other: { method: "locf" } },
        },
      },
    ];
    await expect(s.call("aggregate", { pipeline: windowed })).rejects.toMatchObject({ errorCode: "MongoDBError" });
  });
});

describe("$fill's specification", () => {
  const fill = (spec: unknown): unknown[] => new Aggregator([{ $fill: spec }]).run([{ v: 1 }]);
  test("checked with MongoDB's messages", () => {
    expect(() => fill(5)).toThrow("The $fill stage specification must be an object, found int");
    expect(() => fill({ output: { v: { value: 0 } }, foo: 1 })).toThrow("BSON field '$fill.foo' is an unknown field.");
    expect(() => fill({})).toThrow("BSON field '$fill.output' is missing but a required field");
    expect(() => fill({ output: {} })).toThrow("The output field in '$fill' must contain an object with at least one element");
    expect(() => fill({ output: { v: 1 } })).toThrow("Each fill output specification must be an object with exactly one field");
    expect(() => fill({ output: { v: { method: "x" } } })).toThrow("Method must be either locf or linear");
    expect(() => fill({ output: { v: { method: "locf", value: 1 } } })).toThrow(
      "Each fill output specification must have exactly one of 'method' or 'value' fields, not both",
    );
    expect(() => fill({ sortBy: 5, output: { v: { value: 1 } } })).toThrow(
      "BSON field '$fill.sortBy' is the wrong type 'int', expected type 'object'",
    );
    expect(() => fill({ partitionBy: "$p", partitionByFields: ["p"], output: { v: { value: 1 } } })).toThrow(
      "Maximum one of 'partitionBy' and 'partitionByFields can be specified in '$fill'",
    );
  });
});
