import { Binary, BSONRegExp, Decimal128, Long, ObjectId, Timestamp, UUID } from "bson";
import { describe, expect, test } from "vitest";
import { compileSchema } from "./schema.js";

// A collection schema as a Device Sync app writes it (App Services' "Schema Types").
const TASK = {
  title: "Task",
  bsonType: "object",
  required: ["_id", "owner_id", "name"],
  properties: {
    _id: { bsonType: "objectId" },
    owner_id: { bsonType: "string" },
    name: { bsonType: "string", minLength: 1 },
    priority: { bsonType: "long" },
    estimate: { bsonType: "double" },
    price: { bsonType: "decimal" },
    done: { bsonType: "bool" },
    due: { bsonType: "date" },
    tags: { bsonType: "array", items: { bsonType: "string" }, uniqueItems: true },
    ref: { bsonType: "uuid" },
    notes: { bsonType: ["string", "null"] },
    extra: { bsonType: "mixed" },
    status: { enum: ["open", "closed"] },
  },
};

const schema = compileSchema({
  where: "data_sources/mongodb-atlas/todo/tasks/schema.json",
  raw: TASK,
  database: "todo",
  collection: "tasks",
});
const valid = { _id: new ObjectId(), owner_id: "u1", name: "Write" };

function failure(doc: Record<string, unknown>): string {
  try {
    schema?.check(doc);
  } catch (err) {
    expect(err).toMatchObject({ statusCode: 400, errorCode: "SchemaValidationFailedWrite" });
    return (err as Error).message;
  }
  throw new Error("the document passed");
}

describe("collection schemas", () => {
  test("documents of every BSON type the schema names pass; numbers that fit pass the numeric types", () => {
    expect(() =>
      schema?.check({
        ...valid,
        priority: 3,
        estimate: 2,
        price: Decimal128.fromString("9.99"),
        done: false,
        due: new Date(),
        tags: ["a", "b"],
        ref: new UUID(),
        notes: null,
        extra: { anything: [1, "x"] },
        status: "open",
      }),
    ).not.toThrow();
    expect(() => schema?.check({ ...valid, priority: Long.fromString("9007199254740993"), estimate: 2.5, price: 3 })).not.toThrow();
  });

  test.each([
    ["a missing required field", { _id: new ObjectId(), owner_id: "u1" }, "must have required property 'name'"],
    ["a string where a long belongs", { ...valid, priority: "high" }, "priority must be of BSON type long"],
    ["a fraction where a long belongs", { ...valid, priority: 2.5 }, "priority must be of BSON type long"],
    [
      "an ObjectId's hex string where an ObjectId belongs",
      { ...valid, _id: new ObjectId().toHexString() },
      "_id must be of BSON type objectId",
    ],
    ["a Binary that is not a UUID", { ...valid, ref: new Binary(Buffer.from("abc")) }, "ref must be of BSON type uuid"],
    ["an empty name", { ...valid, name: "" }, "name must NOT have fewer than 1 characters"],
    ["a repeated tag", { ...valid, tags: ["a", "a"] }, "tags must NOT have duplicate items"],
    ["a tag that is no string", { ...valid, tags: [1] }, "tags.0 must be of BSON type string"],
    ["a value outside the enum", { ...valid, status: "maybe" }, "status must be equal to one of the allowed values"],
  ])("refuses %s, naming the field", (_label, doc, message) => {
    expect(failure(doc)).toContain(message);
  });

  test("every BSON type name of the docs is known; an unknown one, or an invalid schema, is a config error naming the file", () => {
    const names = [
      "double",
      "string",
      "object",
      "array",
      "objectId",
      "date",
      "bool",
      "null",
      "regex",
      "int",
      "timestamp",
      "long",
      "decimal",
      "uuid",
      "binData",
      "mixed",
    ];
    const all = compileSchema({
      where: "s.json",
      raw: { properties: Object.fromEntries(names.map((n) => [n, { bsonType: n }])) },
      database: "d",
      collection: "c",
    });
    expect(() =>
      all?.check({
        regex: new BSONRegExp("a"),
        timestamp: new Timestamp({ t: 1, i: 1 }),
        int: 5,
        null: null,
        binData: new Binary(Buffer.from("x")),
      }),
    ).not.toThrow();
    expect(() => all?.check({ timestamp: Long.fromNumber(5) })).toThrow(/timestamp must be of BSON type timestamp/);
    expect(() => all?.check({ int: 2 ** 31 })).toThrow(/int must be of BSON type int/);
    expect(() =>
      compileSchema({ where: "x/schema.json", raw: { properties: { a: { bsonType: "int64" } } }, database: "d", collection: "c" }),
    ).toThrow(/x\/schema\.json: invalid schema: unknown bsonType "int64"/);
    // only where the keyword is: not in data (`default`), and also for a field named bsonType
    expect(
      compileSchema({ where: "s.json", raw: { properties: { a: { default: { bsonType: "widget" } } } }, database: "d", collection: "c" }),
    ).toBeDefined();
    expect(() =>
      compileSchema({ where: "s.json", raw: { properties: { bsonType: { bsonType: "strnig" } } }, database: "d", collection: "c" }),
    ).toThrow(/unknown bsonType "strnig"/);
    expect(() => compileSchema({ where: "x/schema.json", raw: { required: "name" }, database: "d", collection: "c" })).toThrow(
      /x\/schema\.json: invalid schema/,
    );
  });

  test("a property named like an inherited member (constructor, toString) is the document's own field only", () => {
    const named = compileSchema({
      where: "s.json",
      raw: { required: ["toString"], properties: { constructor: { bsonType: "string" }, toString: { bsonType: "int" } } },
      database: "d",
      collection: "c",
    });
    expect(() => named?.check({ toString: 1 })).not.toThrow();
    expect(() => named?.check({ toString: 1, constructor: "x" })).not.toThrow();
    expect(() => named?.check({ toString: 1, constructor: 5 })).toThrow(/constructor must be of BSON type string/);
    expect(() => named?.check({})).toThrow(/must have required property 'toString'/);
    // other schemas check the document as it is: enum and const compare objects as before
    const point = compileSchema({
      where: "s.json",
      raw: { properties: { loc: { enum: [{ type: "Point" }] } } },
      database: "d",
      collection: "c",
    });
    expect(() => point?.check({ loc: { type: "Point" } })).not.toThrow();
    expect(() => point?.check({ loc: { type: "Line" } })).toThrow(/loc must be equal to one of the allowed values/);
  });

  test("an empty schema ({}, as an export writes it) checks nothing", () => {
    expect(compileSchema({ where: "s.json", raw: {}, database: "d", collection: "c" })).toBeUndefined();
  });

  test("change validation: the docs' owner_id examples, with %%this/%%prev and with %%root/%%prevRoot", async () => {
    const ctx = { user: { id: "u1" }, values: {}, environment: { tag: "", values: {} }, request: {} };
    const byField = { "%or": [{ "%%prev": { "%exists": false } }, { "%%prev": "%%this" }] };
    const byRoot = { "%or": [{ "%%prevRoot.owner_id": { "%exists": false } }, { "%%prevRoot.owner_id": "%%root.owner_id" }] };
    for (const raw of [
      { properties: { owner_id: { bsonType: "string", validate: byField } } },
      { validate: byRoot, properties: { owner_id: { bsonType: "string" } } },
    ]) {
      const owned = compileSchema({ where: "x/schema.json", raw, database: "d", collection: "c" });
      await expect(owned?.checkWrite(null, { _id: 1, owner_id: "u1" }, ctx)).resolves.toBeUndefined();
      await expect(owned?.checkWrite({ _id: 1 }, { _id: 1, owner_id: "u1" }, ctx)).resolves.toBeUndefined();
      await expect(owned?.checkWrite({ _id: 1, owner_id: "u1" }, { _id: 1, owner_id: "u1", n: 2 }, ctx)).resolves.toBeUndefined();
      await expect(owned?.checkWrite({ _id: 1, owner_id: "u1" }, { _id: 1, owner_id: "u2" }, ctx)).rejects.toMatchObject({
        errorCode: "SchemaValidationFailedWrite",
        message: expect.stringMatching(/the validate expression of (owner_id|the document) does not hold/),
      });
    }
    // a change validation alone is a schema; an invalid one is a config error naming the file and field
    expect(compileSchema({ where: "s.json", raw: { validate: { "%%user.id": "u1" } }, database: "d", collection: "c" })).toBeDefined();
    expect(() =>
      compileSchema({ where: "x/schema.json", raw: { properties: { a: { validate: { "%%nope": 1 } } } }, database: "d", collection: "c" }),
    ).toThrow(/x\/schema\.json, validate of a: unknown expansion %%nope/);
  });
});

describe("schemas as App Services and Device Sync write them", () => {
  const ctx = { values: {}, environment: { tag: "", values: {} }, request: {} };
  const compile = (raw: unknown) => compileSchema({ where: "x/schema.json", raw, database: "d", collection: "c" });

  test("the docs' votes schema: draft-4 boolean exclusiveMinimum, uniqueItems over objects, a pattern", () => {
    const votes = compile({
      bsonType: "object",
      required: ["name", "age", "favoriteColors"],
      properties: {
        name: { bsonType: "string" },
        age: { bsonType: "int", minimum: 13, exclusiveMinimum: false },
        favoriteColors: {
          bsonType: "array",
          uniqueItems: true,
          items: {
            bsonType: "object",
            properties: {
              rank: { bsonType: "int" },
              name: { bsonType: "string" },
              hexCode: { bsonType: "string", pattern: "^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$" },
            },
          },
        },
      },
    });
    const colors = [
      { rank: 1, name: "RebeccaPurple", hexCode: "#663399" },
      { rank: 2, name: "DodgerBlue", hexCode: "#1E90FF" },
    ];
    expect(() => votes?.check({ name: "Jane Doe", age: 13, favoriteColors: colors })).not.toThrow();
    expect(() => votes?.check({ name: "Kid", age: 12, favoriteColors: colors })).toThrow(/age must be >= 13/);
    expect(() => votes?.check({ name: "J", age: 42, favoriteColors: [colors[0], colors[0]] })).toThrow(
      /favoriteColors must NOT have duplicate items/,
    );
    expect(() => votes?.check({ name: "J", age: 42, favoriteColors: [{ rank: 1, name: "x", hexCode: "blue" }] })).toThrow(
      /hexCode must match pattern/,
    );
    const strict = compile({ properties: { age: { bsonType: "int", minimum: 13, exclusiveMinimum: true } } });
    expect(() => strict?.check({ age: 13 })).toThrow(/age must be > 13/);
  });

  test("Development Mode's float; MongoDB patterns JavaScript's Unicode mode refuses, and a leading (?i)", () => {
    const s = compile({
      properties: {
        uptime: { bsonType: "float" },
        phone: { bsonType: "string", pattern: "^\\d{3}\\-\\d{4}$" },
        code: { bsonType: "string", pattern: "^a\\_b$" },
        name: { bsonType: "string", pattern: "(?i)^ada" },
      },
    });
    expect(() => s?.check({ uptime: 1.5, phone: "555-1234", code: "a_b", name: "ADA L." })).not.toThrow();
    expect(() => s?.check({ phone: "5551234" })).toThrow(/phone must match pattern/);
    expect(() => s?.check({ name: "Bob" })).toThrow(/name must match pattern/);
  });

  test("the range keywords hold for Int64 beyond 2^53 and Decimal128 values too", () => {
    const s = compile({
      properties: {
        price: { bsonType: "decimal", maximum: 100 },
        n: { bsonType: "long", minimum: 0, maximum: 100 },
        k: { bsonType: "long", multipleOf: 3 },
      },
    });
    expect(() =>
      s?.check({ price: Decimal128.fromString("99.5"), n: Long.fromNumber(5), k: Long.fromString("9007199254740993") }),
    ).not.toThrow();
    expect(() => s?.check({ price: Decimal128.fromString("1000") })).toThrow(/price must be <= 100/);
    expect(() => s?.check({ n: Long.fromString("9007199254740993") })).toThrow(/n must be <= 100/);
    expect(() => s?.check({ n: Long.fromString("-9007199254740993") })).toThrow(/n must be >= 0/);
    expect(() => s?.check({ k: Long.fromString("9007199254740995") })).toThrow(/k must be multiple of 3/);
  });

  test("sets compare their items as BSON: distinct bytes are distinct (a UTF-8 reading made 0x80 and 0x81 equal), in linear time", () => {
    const s = compile({
      properties: {
        blobs: { bsonType: "array", uniqueItems: true, items: { bsonType: "binData" } },
        ids: { bsonType: "array", uniqueItems: true },
      },
    });
    expect(() => s?.check({ blobs: [new Binary(Buffer.from([0x80])), new Binary(Buffer.from([0x81]))] })).not.toThrow();
    expect(() => s?.check({ blobs: [new Binary(Buffer.from([0x80])), new Binary(Buffer.from([0x80]))] })).toThrow(/duplicate items/);
    const many = Array.from({ length: 100_000 }, (_, i) => i);
    expect(() => s?.check({ ids: many })).not.toThrow();
    expect(() => s?.check({ ids: [...many, 5] })).toThrow(/items ## 5 and 100000 are identical/);
  });

  test("type is read as its BSON type: object is no ObjectId, number takes a Decimal128", () => {
    const s = compile({ properties: { o: { type: "object" }, n: { type: "number" }, i: { type: "integer" } } });
    expect(() => s?.check({ o: { a: 1 }, n: Decimal128.fromString("1.5"), i: 3 })).not.toThrow();
    expect(() => s?.check({ o: new ObjectId() })).toThrow(/o must be of BSON type object/);
    expect(() => s?.check({ i: 1.5 })).toThrow(/i must be of BSON type long/);
  });

  test("validate on each item of an array and each value of a dictionary; a field's only where the field is", async () => {
    const s = compile({
      properties: {
        lines: { bsonType: "array", items: { properties: { qty: { bsonType: "int", validate: { "%%this": { $gt: 0 } } } } } },
        prices: {
          bsonType: "object",
          properties: { currency: { bsonType: "string" } },
          additionalProperties: { validate: { "%%this": { $gte: 0 } } },
        },
        qty: { validate: { "%%this": { $gt: 0 } } },
      },
    });
    await expect(s?.checkWrite(null, { _id: 1, lines: [{ qty: 1 }, {}], prices: { currency: "EUR", a: 1 } }, ctx)).resolves.toBeUndefined();
    await expect(s?.checkWrite(null, { _id: 1, lines: [{ qty: 1 }, { qty: -5 }] }, ctx)).rejects.toThrow(
      /the validate expression of lines\.1\.qty does not hold/,
    );
    await expect(s?.checkWrite(null, { _id: 1, prices: { currency: "EUR", b: -1 } }, ctx)).rejects.toThrow(
      /the validate expression of prices\.b does not hold/,
    );
    await expect(s?.checkWrite(null, { _id: 1, qty: 0 }, ctx)).rejects.toThrow(/qty does not hold/);
    expect(() => compile({ anyOf: [{ properties: { a: { validate: { "%%true": true } } } }] })).toThrow(/validate expression under anyOf/);
  });

  test("a dictionary's values: %%prev is the value's own (not an inherited toString); keys patternProperties names are not additional", async () => {
    const once = { "%or": [{ "%%prev": { "%exists": false } }, { "%%prev": "%%this" }] };
    const s = compile({
      properties: {
        tags: {
          bsonType: "object",
          patternProperties: { "^x_": { bsonType: "int" } },
          additionalProperties: { bsonType: "string", validate: once },
        },
      },
    });
    await expect(s?.checkWrite({ _id: 1, tags: {} }, { _id: 1, tags: { toString: "red" } }, ctx)).resolves.toBeUndefined();
    await expect(s?.checkWrite({ _id: 1, tags: { color: "red" } }, { _id: 1, tags: { color: "blue" } }, ctx)).rejects.toThrow(
      /tags\.color/,
    );
    await expect(s?.checkWrite({ _id: 1, tags: { x_a: 4 } }, { _id: 1, tags: { x_a: 5 } }, ctx)).resolves.toBeUndefined();
  });
});
