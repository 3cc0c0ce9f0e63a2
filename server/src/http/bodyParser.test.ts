import { Decimal128, Long, ObjectId, Timestamp } from "bson";
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
});
