import { expect, test } from "vitest";
import { Aggregator, Query } from "./data/mingoOptions.js";
import { Query as MQuery } from "mingo";
import { buildGraphqlApi } from "./graphql/schema.js";

test("all probes", () => {
  const q = (c: object, d: object) => { try { return new Query(c as never).test(d as never); } catch (e) { return "ERR " + (e as Error).message; } };
  console.log("regex on scalar", q({ t: { $all: [/^sec/] } }, { t: "security" }));
  console.log("num on scalar", q({ t: { $all: [5] } }, { t: 5 }));
  console.log("mixed on scalar", q({ t: { $all: ["security", /^sec/] } }, { t: "security" }));
  console.log("$gt in all", q({ t: { $all: [{ $gt: 1 }] } }, { t: [5] }));
  console.log("elemMatch mixed", q({ t: { $all: [{ $elemMatch: { $gt: 1 } }, 5] } }, { t: [5] }));
  console.log("nested path", q({ "a.b": { $all: [1, 3] } }, { a: [{ b: [1, 2] }, { b: 3 }] }));
  console.log("null", q({ "a": { $all: [null] } }, {}));
});

test("all perf", () => {
  const n = 3000;
  const arr = Array.from({ length: n }, (_, i) => i);
  const wanted = Array.from({ length: n }, (_, i) => n - 1 - i);
  const docs = Array.from({ length: 50 }, () => ({ a: arr }));
  let t = Date.now();
  docs.filter((d) => new Query({ a: { $all: wanted } } as never).test(d as never));
  console.log("new $all ms", Date.now() - t);
  t = Date.now();
  docs.filter((d) => new MQuery({ a: { $all: wanted } } as never).test(d as never));
  console.log("mingo $all ms", Date.now() - t);
  t = Date.now();
  docs.filter((d) => new Query({ "x.a": { $all: wanted } } as never).test({ x: d } as never));
  console.log("new $all depth1 ms", Date.now() - t);
}, 200000);

test("graphql shared title", () => {
  const pet = { bsonType: "object", title: "Pet", properties: { name: { bsonType: "string" }, toy: { bsonType: "string" } } };
  const people = { title: "Person", properties: { _id: { bsonType: "objectId" }, pet, formerPet: pet } };
  const toys = { title: "Toy", properties: { _id: { bsonType: "objectId" }, code: { bsonType: "string" } } };
  const mk = (rel: Record<string, unknown>) => ({
    naturalPluralization: true, introspection: true,
    collections: [
      { where: "people", service: "mongodb-atlas", database: "d", collection: "people", raw: people },
      { where: "toys", service: "mongodb-atlas", database: "d", collection: "toys", raw: toys },
    ],
    relationships: [{ where: "people/relationships.json", service: "mongodb-atlas", database: "d", collection: "people", raw: rel }],
    customResolvers: [],
  });
  const ref = { ref: "#/relationship/mongodb-atlas/d/toys", foreign_key: "code", is_list: false };
  for (const rel of [{}, { "pet.toy": ref }]) {
    try { const r = buildGraphqlApi(mk(rel) as never); console.log("ok", JSON.stringify(rel), r.skipped); }
    catch (e) { console.log("THROWS", JSON.stringify(rel), (e as Error).message); }
  }
});
