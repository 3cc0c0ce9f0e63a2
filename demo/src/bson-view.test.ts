import { describe, expect, it } from "vitest";
import { Decimal128, Int32, Long, ObjectId } from "bson";
import { showValue } from "./bson-view.js";

describe("showValue", () => {
  it("keeps BSON types visible in shell notation", () => {
    const value = {
      _id: new ObjectId("65f0a1b2c3d4e5f601234567"),
      at: new Date("2026-11-27T12:00:00Z"),
      price: Decimal128.fromString("9.99"),
      n: Long.fromNumber(5),
      i: new Int32(3),
    };
    expect(showValue(value)).toBe(
      '{\n  _id: ObjectId("65f0a1b2c3d4e5f601234567"),\n  at: Date("2026-11-27T12:00:00.000Z"),\n  price: Decimal128("9.99"),\n  n: Long("5"),\n  i: Int32(3)\n}',
    );
  });
  it("shows plain values as JSON, nested arrays indented, and empty containers inline", () => {
    expect(showValue(42)).toBe("42");
    expect(showValue("a")).toBe('"a"');
    expect(showValue(null)).toBe("null");
    expect(showValue(undefined)).toBe("undefined");
    expect(showValue([1, [2]])).toBe("[\n  1,\n  [\n    2\n  ]\n]");
    expect(showValue({})).toBe("{}");
    expect(showValue([])).toBe("[]");
    expect(showValue(new Date(Number.NaN))).toBe('Date("invalid")');
  });
});
