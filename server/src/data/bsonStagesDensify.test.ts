import { Decimal128 } from "bson";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";
import { MAX_DENSIFY_DOCS } from "./bsonStagesDensify.js";
import { Aggregator } from "./mingoOptions.js";

type Doc = Record<string, unknown>;
const densify = (spec: unknown, docs: Doc[]): Doc[] => new Aggregator([{ $densify: spec }]).run<Doc>(docs);
const vals = (docs: Doc[]): unknown[] => docs.map((d) => d.val);

/**
 * What an explicit numeric range gives without partitions (the model of the jstests'
 * densify_in_js.js, written out): documents sorted by value (nulls and missing first, as they are);
 * the grid `lower + k × step` below `upper`, each value no document holds, before the first
 * document above it.
 */
function expectedExplicit(values: (number | null)[], step: number, [lower, upper]: [number, number]): (number | null)[] {
  const present = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const out: (number | null)[] = values.filter((v) => v === null);
  let next = lower;
  for (const v of present) {
    for (; next < v && next < upper; next += step) out.push(next);
    if (next === v) next += step;
    out.push(v);
  }
  for (; next < upper; next += step) out.push(next);
  return out;
}

let s: ReturnType<typeof openService>;
beforeAll(() => {
  s = openService();
});
afterAll(() => s.close());

describe("$densify over an explicit range", () => {
  test("an empty collection gets the whole range (it got nothing)", async () => {
    const out = (await s.call(
      "aggregate",
      { pipeline: [{ $densify: { field: "val", range: { step: 1, bounds: [0, 10] } } }] },
      "empty",
    )) as Doc[];
    expect(vals(out)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test("the range goes on past the last document (it stopped there)", async () => {
    await s.call("insertMany", { documents: [0, 3, 6, 9].map((val, _id) => ({ _id, val })) }, "past");
    const out = (await s.call(
      "aggregate",
      { pipeline: [{ $densify: { field: "val", range: { step: 1, bounds: [5, 15] } } }] },
      "past",
    )) as Doc[];
    expect(vals(out)).toEqual([0, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  test("the cases of explicit_range.js, for numbers and several steps", () => {
    const onStep = (min: number, max: number, step: number): number[] =>
      Array.from({ length: max - min }, (_, i) => min + i).filter((i) => (i - min) % step === 0);
    const offStep = (min: number, max: number): number[] =>
      Array.from({ length: max - min }, (_, i) => min + i).filter((i) => i % 3 === 0 || i % 7 === 0);
    const setups: [number[], [number, number][]][] = [
      [[0, 30], [[10, 25]]],
      [
        onStep(2, 11, 2),
        [
          [1, 12],
          [1, 11],
          [1, 10],
        ],
      ],
      [
        onStep(-20, -1, 2),
        [
          [-10, -1],
          [-10, 0],
          [-10, -2],
        ],
      ],
      [onStep(0, 10, 3), [[5, 15]]],
      [
        onStep(20, 30, 2),
        [
          [10, 25],
          [10, 35],
        ],
      ],
      [offStep(0, 25), [[10, 20]]],
    ];
    for (const step of [1, 2, 3, 4, 5, 7]) {
      for (const [values, ranges] of setups) {
        for (const bounds of ranges) {
          const out = densify(
            { field: "val", range: { step, bounds } },
            values.map((val) => ({ val })),
          );
          expect(vals(out), `step ${step}, bounds ${bounds.join("..")}, values ${values.join(",")}`).toEqual(
            expectedExplicit(values, step, bounds),
          );
        }
      }
    }
  });

  test("null and missing values pass through untouched", () => {
    const docs: Doc[] = [{ val: 21 }, { val: null }, { blah: 1 }, { val: 9 }, { val: 14 }];
    const out = densify({ field: "val", range: { step: 3, bounds: [10, 25] } }, docs);
    expect(out).toEqual([
      { val: null },
      { blah: 1 },
      { val: 9 },
      { val: 10 },
      { val: 13 },
      { val: 14 },
      { val: 16 },
      { val: 19 },
      { val: 21 },
      { val: 22 },
    ]);
  });

  test("dates step by calendar units in UTC; Decimal128 steps keep their type", () => {
    const out = densify(
      { field: "t", range: { step: 1, unit: "month", bounds: [new Date("2021-01-31T00:00:00Z"), new Date("2021-04-30T00:00:00Z")] } },
      [],
    );
    expect(out.map((d) => (d.t as Date).toISOString().slice(0, 10))).toEqual(["2021-01-31", "2021-02-28", "2021-03-28", "2021-04-28"]);
    const dec = (x: string) => Decimal128.fromString(x);
    const decimals = densify({ field: "v", range: { step: dec("0.5"), bounds: [dec("0"), dec("1.5")] } }, []);
    expect(decimals.map((d) => String(d.v))).toEqual(["0", "0.5", "1.0"]);
  });

  test("partitions each get the whole range, after their own last document too (partitions.js)", () => {
    const one = densify({ field: "val", partitionByFields: ["partition"], range: { step: 1, bounds: [2, 3] } }, [
      { val: 0, partition: 0 },
      { val: 4, partition: 1 },
    ]);
    expect(one).toEqual(
      expect.arrayContaining([
        { val: 2, partition: 0 },
        { val: 2, partition: 1 },
      ]),
    );
    expect(one).toHaveLength(4);
    const three = densify({ field: "val", partitionByFields: ["partition"], range: { step: 2, bounds: [2, 5] } }, [
      { val: 0, partition: 0 },
      { val: 10, partition: 1 },
    ]);
    expect(three).toHaveLength(6);
    expect(three).toEqual(expect.arrayContaining([2, 4].flatMap((val) => [0, 1].map((partition) => ({ partition, val })))));
  });
});

describe("$densify over full and partition bounds", () => {
  test("guards behaviour that was already right: full bounds fill between the smallest and largest value", () => {
    expect(vals(densify({ field: "val", range: { step: 2, bounds: "full" } }, [{ val: 0 }, { val: 5 }, { val: 8 }]))).toEqual([
      0, 2, 4, 5, 6, 8,
    ]);
  });

  test("full bounds with partitions fill every partition up to the global largest value (partitions.js fullTestTwo)", () => {
    const out = densify({ field: "val", range: { step: 2, bounds: "full" }, partitionByFields: ["part"] }, [
      { val: 0, part: 0 },
      { val: 0, part: 1 },
      { val: 10, part: 2 },
    ]);
    const seen = out.map((d) => `${String(d.part)}:${String(d.val)}`).sort();
    expect(seen).toEqual([0, 1, 2].flatMap((part) => [0, 10, 2, 4, 6, 8].map((val) => `${part}:${val}`)).sort());
  });

  test("partition bounds fill each partition between its own values; generated documents hold the partition's fields", () => {
    const out = densify({ field: "a.b", partitionByFields: ["p.q"], range: { step: 1, bounds: "partition" } }, [
      { a: { b: 0 }, p: { q: 1 } },
      { a: { b: 2 }, p: { q: 1 } },
      { a: { b: 5 }, p: { q: 2 } },
    ]);
    expect(out).toEqual([
      { a: { b: 0 }, p: { q: 1 } },
      { p: { q: 1 }, a: { b: 1 } },
      { a: { b: 2 }, p: { q: 1 } },
      { a: { b: 5 }, p: { q: 2 } },
    ]);
  });
});

describe("$densify's limits and specification", () => {
  test("a step of 0 or below is refused before any work, on an empty input too (it spun until the heap ran out)", async () => {
    await s.call("insertMany", { documents: [{ t: 0 }, { t: 4 }] }, "steps");
    for (const step of [0, -1]) {
      await expect(
        s.call("aggregate", { pipeline: [{ $densify: { field: "t", range: { step, bounds: "full" } } }] }, "steps"),
      ).rejects.toMatchObject({
        errorCode: "MongoDBError",
        message: "The step parameter in a range statement must be a strictly positive numeric value",
      });
    }
    expect(() => densify({ field: "t", range: { step: 0, bounds: [0, 1] } }, [])).toThrow("strictly positive");
  });

  test(`no more than ${MAX_DENSIFY_DOCS} generated documents (internalQueryMaxAllowedDensifyDocs)`, () => {
    expect(densify({ field: "v", range: { step: 1, bounds: [0, MAX_DENSIFY_DOCS] } }, [])).toHaveLength(MAX_DENSIFY_DOCS);
    expect(() => densify({ field: "v", range: { step: 1, bounds: [0, MAX_DENSIFY_DOCS + 1] } }, [])).toThrow(
      `Generated ${MAX_DENSIFY_DOCS + 1} documents in $densify, which is over the limit of ${MAX_DENSIFY_DOCS}. Increase the 'internalQueryMaxAllowedDensifyDocs' parameter to allow more generated documents`,
    );
    expect(() => densify({ field: "v", range: { step: 1e-9, bounds: "full" } }, [{ v: 0 }, { v: 1 }])).toThrow("over the limit");
  });

  test("the specification is checked with MongoDB's messages", () => {
    const d = (spec: unknown) => () => densify(spec, []);
    expect(d(5)).toThrow("The $densify stage specification must be an object, found int");
    expect(d({ field: "v", range: { step: 1, bounds: [0, 2] }, foo: 1 })).toThrow("BSON field '$densify.foo' is an unknown field.");
    expect(d({ range: { step: 1, bounds: [0, 2] } })).toThrow("BSON field '$densify.field' is missing but a required field");
    expect(d({ field: "v", range: { step: "1", bounds: [0, 2] } })).toThrow("BSON field '$densify.range.step' is the wrong type 'string'");
    expect(d({ field: "v", range: { step: 1, bounds: [0] } })).toThrow(
      "A bounding array in a range statement must have exactly two elements",
    );
    expect(d({ field: "v", range: { step: 1, bounds: [2, 0] } })).toThrow(
      "A bounding array must be an ascending array of either two dates or two numbers",
    );
    expect(d({ field: "v", range: { step: 1, bounds: [0, new Date(0)] } })).toThrow(
      "A bounding array must contain either both dates or both numeric types",
    );
    expect(d({ field: "v", range: { step: 1, bounds: [new Date(0), new Date(1)] } })).toThrow(
      "A bounding array of dates must specify a unit",
    );
    expect(d({ field: "v", range: { step: 1, unit: "day", bounds: [0, 1] } })).toThrow("Numeric bounds may not have unit parameter");
    expect(d({ field: "v", range: { step: 1.5, unit: "day", bounds: "full" } })).toThrow(
      "The step parameter in a range statement must be a whole number when densifying a date range",
    );
    expect(d({ field: "v", range: { step: 1, bounds: "x" } })).toThrow("Bounds string must either be 'full' or 'partition'");
    expect(d({ field: "v", range: { step: 1, bounds: "partition" } })).toThrow(
      "One cannot specify the bounds as 'partition' without specifying",
    );
    expect(d({ field: "$v", range: { step: 1, bounds: "full" } })).toThrow("FieldPath field names may not start with '$'.");
  });

  test("a value that is neither a number nor a date, or of the wrong kind for the unit, is refused", () => {
    expect(() => densify({ field: "v", range: { step: 1, bounds: "full" } }, [{ v: "x" }])).toThrow(
      "Densify field type must be numeric or a date",
    );
    expect(() => densify({ field: "v", range: { step: 1, bounds: "full" } }, [{ v: new Date(0) }])).toThrow(
      "Encountered date densify value in collection when step does not have a date unit.",
    );
  });
});
