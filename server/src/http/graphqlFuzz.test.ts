/**
 * Hostile input to the GraphQL route: a seeded generator of random bodies, query texts built from
 * the schema's own words, variables of random shapes (deep, long, BSON-looking, inherited names)
 * and GET query strings. Every answer is < 500 and JSON (GraphQL's `{data, errors}` or an App
 * Services error body), and the server keeps answering afterwards.
 * Replay a failure with `FUZZ_SEED=<seed> npx vitest run server/src/http/graphqlFuzz`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATLAS, everyone } from "../../test/appDir.js";
import { startAppServer, type AppServer } from "../../test/appServer.js";
import { TestClient } from "../../test/testClient.js";
import { prng } from "../../test/prng.js";

const SEED = Number(process.env["FUZZ_SEED"] ?? 0x9a11);
const CASES = Number(process.env["FUZZ_CASES"] ?? 150);

const files = {
  "root_config.json": { name: "fuzz", app_id: "gql-fuzz" },
  "data_sources/mongodb-atlas/config.json": ATLAS,
  "data_sources/mongodb-atlas/f/items/rules.json": everyone("f", "items"),
  "data_sources/mongodb-atlas/f/items/schema.json": {
    title: "Item",
    properties: {
      _id: { bsonType: "objectId" },
      name: { bsonType: "string" },
      n: { bsonType: "int" },
      big: { bsonType: "long" },
      price: { bsonType: "decimal" },
      at: { bsonType: "date" },
      tags: { bsonType: "array", items: { bsonType: "string" } },
      parts: { bsonType: "array", items: { bsonType: "object", properties: { sku: { bsonType: "string" } } } },
      owner: { bsonType: "string" },
    },
  },
  "data_sources/mongodb-atlas/f/items/relationships.json": {
    owner: { ref: "#/relationship/mongodb-atlas/f/owners", foreign_key: "code", is_list: false },
  },
  "data_sources/mongodb-atlas/f/owners/rules.json": everyone("f", "owners"),
  "data_sources/mongodb-atlas/f/owners/schema.json": { title: "Owner", properties: { code: { bsonType: "string" } } },
  "auth/providers.json": { "anon-user": { type: "anon-user" } },
};

const WORDS = [
  "{",
  "}",
  "(",
  ")",
  ":",
  "[",
  "]",
  "...",
  "query",
  "mutation",
  "fragment",
  "on",
  "Item",
  "$v",
  "$q",
  "item",
  "items",
  "insertOneItem",
  "updateManyItems",
  "deleteManyItems",
  "upsertOneItem",
  "data",
  "set",
  "query:",
  "name",
  "n",
  "n_gt",
  "n_inc",
  "big",
  "price",
  "at",
  "tags",
  "tags_in",
  "parts",
  "sku",
  "owner",
  "code",
  "AND",
  "OR",
  "limit",
  "sortBy",
  "N_DESC",
  "_ID_ASC",
  "__schema",
  "__typename",
  "5",
  "-1",
  "1e309",
  "9223372036854775808",
  '"x"',
  '"2020-01-01T00:00:00Z"',
  '"5f3c2779796615b661fcdc25"',
  "null",
  "true",
  "@include(if: $v)",
  "#",
  "\\u0000",
];

describe("GraphQL fuzz", () => {
  let app: AppServer;
  let url: string;
  let token: string;
  beforeAll(async () => {
    app = await startAppServer(files);
    token = (await new TestClient(app.server.url, "gql-fuzz").logIn("anon-user")).access_token;
    url = `${app.server.url}/api/client/v2.0/app/gql-fuzz/graphql`;
  });
  afterAll(() => app.close());

  it(`${CASES} random requests (seed ${SEED}) are each answered < 500 with JSON; the server keeps serving`, async () => {
    const rand = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 3 || r < 0.3) return pick([0, -1, 2 ** 31, 1.5, "x", "", null, true, "5f3c2779796615b661fcdc25", "1e999"]);
      if (r < 0.45) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
      if (r < 0.5) return { $numberLong: "9" };
      if (r < 0.55) return { constructor: "x", __proto__: 1, toString: 2 };
      if (r < 0.6) {
        let deep: unknown = { name: "x" };
        for (let i = 0; i < 150; i++) deep = { AND: [deep] };
        return deep;
      }
      const out: Record<string, unknown> = {};
      for (let i = Math.floor(rand() * 4); i > 0; i--)
        out[pick(["name", "n", "n_gt", "tags_in", "parts", "owner", "AND", "OR", "big", "price", "at", "zz"])] = value(depth + 1);
      return out;
    };
    const queryText = (): string => Array.from({ length: 1 + Math.floor(rand() * 40) }, () => pick(WORDS)).join(" ");
    for (let i = 0; i < CASES; i++) {
      const kind = rand();
      let res: Response;
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (kind < 0.15) {
        const params = new URLSearchParams({ query: queryText(), variables: rand() < 0.5 ? JSON.stringify(value(0)) : "{bad" });
        res = await fetch(`${url}?${params.toString()}`, { headers, signal: AbortSignal.timeout(10_000) });
      } else {
        const body =
          kind < 0.25
            ? pick(["", "{", "[]", "null", '"query"', '{"query": 5}', "\u0000"])
            : JSON.stringify({
                query: kind < 0.6 ? queryText() : `query($v: Boolean, $q: ItemQueryInput) { items(query: $q) { name n owner { code } } }`,
                variables: value(0),
                operationName: rand() < 0.1 ? "nope" : undefined,
              });
        res = await fetch(url, {
          method: "POST",
          headers: { ...headers, "content-type": pick(["application/json", "application/json", "text/plain", "application/graphql"]) },
          body,
          signal: AbortSignal.timeout(10_000),
        });
      }
      const text = await res.text();
      expect(res.status, `case ${i} (seed ${SEED}): ${text.slice(0, 200)}`).toBeLessThan(500);
      expect(() => JSON.parse(text) as unknown, `case ${i}: not JSON: ${text.slice(0, 200)}`).not.toThrow();
    }
    const after = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ query: "{ items(limit: 1) { name } }" }),
    });
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ data: { items: expect.any(Array) as unknown } });
  });
});
