import { Decimal128, Long } from "bson";
import { expect, test } from "vitest";
import { Aggregator } from "./mingoOptions.js";

const dec = (s: string) => Decimal128.fromString(s);

function project(expr: Record<string, unknown>, doc: Record<string, unknown> = {}): Record<string, unknown> {
  const [out] = new Aggregator([{ $project: { _id: 0, ...expr } }]).run<Record<string, unknown>>([doc]);
  return out ?? {};
}

test("set expressions treat numbers equal by value as one element, keeping the first met", () => {
  const a = [1, Long.fromInt(2), dec("3.0"), { n: dec("4") }];
  const b = [dec("1.00"), 2, 5, { n: 4 }];
  const out = project(
    {
      union: { $setUnion: ["$a", "$b"] },
      inter: { $setIntersection: ["$a", "$b"] },
      diff: { $setDifference: ["$a", "$b"] },
      equals: {
        $setEquals: [
          [1, 2],
          [Long.fromInt(2), dec("1"), 2],
        ],
      },
      subset: { $setIsSubset: [[dec("2")], "$a"] },
      isIn: { $in: [dec("3"), "$a"] },
      notIn: { $in: ["3", "$a"] },
    },
    { a, b },
  );
  expect(out["union"]).toEqual([1, Long.fromInt(2), dec("3.0"), { n: dec("4") }, 5]);
  expect(out["inter"]).toEqual([1, Long.fromInt(2), { n: dec("4") }]);
  expect(out["diff"]).toEqual([dec("3.0")]);
  expect(out).toMatchObject({ equals: true, subset: true, isIn: true, notIn: false });
});

test("null or missing operands give null; other non-arrays are errors", () => {
  expect(project({ u: { $setUnion: ["$missing", [1]] }, d: { $setDifference: [null, [1]] } })).toEqual({ u: null, d: null });
  expect(() => project({ u: { $setUnion: [1, [1]] } })).toThrow(/All operands of \$setUnion must be arrays/);
  expect(() => project({ i: { $in: [1, "x"] } })).toThrow(/\$in requires an array/);
  expect(project({ i: { $in: [null, [null]] } })).toEqual({ i: true });
});
