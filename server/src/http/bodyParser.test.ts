import { BSONRegExp, Decimal128, EJSON, Long, ObjectId, Timestamp } from "bson";
import { describe, expect, test } from "vitest";
import { ServerError } from "../contracts.js";
import { parseEjsonText } from "./bodyParser.js";

describe("parseEjsonText", () => {
  test("a $numberLong beyond 2^53 stays an exact Long; other numbers become JS numbers", () => {
    const text = JSON.stringify({
      big: { $numberLong: "9007199254740993" },
      small: { $numberLong: "5" },
      int: { $numberInt: "1" },
      double: { $numberDouble: "2.5" },
      nested: [{ n: { $numberLong: "-9223372036854775808" } }],
    });
    const out = parseEjsonText(text) as Record<string, unknown>;
    expect(out.big).toBeInstanceOf(Long);
    expect(String(out.big)).toBe("9007199254740993");
    expect([out.small, out.int, out.double]).toEqual([5, 1, 2.5]);
    expect(String((out.nested as { n: unknown }[])[0]?.n)).toBe("-9223372036854775808");
  });

  test("BSON types and relaxed forms are read as before", () => {
    const id = new ObjectId();
    const out = parseEjsonText(
      JSON.stringify({ id: { $oid: id.toHexString() }, when: { $date: "2024-01-01T00:00:00Z" }, dec: { $numberDecimal: "1.10" }, n: 3 }),
    ) as Record<string, unknown>;
    expect(out).toEqual({ id, when: new Date("2024-01-01T00:00:00Z"), dec: Decimal128.fromString("1.10"), n: 3 });
    // a Timestamp is a Long subclass in bson: it must not become a number
    const ts = parseEjsonText(JSON.stringify({ ts: { $timestamp: { t: 1, i: 2 } } })) as { ts: unknown };
    expect(ts.ts).toBeInstanceOf(Timestamp);
    expect(ts.ts).toMatchObject({ t: 1, i: 2 });
    expect(parseEjsonText('"text"')).toBe("text");
    expect(parseEjsonText("")).toBeUndefined();
  });

  test("malformed JSON and EJSON are 400 BadRequest", () => {
    for (const text of ["{", '{"a":{"$numberLong":"x"}}', '{"a":{"$oid":"nope"}}']) {
      const err = (() => {
        try {
          parseEjsonText(text);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(ServerError);
      expect((err as ServerError).statusCode).toBe(400);
    }
  });

  test("malformed Extended JSON wrappers that bson would read as a wrong value are 400 BadRequest", () => {
    const refused: Record<string, unknown>[] = [
      { $date: "not a date" },
      { $date: "2024-13-45T00:00:00Z" },
      { $date: { $numberLong: "99999999999999999999" } },
      { $numberInt: "99999999999" },
      { $numberInt: "1.5" },
      { $numberInt: "abc" },
      { $numberInt: 5 },
      { $numberLong: "99999999999999999999" },
      { $numberLong: 5 },
      { $numberDouble: "abc" },
      { $numberDouble: "1e999" },
      { $numberDecimal: 5 },
      { $binary: { base64: "!!!", subType: "00" } },
      { $binary: { base64: "aGk=", subType: "zz" } },
      { $binary: { base64: "aGk=", subType: "1ff" } },
      { $timestamp: { t: 1, i: -1 } },
      { $regularExpression: { pattern: 5, options: "" } },
      { $code: 5 },
      { $minKey: 2 },
    ];
    for (const wrapper of refused) {
      const text = JSON.stringify({ doc: { nested: [1, { value: wrapper }] } });
      expect(() => parseEjsonText(text), JSON.stringify(wrapper)).toThrow(/^malformed EJSON body: invalid \$/);
      try {
        parseEjsonText(text);
      } catch (e) {
        expect((e as ServerError).statusCode).toBe(400);
        expect((e as ServerError).errorCode).toBe("BadRequest");
      }
    }
  });

  test("every wrapper realm-web and bson write is still read", () => {
    const values = {
      id: new ObjectId(),
      date: new Date(Date.UTC(1900, 0, 1)),
      int: 5,
      double: 2.5,
      inf: -Infinity,
      long: Long.fromString("-9223372036854775808"),
      dec: Decimal128.fromString("-1.5E+6144"),
      ts: new Timestamp({ t: 0xffffffff, i: 0 }),
    };
    for (const relaxed of [false, true]) {
      const text = EJSON.stringify({ v: values }, { relaxed });
      expect(() => parseEjsonText(text), text).not.toThrow();
    }
    const legacy = JSON.stringify({
      d: { $date: "1970-01-01" },
      n: { $numberDouble: "NaN" },
      b: { $binary: { base64: "", subType: "0" } },
    });
    expect(parseEjsonText(legacy)).toMatchObject({ d: new Date(0) });
    // an escaped key is the same key once parsed
    expect(() => parseEjsonText('{"a":{"\\u0024date":"never"}}')).toThrow(/invalid \$date/);
    // bson reads a wrapper's key among other keys as the wrapper: it is checked there too
    expect(() => parseEjsonText(JSON.stringify({ a: { $numberInt: "x", other: 1 } }))).toThrow(/invalid \$numberInt/);
    expect(parseEjsonText(JSON.stringify({ a: { $numberInt: null, other: { $numberInt: "2" } } }))).toEqual({
      a: { $numberInt: null, other: 2 },
    });
  });
});

describe("a $regex operator beside other operators", () => {
  test("stays an operator: the other conditions are kept (bson read the object as a regex value)", () => {
    const out = parseEjsonText(
      JSON.stringify({ name: { $regex: "^a", $options: "i", $ne: "ab" }, list: [{ n: { $regex: "x", $nin: [] } }] }),
    ) as {
      name: Record<string, unknown>;
      list: { n: Record<string, unknown> }[];
    };
    expect(out.name).toEqual({ $regex: new BSONRegExp("^a", "i"), $ne: "ab" });
    expect(out.list[0]?.n).toEqual({ $regex: new BSONRegExp("x", ""), $nin: [] });
  });

  test("the legacy regular expression wrapper is still a regex value", () => {
    expect(parseEjsonText('{"a":{"$regex":"^a","$options":"i"}}')).toEqual({ a: new BSONRegExp("^a", "i") });
    expect(parseEjsonText('{"a":{"$regex":"^a"}}')).toEqual({ a: new BSONRegExp("^a", "") });
  });

  test("options bson refuses are a 400 as before", () => {
    expect(() => parseEjsonText('{"a":{"$regex":"^a","$options":"q","$ne":"b"}}')).toThrow(ServerError);
  });
});
