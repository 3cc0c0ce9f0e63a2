import { EJSON, Long } from "bson";
import { expect, test } from "vitest";
import { canonicalEjson } from "./canonicalEjson.js";

test("a whole double beyond 2^53 is written as a double; 2^63 no longer reads back negative", () => {
  const text = canonicalEjson({ a: 2 ** 63, b: [1, 2 ** 60, { c: -(2 ** 64) }] });
  expect(JSON.parse(text)).toEqual({
    a: { $numberDouble: "9223372036854775808.0" },
    b: [{ $numberInt: "1" }, { $numberDouble: "1152921504606846976.0" }, { c: { $numberDouble: "-18446744073709551616.0" } }],
  });
  const back = EJSON.parse(text, { relaxed: true }) as { a: number };
  expect(back.a).toBe(2 ** 63);
});

test("integers within 2^53 and Int64 values keep their types; undefined is null", () => {
  expect(JSON.parse(canonicalEjson({ i: 5, l: 2 ** 40, big: Long.fromString("9007199254740993"), d: 1.5 }))).toEqual({
    i: { $numberInt: "5" },
    l: { $numberLong: "1099511627776" },
    big: { $numberLong: "9007199254740993" },
    d: { $numberDouble: "1.5" },
  });
  expect(canonicalEjson(undefined)).toBe("null");
});

test("a copied document keeps its fields in order, a __proto__ field among them", () => {
  const doc = JSON.parse('{"z": 1, "__proto__": {"x": 1}, "a": 9007199254740993}') as Record<string, unknown>;
  const text = canonicalEjson(doc);
  expect(text).toBe('{"z":{"$numberInt":"1"},"__proto__":{"x":{"$numberInt":"1"}},"a":{"$numberDouble":"9007199254740992.0"}}');
});
