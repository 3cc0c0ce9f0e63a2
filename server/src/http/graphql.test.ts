import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ATLAS, ownerOnly } from "../../test/appDir.js";
import { startAppServer, type AppServer } from "../../test/appServer.js";
import { TestClient } from "../../test/testClient.js";

// The GraphQL API generated from a collection schema (App Services' "GraphQL Types, Resolvers, and
// Operators"), under the collection's rules: each user reaches only its own movies.
const MOVIE_SCHEMA = {
  title: "Movie",
  bsonType: "object",
  required: ["title", "owner_id"],
  properties: {
    _id: { bsonType: "objectId" },
    owner_id: { bsonType: "string" },
    title: { bsonType: "string" },
    year: { bsonType: "int" },
    rating: { bsonType: "double" },
    price: { bsonType: "decimal" },
    views: { bsonType: "long" },
    released: { bsonType: "date" },
    cast: { bsonType: "array", items: { bsonType: "string" } },
    awards: { bsonType: "array", items: { bsonType: "object", properties: { name: { bsonType: "string" }, year: { bsonType: "int" } } } },
    director: { bsonType: "object", properties: { name: { bsonType: "string" }, born: { bsonType: "int" } } },
  },
};

const files = {
  "root_config.json": { name: "graphql", app_id: "graphql-app" },
  "data_sources/mongodb-atlas/config.json": ATLAS,
  "data_sources/mongodb-atlas/cinema/movies/rules.json": ownerOnly("cinema", "movies"),
  "data_sources/mongodb-atlas/cinema/movies/schema.json": MOVIE_SCHEMA,
  "auth/providers.json": { "anon-user": { type: "anon-user" }, "api-key": { type: "api-key" } },
  "functions/config.json": [
    { name: "averageRating", private: true },
    { name: "addCast" },
    { name: "decade" },
    { name: "refused", can_evaluate: { "%%true": false } },
    { name: "storedTypes", run_as_system: true },
  ],
  "functions/storedTypes.js": `exports = function (title) {
    const types = { _id: 0, rating: { $type: "$rating" }, price: { $type: "$price" }, views: { $type: "$views" }, year: { $type: "$year" }, released: { $type: "$released" } };
    return context.services.get("mongodb-atlas").db("cinema").collection("movies").aggregate([{ $match: { title } }, { $project: types }]).toArray();
  };`,
  "functions/averageRating.js": `exports = async function ({ owner }) {
    const movies = await context.services.get("mongodb-atlas").db("cinema").collection("movies").find({ owner_id: owner }).toArray();
    const sum = movies.reduce((s, m) => s + (m.rating ?? 0), 0);
    return { owner, average: movies.length === 0 ? 0 : sum / movies.length, count: movies.length };
  };`,
  "functions/addCast.js": `exports = async function ({ movie_id, name }) {
    return context.services.get("mongodb-atlas").db("cinema").collection("movies")
      .findOneAndUpdate({ _id: movie_id }, { $push: { cast: name } }, { returnNewDocument: true });
  };`,
  "functions/decade.js": `exports = function (movie) { return movie.year === undefined ? null : Math.floor(movie.year / 10) * 10; };`,
  "functions/refused.js": `exports = function () { return 1; };`,
  "graphql/config.json": { use_natural_pluralization: true, disable_schema_introspection: false },
  "graphql/custom_resolvers/query_averageRating.json": {
    on_type: "Query",
    field_name: "averageRating",
    function_name: "averageRating",
    input_type: { title: "AverageRatingInput", bsonType: "object", required: ["owner"], properties: { owner: { bsonType: "string" } } },
    input_type_format: "custom",
    payload_type: {
      title: "AverageRatingPayload",
      bsonType: "object",
      properties: { owner: { bsonType: "string" }, average: { bsonType: "double" }, count: { bsonType: "int" } },
    },
    payload_type_format: "custom",
  },
  "graphql/custom_resolvers/mutation_addCast.json": {
    on_type: "Mutation",
    field_name: "addCast",
    function_name: "addCast",
    input_type: {
      title: "AddCastInput",
      bsonType: "object",
      required: ["movie_id", "name"],
      properties: { movie_id: { bsonType: "objectId" }, name: { bsonType: "string" } },
    },
    input_type_format: "custom",
    payload_type: "Movie",
    payload_type_format: "generated",
  },
  "graphql/custom_resolvers/movie_decade.json": {
    on_type: "Movie",
    field_name: "decade",
    function_name: "decade",
    payload_type: "int",
    payload_type_format: "scalar",
  },
  "graphql/custom_resolvers/query_refused.json": { on_type: "Query", field_name: "refused", function_name: "refused" },
};

let app: AppServer;
let url: string;
const users: { token: string; id: string; apiKey: string }[] = [];

beforeAll(async () => {
  app = await startAppServer(files);
  const c = new TestClient(app.server.url, "graphql-app");
  url = `${app.server.url}/api/client/v2.0/app/graphql-app/graphql`;
  for (const name of ["alice", "bob"]) {
    const user = await c.logIn("anon-user");
    const key = await c.request("POST", "/auth/api_keys", { token: user.refresh_token, body: { name } });
    users.push({ token: user.access_token, id: user.user_id, apiKey: (key.body as { key: string }).key });
  }
});
afterAll(() => app.close());

interface GqlAnswer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; path?: string[] }[]; error_code?: string; error?: string };
}

async function gql(
  query: string,
  variables?: Record<string, unknown>,
  opts: { as?: number; headers?: Record<string, string> } = {},
): Promise<GqlAnswer> {
  const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
  if (opts.headers === undefined) headers["authorization"] = `Bearer ${users[opts.as ?? 0]?.token ?? ""}`;
  const res = await fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as GqlAnswer["body"] };
}

function dataOf(answer: GqlAnswer): Record<string, unknown> {
  expect(answer.body.errors).toBeUndefined();
  expect(answer.status).toBe(200);
  return answer.body.data ?? {};
}

describe("the generated queries and mutations", () => {
  test("insertOne and insertMany store the schema's BSON types; the queries read them back", async () => {
    const alice = users[0]?.id;
    const one = dataOf(
      await gql(
        `mutation($data: MovieInsertInput!) { insertOneMovie(data: $data) { _id title year rating price views released cast director { name } } }`,
        {
          data: {
            owner_id: alice,
            title: "Heat",
            year: 1995,
            rating: 8,
            price: 9.99,
            views: "9007199254740993",
            released: "1995-12-15T00:00:00.000Z",
            cast: ["Al Pacino", "Robert De Niro"],
            director: { name: "Michael Mann", born: 1943 },
          },
        },
      ),
    );
    expect(one["insertOneMovie"]).toMatchObject({
      title: "Heat",
      year: 1995,
      rating: 8,
      price: 9.99,
      views: "9007199254740993",
      released: "1995-12-15T00:00:00.000Z",
      cast: ["Al Pacino", "Robert De Niro"],
      director: { name: "Michael Mann" },
    });
    // stored with the schema's types (the schema check passed too)
    const stored = await new TestClient(app.server.url, "graphql-app").request("POST", "/app/graphql-app/functions/call", {
      token: users[0]?.token,
      body: { name: "storedTypes", arguments: ["Heat"] },
    });
    // (8 is stored as the store stores any whole number, an int: see docs/graphql.md)
    expect(stored.body).toEqual([{ rating: "int", price: "decimal", views: "long", year: "int", released: "date" }]);
    const many = dataOf(
      await gql(`mutation($data: [MovieInsertInput!]!) { insertManyMovies(data: $data) { insertedIds } }`, {
        data: [
          {
            owner_id: alice,
            title: "Ronin",
            year: 1998,
            rating: 7.2,
            cast: ["Robert De Niro", "Jean Reno"],
            awards: [{ name: "none", year: 1999 }],
          },
          { owner_id: alice, title: "Alien", year: 1979, rating: 8.5, cast: ["Sigourney Weaver"], awards: [{ name: "Oscar", year: 1980 }] },
          { owner_id: alice, title: "Tenet", year: 2020 },
        ],
      }),
    );
    expect((many["insertManyMovies"] as { insertedIds: string[] }).insertedIds).toHaveLength(3);
  });

  test("QueryInput operators, AND/OR, embedded objects and arrays, sortBy and limit", async () => {
    const titles = async (query: string): Promise<string[]> => {
      const data = dataOf(await gql(`{ movies(${query}) { title } }`));
      return (data["movies"] as { title: string }[]).map((m) => m.title);
    };
    expect(await titles(`query: { year_gt: 1990 }, sortBy: YEAR_ASC`)).toEqual(["Heat", "Ronin", "Tenet"]);
    expect(await titles(`query: { year_lte: 1995, year_ne: 1979 }`)).toEqual(["Heat"]);
    expect(await titles(`query: { cast_in: ["Jean Reno", "Sigourney Weaver"] }, sortBy: TITLE_ASC`)).toEqual(["Alien", "Ronin"]);
    expect(await titles(`query: { title_nin: ["Heat", "Alien"] }, sortBy: TITLE_DESC`)).toEqual(["Tenet", "Ronin"]);
    expect(await titles(`query: { rating_exists: false }`)).toEqual(["Tenet"]);
    expect(await titles(`query: { OR: [{ year: 1979 }, { AND: [{ year_gt: 1996 }, { rating_gte: 7 }] }] }, sortBy: YEAR_DESC`)).toEqual([
      "Ronin",
      "Alien",
    ]);
    expect(await titles(`query: { director: { name: "Michael Mann" } }`)).toEqual(["Heat"]);
    expect(await titles(`query: { awards_in: [{ name: "Oscar" }] }`)).toEqual(["Alien"]);
    expect(await titles(`query: { price_gt: 9.5 }`)).toEqual(["Heat"]);
    expect(await titles(`sortBy: YEAR_DESC, limit: 2`)).toEqual(["Tenet", "Ronin"]);
    const one = dataOf(await gql(`{ movie(query: { title: "Alien" }) { title awards { name year } } }`));
    expect(one["movie"]).toEqual({ title: "Alien", awards: [{ name: "Oscar", year: 1980 }] });
    expect(dataOf(await gql(`{ movie(query: { title: "Nope" }) { title } }`))["movie"]).toBeNull();
  });

  test("updateOne sets, increments and unsets; updateMany counts; upsertOne and replaceOne replace; deletes", async () => {
    const updated = dataOf(
      await gql(
        `mutation { updateOneMovie(query: { title: "Ronin" }, set: { year_inc: 2, rating_unset: true, director: { name: "John Frankenheimer" } }) { year rating director { name } } }`,
      ),
    );
    expect(updated["updateOneMovie"]).toEqual({ year: 2000, rating: null, director: { name: "John Frankenheimer" } });
    const many = dataOf(
      await gql(`mutation { updateManyMovies(query: { year_lt: 2000 }, set: { price: 5 }) { matchedCount modifiedCount } }`),
    );
    expect(many["updateManyMovies"]).toEqual({ matchedCount: 2, modifiedCount: 2 });
    const alice = users[0]?.id;
    const upserted = dataOf(
      await gql(`mutation($data: MovieInsertInput!) { upsertOneMovie(query: { title: "Dune" }, data: $data) { title year } }`, {
        data: { owner_id: alice, title: "Dune", year: 2021 },
      }),
    );
    expect(upserted["upsertOneMovie"]).toEqual({ title: "Dune", year: 2021 });
    const replaced = dataOf(
      await gql(`mutation($data: MovieInsertInput!) { replaceOneMovie(query: { title: "Dune" }, data: $data) { title year cast } }`, {
        data: { owner_id: alice, title: "Dune: Part Two", year: 2024 },
      }),
    );
    expect(replaced["replaceOneMovie"]).toEqual({ title: "Dune: Part Two", year: 2024, cast: null });
    const deleted = dataOf(await gql(`mutation { deleteOneMovie(query: { title: "Dune: Part Two" }) { title } }`));
    expect(deleted["deleteOneMovie"]).toEqual({ title: "Dune: Part Two" });
    const gone = dataOf(await gql(`mutation { deleteManyMovies(query: { year_gt: 2010 }) { deletedCount } }`));
    expect(gone["deleteManyMovies"]).toEqual({ deletedCount: 1 });
  });

  test("upsertOne without a query inserts; a Long literal beyond 2^53 keeps its digits", async () => {
    const alice = users[0]?.id ?? "";
    const inserted = dataOf(
      await gql(
        `mutation { upsertOneMovie(data: { owner_id: "${alice}", title: "Brazil", year: 1985, views: 9007199254740995 }) { title views } }`,
      ),
    );
    expect(inserted["upsertOneMovie"]).toEqual({ title: "Brazil", views: "9007199254740995" });
    expect(dataOf(await gql(`{ movies(query: { views_gt: 9007199254740993 }) { title } }`))["movies"]).toEqual([{ title: "Brazil" }]);
    expect(dataOf(await gql(`mutation { deleteOneMovie(query: { title: "Brazil" }) { title } }`))["deleteOneMovie"]).toEqual({
      title: "Brazil",
    });
  });

  test("the collection's rules apply: another user sees none of the movies and cannot insert for someone else", async () => {
    expect(dataOf(await gql(`{ movies { title } }`, undefined, { as: 1 }))["movies"]).toEqual([]);
    const denied = await gql(
      `mutation { insertOneMovie(data: { owner_id: "${users[0]?.id ?? ""}", title: "Stolen" }) { title } }`,
      undefined,
      { as: 1 },
    );
    expect(denied.status).toBe(200);
    expect(denied.body.data).toEqual({ insertOneMovie: null });
    expect(denied.body.errors?.[0]?.path).toEqual(["insertOneMovie"]);
  });

  test("the collection's schema applies: a wrong type in a write fails with a GraphQL error", async () => {
    const bad = await gql(`mutation { insertOneMovie(data: { owner_id: "x", title: 5 }) { title } }`);
    expect(bad.status).toBe(200);
    expect(bad.body.data).toBeUndefined();
    expect(bad.body.errors?.[0]?.message).toMatch(/String cannot represent/);
  });
});

describe("custom resolvers", () => {
  test("a custom query with custom input and payload types runs its (private) function as the user", async () => {
    const data = dataOf(
      await gql(`query($i: AverageRatingInput) { averageRating(input: $i) { owner average count } }`, { i: { owner: users[0]?.id } }),
    );
    expect(data["averageRating"]).toEqual({ owner: users[0]?.id, average: 5.5, count: 3 });
  });

  test("a custom mutation gets its input as BSON (an ObjectId) and answers a generated type", async () => {
    const heat = dataOf(await gql(`{ movie(query: { title: "Heat" }) { _id } }`))["movie"] as { _id: string };
    const data = dataOf(await gql(`mutation { addCast(input: { movie_id: "${heat._id}", name: "Val Kilmer" }) { title cast } }`));
    expect(data["addCast"]).toEqual({ title: "Heat", cast: ["Al Pacino", "Robert De Niro", "Val Kilmer"] });
  });

  test("a computed property gets its parent document", async () => {
    const data = dataOf(await gql(`{ movies(sortBy: YEAR_ASC) { title decade } }`));
    expect(data["movies"]).toEqual([
      { title: "Alien", decade: 1970 },
      { title: "Heat", decade: 1990 },
      { title: "Ronin", decade: 2000 },
    ]);
  });

  test("each call of a resolver's function counts toward the request's 1000 data calls", async () => {
    const owner = users[0]?.id;
    const zeds = Array.from({ length: 10 }, (_, i) => ({ owner_id: owner, title: `Zed ${i}`, year: 1990 + i }));
    dataOf(await gql(`mutation($d: [MovieInsertInput!]!) { insertManyMovies(data: $d) { insertedIds } }`, { d: zeds }));
    try {
      const list = (n: number) => Array.from({ length: n }, (_, i) => `z${i}: movies(query: { title_gte: "Zed" }) { decade }`).join(" ");
      // 90 finds and 900 function calls: within the bound
      expect((dataOf(await gql(`{ ${list(90)} }`))["z89"] as unknown[]).length).toBe(10);
      // 100 finds and 1000 function calls: past it
      const stopped = await gql(`{ ${list(100)} }`);
      expect(stopped.body.errors?.[0]?.message).toMatch(/more than 1000 data calls/);
    } finally {
      dataOf(await gql(`mutation { deleteManyMovies(query: { title_gte: "Zed" }) { deletedCount } }`));
    }
  });

  test("a resolver whose function's can_evaluate is false fails; without a payload type the answer is DefaultPayload", async () => {
    const answer = await gql(`{ refused { status } }`);
    expect(answer.body.errors?.[0]?.message).toMatch(/rule not matched for function "refused"/);
  });
});

describe("the HTTP side", () => {
  test("credential headers authenticate too; a bad token is 401; no credentials is 400", async () => {
    const byKey = await gql(`{ movies { title } }`, undefined, { headers: { apiKey: users[0]?.apiKey ?? "" } });
    expect((dataOf(byKey)["movies"] as unknown[]).length).toBe(3);
    const badToken = await gql(`{ movies { title } }`, undefined, { headers: { authorization: "Bearer nope" } });
    expect(badToken.status).toBe(401);
    expect(badToken.body.error_code).toBe("InvalidSession");
    const none = await gql(`{ movies { title } }`, undefined, { headers: {} });
    expect(none.status).toBe(400);
  });

  test("GET runs a query and refuses a mutation with 405", async () => {
    const q = new URLSearchParams({
      query: `query($t: String) { movie(query: { title: $t }) { year } }`,
      variables: JSON.stringify({ t: "Heat" }),
    });
    const res = await fetch(`${url}?${q.toString()}`, { headers: { authorization: `Bearer ${users[0]?.token ?? ""}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { movie: { year: 1995 } } });
    const m = new URLSearchParams({ query: `mutation { deleteManyMovies { deletedCount } }` });
    const refused = await fetch(`${url}?${m.toString()}`, { headers: { authorization: `Bearer ${users[0]?.token ?? ""}` } });
    expect(refused.status).toBe(405);
    expect(dataOf(await gql(`{ movies { title } }`))["movies"]).toHaveLength(3);
  });

  test("syntax and validation errors are GraphQL errors without data; a body without a query is 400", async () => {
    const syntax = await gql(`{ movies { title }`);
    expect(syntax.status).toBe(200);
    expect(syntax.body.errors?.[0]?.message).toMatch(/Syntax Error/);
    expect(syntax.body).not.toHaveProperty("data");
    const unknown = await gql(`{ movies { nope } }`);
    expect(unknown.body.errors?.[0]?.message).toMatch(/Cannot query field "nope"/);
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${users[0]?.token ?? ""}` },
      body: JSON.stringify({ variables: {} }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error_code: "BadRequest" });
  });

  test("variables nested too deep are a GraphQL error, not a crash; inherited names are no values", async () => {
    let q: Record<string, unknown> = { title: "x" };
    for (let i = 0; i < 2000; i++) q = { AND: [q] };
    const deep = await gql(`query($q: MovieQueryInput) { movies(query: $q) { title } }`, { q });
    expect(deep.status).toBe(200);
    expect(deep.body.errors?.[0]?.message).toMatch(/nested deeper than 100 levels/);
    const inherited = await gql(`query($q: MovieQueryInput) { movies(query: $q) { title } }`, {
      q: { title: "Heat", AND: [{ year: 1995 }] },
    });
    expect(dataOf(inherited)["movies"]).toEqual([{ title: "Heat" }]);
  });

  test("an operation beyond the bounds is refused before it runs", async () => {
    const roots = Array.from({ length: 101 }, (_, i) => `m${i}: movies { title }`).join(" ");
    const tooWide = await gql(`{ ${roots} }`);
    expect(tooWide.body.errors?.[0]?.message).toMatch(/101 root fields/);
    const fragments = `fragment A on Movie { title ${Array.from({ length: 30 }, (_, i) => `t${i}: title`).join(" ")} }`;
    const spread = Array.from({ length: 90 }, (_, i) => `m${i}: movies { ...A }`).join(" ");
    const tooMany = await gql(`{ ${spread} } ${fragments}`);
    expect(tooMany.body.errors?.[0]?.message).toMatch(/more than 2000 fields/);
  });
});
