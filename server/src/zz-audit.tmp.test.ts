import { test } from "vitest";
import { buildGraphqlApi } from "./graphql/schema.js";
import { runGraphql } from "./graphql/execute.js";
test("direct", async () => {
  const api = buildGraphqlApi({ naturalPluralization: true, introspection: true, relationships: [], customResolvers: [], collections: [
    { where: "x", service: "m", database: "d", collection: "films", raw: { title: "Film", properties: { title: { bsonType: "string" }, constructor: { bsonType: "string" }, toString: { bsonType: "string" }, meta: { bsonType: "object", properties: { valueOf: { bsonType: "int" } } } } } },
  ]});
  const mongo = { call: async (_s: string, m: string, args: any[]) => { console.log("CALL", m, JSON.stringify(args[0]).slice(0, 200)); return m === "find" ? [{ title: "t", meta: {} }] : null; } };
  const ctx = { mongo, callFunction: async () => null, caller: {} } as any;
  const r = await runGraphql(api, { query: "{ films { title constructor toString meta { valueOf } } }" }, ctx, "POST");
  console.log("### proto fields", JSON.stringify(r.result));
  for (const n of [1000, 1500, 2000, 5000]) {
    let q: any = { title: "a" };
    for (let i = 0; i < n; i++) q = { AND: [q] };
    try {
      const r2 = await runGraphql(api, { query: "query($q: FilmQueryInput) { films(query: $q) { title } }", variables: { q } }, ctx, "POST");
      console.log("### deep", n, r2.result.errors?.map((e: any) => [e.constructor.name, String(e.message).slice(0, 80), typeof e.toJSON]));
    } catch (e) { console.log("### deep threw", n, String(e)); }
  }
});
