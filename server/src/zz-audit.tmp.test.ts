import { test } from "vitest";
import { buildGraphqlApi } from "./graphql/schema.js";
import { runGraphql } from "./graphql/execute.js";
test("direct", async () => {
  const api = buildGraphqlApi({ naturalPluralization: true, introspection: true, relationships: [], customResolvers: [], collections: [
    { where: "x", service: "m", database: "d", collection: "movies", raw: { title: "Movie", properties: { title: { bsonType: "string" }, director: { bsonType: "object", properties: { name: { bsonType: "string" } } } } } },
    { where: "y", service: "m", database: "d", collection: "dirs", raw: { title: "MovieDirector", properties: { name: { bsonType: "string" }, agent: { bsonType: "string" } } } },
  ]});
  const mongo = { call: async (_s: string, m: string, args: any[]) => { console.log("### CALL", m, JSON.stringify(args[0]).slice(0, 300)); return m === "find" ? [] : m === "deleteMany" ? { deletedCount: 0 } : null; } };
  const ctx = { mongo, callFunction: async () => null, caller: {} } as any;
  for (const q of [
    `mutation { deleteManyMovies(query: { director: { agent: "x" } }) { deletedCount } }`,
    `mutation { upsertOneMovie(data: { title: "new" }) { title } }`,
    `{ movies(query: { title_exists: false }, limit: 0) { title } }`,
    `mutation { updateOneMovie(set: { director: { agent: "a" } }) { title } }`,
  ]) {
    const r = await runGraphql(api, { query: q }, ctx, "POST");
    console.log("### result", JSON.stringify(r.result).slice(0, 300));
  }
});
