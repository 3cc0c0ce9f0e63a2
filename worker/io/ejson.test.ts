import { EJSON } from "bson";
import { EJSON as EJSON4 } from "bson4";
import { describe, expect, it } from "vitest";
import { EJSONWriteError, canonicalFromJSON, canonicalText, writeCanonical } from "./ejson.js";

/** Plain values a tab sends as structured-clone data, with the edges of each number range. */
const PLAIN: unknown[] = [
  [1, 2],
  [0, -1, 2147483647, -2147483648, 2147483648, -2147483649, 2 ** 53, -(2 ** 53), 2 ** 63, -(2 ** 63), 2 ** 64, 1e21, 1e-7],
  [1.5, -0.25, 0.1 + 0.2, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity],
  [new Date(0), new Date(1_700_000_000_123), new Date(-1), new Date(253402300800001), new Date(NaN)],
  ["", 'ü \u2028 "quoted" \\ \n', "\ud800"],
  [true, false, null, undefined],
  [{ a: 1, b: { c: [1, { d: "x" }], e: undefined }, "": null, __proto__x: 2 }],
  [[[[]]], {}, [undefined, null]],
  [{ $oid: "not a wrapper here", n: 1 }],
  // eslint-disable-next-line no-sparse-arrays
  [[1, , 3]],
];

describe("writeCanonical (plain data, as realm-web sends it)", () => {
  it.each(PLAIN.map((v, i) => [i, v]))("case %i is byte-equal to realm-web's bson 4.7 EJSON", (_i, value) => {
    expect(writeCanonical(value)).toBe(EJSON4.stringify(value as Parameters<typeof EJSON4.stringify>[0], { relaxed: false }));
  });

  it.each(PLAIN.map((v, i) => [i, v]))("case %i is byte-equal to bson 7's EJSON", (_i, value) => {
    expect(writeCanonical(value)).toBe(EJSON.stringify(value, { relaxed: false }));
  });

  it("writes -0 as realm-web does (bson 4.7: an int32 0; bson 7 would write a double -0.0)", () => {
    expect(writeCanonical([-0])).toBe(EJSON4.stringify([-0], { relaxed: false }));
    expect(writeCanonical([-0])).toBe('[{"$numberInt":"0"}]');
  });

  it("writes an object key named __proto__ as a key", () => {
    const value = JSON.parse('{"__proto__":{"n":1}}') as unknown;
    expect(writeCanonical(value)).toBe('{"__proto__":{"n":{"$numberInt":"1"}}}');
  });

  it("refuses values that are not plain data, cycles and deep nesting", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    let deep: unknown = 1;
    for (let i = 0; i < 1_100; i++) deep = [deep];
    const refused: unknown[] = [new Map(), new Uint8Array(2), 1n, /x/, { _bsontype: "ObjectId", id: "x" }, cycle, deep, () => 1];
    for (const value of refused) expect(() => writeCanonical([value]), String(value)).toThrow(EJSONWriteError);
    const shared = { n: 1 };
    expect(writeCanonical([shared, shared])).toBe('[{"n":{"$numberInt":"1"}},{"n":{"$numberInt":"1"}}]');
  });
});

describe("canonicalFromJSON / canonicalText (parsed EJSON text)", () => {
  const TEXTS = [
    '{"operationType":"insert","n":1,"d":1.5,"big":5000000000}',
    '{"_id":{"$oid":"65f0aaaaaaaaaaaaaaaaaaaa"},"at":{"$date":{"$numberLong":"1"}},"l":{"$numberLong":"7"}}',
    '{"ts":{"$timestamp":{"t":1,"i":2}},"bin":{"$binary":{"base64":"AA==","subType":"00"}},"dec":{"$numberDecimal":"1.5"}}',
    '[{"a":[1,{"b":null}]},"s",true]',
    '{"$numberInt":"3"}',
  ];
  it.each(TEXTS)("%s is what bson's canonical parse and stringify write", (text) => {
    const viaBson = EJSON.stringify(EJSON.parse(text, { relaxed: false }), { relaxed: false });
    expect(canonicalText(text, "the value")).toBe(viaBson);
    expect(canonicalFromJSON(JSON.parse(text))).toBe(viaBson);
  });

  it("refuses text that is not JSON with invalid-argument", () => {
    expect(() => canonicalText("{", "the body")).toThrow(
      expect.objectContaining({ code: "invalid-argument", message: "the body is not EJSON" }),
    );
  });
});
