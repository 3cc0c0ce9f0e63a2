import { describe, expect, test } from "vitest";
import { Aggregator } from "./mingoOptions.js";

const unwind = (spec: unknown, docs: Record<string, unknown>[]): unknown[] => new Aggregator([{ $unwind: spec }]).run(docs);

describe("$unwind's specification", () => {
  test("a path without `$`, an empty one, or a bad field path is refused (it unwound nothing)", () => {
    const docs = [{ _id: 1, a: [1, 2] }];
    expect(() => unwind("a", docs)).toThrow("path option to $unwind stage should be prefixed with a '$': a");
    expect(() => unwind({ path: "a" }, docs)).toThrow("path option to $unwind stage should be prefixed with a '$': a");
    expect(() => unwind("", docs)).toThrow("no path specified to $unwind stage");
    expect(() => unwind({}, docs)).toThrow("no path specified to $unwind stage");
    expect(() => unwind("$$ROOT", docs)).toThrow("FieldPath field names may not start with '$'. Consider using $getField or $setField.");
    expect(() => unwind("$a.", docs)).toThrow("FieldPath must not end with a '.'.");
  });

  test("options are checked with MongoDB's messages", () => {
    const docs = [{ _id: 1, a: [1, 2] }];
    expect(() => unwind(5, docs)).toThrow("expected either a string or an object as specification for $unwind stage, got int");
    expect(() => unwind(["$a"], [])).toThrow("expected either a string or an object as specification for $unwind stage, got array");
    expect(() => unwind({ path: 5 }, docs)).toThrow("expected a string as the path for $unwind stage, got int");
    expect(() => unwind({ path: "$a", foo: 1 }, docs)).toThrow("unrecognized option to $unwind stage: foo");
    expect(() => unwind({ path: "$a", preserveNullAndEmptyArrays: 1 }, docs)).toThrow(
      "expected a boolean for the preserveNullAndEmptyArrays option to $unwind stage, got int",
    );
    expect(() => unwind({ path: "$a", includeArrayIndex: "" }, docs)).toThrow(
      "expected a non-empty string for the includeArrayIndex  option to $unwind stage, got string",
    );
    expect(() => unwind({ path: "$a", includeArrayIndex: "$i" }, docs)).toThrow(
      "includeArrayIndex option to $unwind stage should not be prefixed with a '$': $i",
    );
  });
});

describe("$unwind's documents", () => {
  test("a document (also an empty one) or a scalar passes through as one document, its index null", () => {
    expect(unwind("$a", [{ _id: 0, a: {} }])).toEqual([{ _id: 0, a: {} }]);
    expect(unwind({ path: "$a", includeArrayIndex: "i" }, [{ _id: 0, a: {} }])).toEqual([{ _id: 0, a: {}, i: null }]);
    expect(unwind({ path: "$a", includeArrayIndex: "i" }, [{ _id: 0, a: 7 }])).toEqual([{ _id: 0, a: 7, i: null }]);
  });

  test("a path through an array is missing, as Document::getNestedField reads it (the document was passed through)", () => {
    const docs = [{ _id: 1, x: [{ y: [3] }] }];
    expect(unwind("$x.y", docs)).toEqual([]);
    expect(unwind({ path: "$x.y", preserveNullAndEmptyArrays: true, includeArrayIndex: "i" }, docs)).toEqual([
      { _id: 1, x: [{ y: [3] }], i: null },
    ]);
  });

  test("includeArrayIndex with a dot sets a nested field (it made a field named `x.y`)", () => {
    expect(unwind({ path: "$a", includeArrayIndex: "x.y" }, [{ _id: 1, a: [5, 6] }])).toEqual([
      { _id: 1, a: 5, x: { y: 0 } },
      { _id: 1, a: 6, x: { y: 1 } },
    ]);
    // a value on the way that is not a document is replaced
    expect(unwind({ path: "$a", includeArrayIndex: "a.i" }, [{ _id: 1, a: [5] }])).toEqual([{ _id: 1, a: { i: 0 } }]);
  });

  test("guards behaviour that was already right: arrays, nested paths, preserve, empty arrays and nulls", () => {
    const docs = [{ _id: 1, o: { a: [1, 2] }, z: 1 }, { _id: 2, o: { a: [] } }, { _id: 3, o: { a: null } }, { _id: 4 }];
    expect(unwind("$o.a", docs)).toEqual([
      { _id: 1, o: { a: 1 }, z: 1 },
      { _id: 1, o: { a: 2 }, z: 1 },
    ]);
    expect(unwind({ path: "$o.a", preserveNullAndEmptyArrays: true, includeArrayIndex: "i" }, docs)).toEqual([
      { _id: 1, o: { a: 1 }, z: 1, i: 0 },
      { _id: 1, o: { a: 2 }, z: 1, i: 1 },
      { _id: 2, o: {}, i: null },
      { _id: 3, o: { a: null }, i: null },
      { _id: 4, i: null },
    ]);
    expect(docs[0]).toEqual({ _id: 1, o: { a: [1, 2] }, z: 1 });
  });
});
