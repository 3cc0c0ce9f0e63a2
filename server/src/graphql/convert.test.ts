import { Decimal128, Double, Long } from "bson";
import { describe, expect, test } from "vitest";
import { toDocument, toFilter, toUpdate } from "./convert.js";
import { objectModel, type ObjectModel } from "./model.js";
import type { RelationIo } from "./relationInputs.js";

const model = objectModel(
  {
    properties: {
      n: { bsonType: "int" },
      price: { bsonType: "decimal" },
      score: { bsonType: "double" },
      big: { bsonType: "long" },
      "first-name": { bsonType: "string" },
      tags: { bsonType: "array", items: { bsonType: "string" } },
      items: { bsonType: "array", items: { bsonType: "object", properties: { sku: { bsonType: "string" }, qty: { bsonType: "int" } } } },
      address: { bsonType: "object", properties: { city: { bsonType: "string" } } },
    },
  },
  "Order",
) as ObjectModel;

const noRelations: RelationIo = {
  keys: () => Promise.reject(new Error("no relationship here")),
  create: () => Promise.reject(new Error("no relationship here")),
};

describe("inputs to MongoDB", () => {
  test("QueryInput: operators, renamed fields, embedded objects, lists of objects, AND/OR", async () => {
    expect(await toFilter({ n_gt: 1, n_lt: 5 }, model, noRelations)).toEqual({ $and: [{ n: { $gt: 1 } }, { n: { $lt: 5 } }] });
    expect(await toFilter({ firstName: "Ada" }, model, noRelations)).toEqual({ "first-name": "Ada" });
    expect(await toFilter({ n: null }, model, noRelations)).toEqual({ n: null });
    expect(await toFilter({ address: { city_in: ["Oslo"] } }, model, noRelations)).toEqual({ "address.city": { $in: ["Oslo"] } });
    expect(await toFilter({ tags: ["a", "b"], tags_exists: true }, model, noRelations)).toEqual({
      $and: [{ tags: ["a", "b"] }, { tags: { $ne: null } }],
    });
    expect(await toFilter({ items: [{ sku: "x" }, { qty_gt: 2 }] }, model, noRelations)).toEqual({
      $and: [{ items: { $elemMatch: { sku: "x" } } }, { items: { $elemMatch: { qty: { $gt: 2 } } } }],
    });
    expect(await toFilter({ items_nin: [{ sku: "x" }, { sku: "y" }] }, model, noRelations)).toEqual({
      items: { $not: { $elemMatch: { $or: [{ sku: "x" }, { sku: "y" }] } } },
    });
    expect(await toFilter({ OR: [{ n: 1 }, { AND: [{ n: 2 }] }] }, model, noRelations)).toEqual({ $or: [{ n: 1 }, { $and: [{ n: 2 }] }] });
    expect(await toFilter({ price_gte: 9.5 }, model, noRelations)).toEqual({ price: { $gte: Decimal128.fromString("9.5") } });
    expect(await toFilter({ items_in: [] }, model, noRelations)).toEqual({ items: { $in: [] } });
    // an empty list of conditions is an empty list, not "any list"
    expect(await toFilter({ items: [] }, model, noRelations)).toEqual({ items: [] });
    // App Services' _exists: the field is not null
    expect(await toFilter({ n_exists: false }, model, noRelations)).toEqual({ n: null });
    await expect(toFilter({ OR: [] }, model, noRelations)).rejects.toThrow(/OR needs at least one query/);
  });

  test("InsertInput: the schema's BSON types; UpdateInput: $set (embedded fields one by one), $unset, $inc", async () => {
    const doc = await toDocument(
      { n: 1, price: 2.5, score: 3, big: Long.fromNumber(4), firstName: "Ada", items: [{ sku: "x" }] },
      model,
      noRelations,
    );
    expect(doc).toEqual({
      n: 1,
      price: Decimal128.fromString("2.5"),
      score: new Double(3),
      big: Long.fromNumber(4),
      "first-name": "Ada",
      items: [{ sku: "x" }],
    });
    expect(await toUpdate({ n_inc: 2, price_unset: true, address: { city: "Oslo" }, score: 1.5 }, model, noRelations)).toEqual({
      $set: { "address.city": "Oslo", score: new Double(1.5) },
      $unset: { price: "" },
      $inc: { n: 2 },
    });
    await expect(toUpdate({ price_unset: false }, model, noRelations)).rejects.toThrow(/sets, unsets or increments no field/);
  });
});
