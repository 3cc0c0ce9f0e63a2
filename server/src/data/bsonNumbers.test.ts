import { Binary, BSONRegExp, Decimal128, Long, MaxKey, MinKey, ObjectId, Timestamp } from "bson";
import { expect, test } from "vitest";
import { bsonTypeName } from "./bsonNumbers.js";

test("values are named as MongoDB's messages name their BSON types", () => {
  const named: [unknown, string][] = [
    [5, "int"],
    [-(2 ** 31), "int"],
    [2 ** 31, "long"],
    [2 ** 53 - 1, "long"],
    [1.5, "double"],
    [2 ** 60, "double"],
    [Long.fromNumber(1), "long"],
    [Decimal128.fromString("1"), "decimal"],
    ["x", "string"],
    [true, "bool"],
    [null, "null"],
    [[1], "array"],
    [{ a: 1 }, "object"],
    [new Date(0), "date"],
    [new ObjectId(), "objectId"],
    [new Binary(Buffer.from("x")), "binData"],
    [new BSONRegExp("a"), "regex"],
    [new Timestamp({ t: 1, i: 1 }), "timestamp"],
    [new MinKey(), "minKey"],
    [new MaxKey(), "maxKey"],
  ];
  for (const [value, name] of named) expect([value, bsonTypeName(value)]).toEqual([value, name]);
});
