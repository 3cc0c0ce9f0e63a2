import { describe, expect, it } from "vitest";
import * as bson from "bson";
import * as bson4 from "bson4";
import * as bson6 from "bson6";
import { encodeArgs } from "../codec/full.js";
import { isForeignBson, localBson } from "./bson.js";

const hex = "5f1b2c3d4e5f60718293a4b5";

/** The same values built by each bson copy, so their canonical EJSON can be compared. */
function values(copy: object) {
  const b = copy as typeof bson; // the three copies share this API; their classes differ
  return {
    id: new b.ObjectId(hex),
    dec: b.Decimal128.fromString("1.25"),
    long: b.Long.fromNumber(2 ** 40),
    int: new b.Int32(7),
    double: new b.Double(1.5),
    ts: new b.Timestamp({ t: 5, i: 1 }),
    bin: new b.Binary(new Uint8Array([1, 2, 3]), 0x80),
    ref: new b.DBRef("coll", new b.ObjectId(hex), "db"),
    re: new b.BSONRegExp("a+", "i"),
    min: new b.MinKey(),
    max: new b.MaxKey(),
    code: new b.Code("return x", { x: new b.Int32(1) }),
    nested: [{ deep: new b.ObjectId(hex) }],
  };
}

describe("BSON values of other bson copies", () => {
  it("bson 7 itself refuses them: the case this module exists for", () => {
    expect(() => bson.EJSON.stringify([new bson4.ObjectId(hex)])).toThrow(/Unsupported BSON version/);
    expect(() => bson.EJSON.stringify([new bson6.ObjectId(hex)])).toThrow(/Unsupported BSON version/);
  });

  it("encodes function arguments made with bson 4 and 6 exactly as this copy's", () => {
    const expected = encodeArgs([values(bson)]);
    expect(encodeArgs([values(bson4)])).toBe(expected);
    expect(encodeArgs([values(bson6)])).toBe(expected);
  });

  it("rebuilds a foreign value as this copy's class", () => {
    const foreign = new bson4.ObjectId(hex);
    expect(isForeignBson(foreign)).toBe(true);
    expect(isForeignBson(new bson.ObjectId(hex))).toBe(false);
    const local = localBson(foreign);
    expect(local).toBeInstanceOf(bson.ObjectId);
    expect((local as bson.ObjectId).toHexString()).toBe(hex);
  });

  it("rejects a tagged value that cannot describe itself with a typed error", () => {
    expect(() => encodeArgs([{ _bsontype: "ObjectId", id: "x" }])).toThrow(expect.objectContaining({ code: "invalid-argument" }));
  });
});
