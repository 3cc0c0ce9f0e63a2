import { Binary, BSONRegExp, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from "bson";
import { describe, expect, test } from "vitest";
import { chooseFormat, renderValue, toStandardJson } from "./format.js";

describe("the JSON form of BSON values (App Services' Data Formats page)", () => {
  test("each type as the page lists it", () => {
    const value = {
      name: "Mango",
      year: Long.fromNumber(2022),
      weight: Decimal128.fromString("9823.1297"),
      date: new Date(1641954803067),
      id: new ObjectId("5d505646cf6d4fe581014ab2"),
      int: new Int32(10),
      double: new Double(10.5),
      data: new Binary(Buffer.from("e67803a39588be8a95731a21e27d7391", "base64"), 5),
      regex: new BSONRegExp("^H", "i"),
      jsRegex: /^H/i,
      ts: new Timestamp({ t: 1565545664, i: 1 }),
      min: new MinKey(),
      max: new MaxKey(),
      list: [1, undefined, new Date(0)],
      skipped: undefined,
    };
    expect(toStandardJson(value)).toEqual({
      name: "Mango",
      year: 2022,
      weight: "9823.1297",
      date: "2022-01-12T02:33:23.067Z",
      id: "5d505646cf6d4fe581014ab2",
      int: 10,
      double: 10.5,
      data: { Subtype: 5, Data: "e67803a39588be8a95731a21e27d7391" },
      regex: { Pattern: "^H", Options: "i" },
      jsRegex: { Pattern: "^H", Options: "i" },
      ts: { T: 1565545664, I: 1 },
      min: {},
      max: {},
      list: [1, null, "1970-01-01T00:00:00.000Z"],
    });
  });

  test("canonical EJSON keeps the types", () => {
    const text = renderValue({ date: new Date(1654589430998), n: Long.fromString("9007199254740993") }, "EJSON");
    expect(JSON.parse(text)).toEqual({ date: { $date: { $numberLong: "1654589430998" } }, n: { $numberLong: "9007199254740993" } });
    expect(renderValue(undefined, "JSON")).toBe("null");
  });

  test("an Int64 beyond 2^53 keeps all its digits in JSON; a __proto__ key stays a key", () => {
    const big = {
      n: Long.fromString("9007199254740993"),
      neg: Long.fromString("-9007199254740993"),
      safe: Long.fromNumber(50),
      s: "\u0000x:1",
    };
    expect(renderValue(big, "JSON")).toBe('{"n":9007199254740993,"neg":-9007199254740993,"safe":50,"s":"\\u0000x:1"}');
    expect(renderValue([Long.fromString("9223372036854775807")], "JSON")).toBe("[9223372036854775807]");
    expect(renderValue(JSON.parse('{"__proto__":{"a":1},"b":2}'), "JSON")).toBe('{"__proto__":{"a":1},"b":2}');
    expect(renderValue(undefined, "EJSON")).toBe("null");
  });
});

describe("the Accept header", () => {
  test.each([
    ["application/json", "EJSON", "JSON"],
    ["application/ejson", "JSON", "EJSON"],
    ["text/html, application/ejson;q=0.9, application/json", "JSON", "EJSON"],
    ["Application/JSON; charset=utf-8", "EJSON", "JSON"],
    ["*/*", "EJSON", "EJSON"],
    [undefined, "JSON", "JSON"],
  ] as const)("%s with the default %s gives %s", (accept, fallback, expected) => {
    expect(chooseFormat(accept, fallback)).toBe(expected);
  });
});
