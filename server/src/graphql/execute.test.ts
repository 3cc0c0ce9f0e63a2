import { describe, expect, test } from "vitest";
import type { GraphqlContext } from "./context.js";
import { runGraphql } from "./execute.js";
import { buildGraphqlApi } from "./schema.js";

const collections = [
  {
    where: "s.json",
    service: "mongodb-atlas",
    database: "d",
    collection: "notes",
    raw: { title: "Note", properties: { text: { bsonType: "string" } } },
  },
];
const unreachable = (): Promise<never> => Promise.reject(new Error("no data call expected"));
const context: GraphqlContext = {
  mongo: { call: unreachable } as unknown as GraphqlContext["mongo"],
  callFunction: unreachable,
  caller: {},
};

function api(introspection: boolean) {
  return buildGraphqlApi({ naturalPluralization: true, introspection, collections, relationships: [], customResolvers: [] });
}

describe("running a request", () => {
  test("introspection answers unless disable_schema_introspection; __typename always does", async () => {
    const open = await runGraphql(api(true), { query: "{ __schema { queryType { name } } }" }, context, "POST");
    expect(open.result.data).toEqual({ __schema: { queryType: { name: "Query" } } });
    const closed = await runGraphql(api(false), { query: "{ __schema { queryType { name } } }" }, context, "POST");
    expect(closed.refused).toBe(true);
    expect(closed.result.errors?.[0]?.message).toMatch(/introspection has been disabled/);
    const typename = await runGraphql(api(false), { query: "mutation { __typename }" }, context, "POST");
    expect(typename.result.data).toEqual({ __typename: "Mutation" });
  });

  test("GET runs no mutation; the operation name picks the operation", async () => {
    const document = "query A { __typename } mutation B { __typename }";
    const get = await runGraphql(api(true), { query: document, operationName: "B" }, context, "GET");
    expect(get).toMatchObject({ refused: true, notAllowed: true });
    const post = await runGraphql(api(true), { query: document, operationName: "B" }, context, "POST");
    expect(post.result.data).toEqual({ __typename: "Mutation" });
    const query = await runGraphql(api(true), { query: document, operationName: "A" }, context, "GET");
    expect(query.result.data).toEqual({ __typename: "Query" });
  });

  test("an app without a type answers every request with an error saying what to define", async () => {
    const empty = buildGraphqlApi({
      naturalPluralization: true,
      introspection: true,
      collections: [],
      relationships: [],
      customResolvers: [],
    });
    const outcome = await runGraphql(empty, { query: "{ __typename }" }, context, "POST");
    expect(outcome.result.errors?.[0]?.message).toMatch(/define a schema for a collection/);
  });

  test("a field's data-layer failure is that field's error; the others answer", async () => {
    const failing: GraphqlContext = {
      ...context,
      mongo: { call: () => Promise.reject(new Error("boom")) } as unknown as GraphqlContext["mongo"],
    };
    const outcome = await runGraphql(api(true), { query: "{ notes { text } __typename }" }, failing, "POST");
    expect(outcome.result.data).toEqual(null);
    expect(outcome.result.errors?.[0]).toMatchObject({ message: "boom", path: ["notes"] });
    const nullable = await runGraphql(api(true), { query: "{ note { text } __typename }" }, failing, "POST");
    expect(nullable.result.data).toEqual({ note: null, __typename: "Query" });
  });
});
