import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ATLAS, everyone } from "../../test/appDir.js";
import { startAppServer, type AppServer } from "../../test/appServer.js";
import { TestClient } from "../../test/testClient.js";

// Relationships (App Services' "Relationships"): a to-one field (a studio's code) and a to-many
// field (review ids), resolved, filtered on and written through the GraphQL API.
const onlyPublished = {
  database: "cinema",
  collection: "reviews",
  roles: [{ name: "published", apply_when: {}, read: true, write: true, insert: true, delete: true }],
  filters: [{ name: "published", apply_when: {}, query: { published: true } }],
};

const files = {
  "root_config.json": { name: "relations", app_id: "relations-app" },
  "data_sources/mongodb-atlas/config.json": ATLAS,
  "data_sources/mongodb-atlas/cinema/films/rules.json": everyone("cinema", "films"),
  "data_sources/mongodb-atlas/cinema/films/schema.json": {
    title: "Film",
    required: ["title"],
    properties: {
      _id: { bsonType: "objectId" },
      title: { bsonType: "string" },
      studio: { bsonType: "string" },
      reviews: { bsonType: "array", items: { bsonType: "objectId" } },
      poster: { bsonType: "object", properties: { artist: { bsonType: "string" } } },
      credits: {
        bsonType: "array",
        items: { bsonType: "object", properties: { role: { bsonType: "string" }, studio: { bsonType: "string" } } },
      },
      constructor: { bsonType: "string" },
      level: { bsonType: "int" },
    },
  },
  "data_sources/mongodb-atlas/cinema/films/relationships.json": {
    studio: { ref: "#/relationship/mongodb-atlas/cinema/studios", foreign_key: "code", is_list: false },
    reviews: { ref: "#/relationship/mongodb-atlas/cinema/reviews", foreign_key: "_id", is_list: true },
    "poster.artist": { ref: "#/relationship/mongodb-atlas/cinema/studios", foreign_key: "code", is_list: false },
    "credits.[].studio": { ref: "#/relationship/mongodb-atlas/cinema/studios", foreign_key: "code", is_list: false },
    "poster.missing": { ref: "#/relationship/mongodb-atlas/cinema/studios", foreign_key: "code", is_list: false },
    level: { ref: "#/relationship/mongodb-atlas/cinema/ratings", foreign_key: "level", is_list: false },
  },
  "data_sources/mongodb-atlas/cinema/studios/rules.json": everyone("cinema", "studios"),
  "data_sources/mongodb-atlas/cinema/studios/schema.json": {
    title: "Studio",
    properties: { _id: { bsonType: "objectId" }, code: { bsonType: "string" }, name: { bsonType: "string" } },
  },
  "data_sources/mongodb-atlas/cinema/ratings/rules.json": everyone("cinema", "ratings"),
  "data_sources/mongodb-atlas/cinema/ratings/schema.json": {
    title: "Rating",
    properties: { _id: { bsonType: "objectId" }, level: { bsonType: "decimal" }, label: { bsonType: "string" } },
  },
  "data_sources/mongodb-atlas/cinema/reviews/rules.json": onlyPublished,
  "data_sources/mongodb-atlas/cinema/reviews/schema.json": {
    title: "Review",
    properties: {
      _id: { bsonType: "objectId" },
      stars: { bsonType: "int" },
      text: { bsonType: "string" },
      published: { bsonType: "bool" },
    },
  },
  "auth/providers.json": { "anon-user": { type: "anon-user" } },
  "functions/config.json": [{ name: "echoStudio" }],
  "functions/echoStudio.js": `exports = function (film) { return JSON.stringify(film.studio); };`,
  "graphql/custom_resolvers/echo.json": {
    on_type: "Query",
    field_name: "echoStudio",
    function_name: "echoStudio",
    input_type: "FilmInsertInput",
    input_type_format: "generated",
    payload_type: "string",
    payload_type_format: "scalar",
  },
};

let app: AppServer;
let url: string;
let token: string;

beforeAll(async () => {
  app = await startAppServer(files);
  const user = await new TestClient(app.server.url, "relations-app").logIn("anon-user");
  token = user.access_token;
  url = `${app.server.url}/api/client/v2.0/app/relations-app/graphql`;
});
afterAll(() => app.close());

async function answer(
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ data?: Record<string, unknown>; errors?: { message: string }[] }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  return (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
}

async function data(query: string, variables?: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data ?? {};
}

describe("relationships", () => {
  test("an unresolvable relationship (from a field the schema does not type) is listed at start", () => {
    expect(app.server.warnings).toContainEqual(
      expect.stringMatching(/relationships\.json: poster\.missing: the source field is not in the collection's schema with a GraphQL type/),
    );
  });

  test("create inserts the foreign documents and links them; link links existing ones; reads resolve both", async () => {
    await data(
      `mutation { insertManyStudios(data: [{ code: "WB", name: "Warner Bros." }, { code: "A24", name: "A24 Films" }]) { insertedIds } }`,
    );
    const inserted = await data(`mutation {
      insertOneFilm(data: {
        title: "Dune",
        studio: { link: "WB" },
        reviews: { create: [{ stars: 5, text: "epic", published: true }, { stars: 2, text: "long", published: true }] }
      }) { title studio { name } reviews { stars text } }
    }`);
    expect(inserted["insertOneFilm"]).toEqual({
      title: "Dune",
      studio: { name: "Warner Bros." },
      reviews: [
        { stars: 5, text: "epic" },
        { stars: 2, text: "long" },
      ],
    });
    const created = await data(
      `mutation { insertOneFilm(data: { title: "Past Lives", studio: { create: { code: "A24b", name: "A24 Bis" } } }) { studio { code } } }`,
    );
    expect(created["insertOneFilm"]).toEqual({ studio: { code: "A24b" } });
  });

  test("a write that fails leaves none of the documents its create inserted (one transaction)", async () => {
    const { film } = (await data(`{ film(query: { title: "Past Lives" }) { _id } }`)) as { film: { _id: string } };
    const failed = await answer(
      `mutation($id: ObjectId) { insertOneFilm(data: { _id: $id, title: "Twice", studio: { create: { code: "ORPHAN", name: "Orphan" } },
        reviews: { create: [{ stars: 1, text: "orphan", published: true }] } }) { title } }`,
      { id: film._id },
    );
    expect(failed.errors?.[0]?.message).toMatch(/duplicate key/);
    expect(await data(`{ studios(query: { code: "ORPHAN" }) { code } reviews(query: { text: "orphan" }) { text } }`)).toEqual({
      studios: [],
      reviews: [],
    });
    // without a failure, the created documents stay, and the answer reads them
    const made =
      await data(`mutation { upsertOneFilm(query: { title: "Once" }, data: { title: "Once", studio: { create: { code: "KEPT", name: "Kept" } } }) {
      studio { name } } }`);
    expect(made["upsertOneFilm"]).toEqual({ studio: { name: "Kept" } });
    await data(`mutation { deleteOneFilm(query: { title: "Once" }) { title } deleteOneStudio(query: { code: "KEPT" }) { code } }`);
  });

  test("a to-many field keeps the list's order and leaves out values without a document the user can read", async () => {
    const { reviews } = (await data(`{ reviews(sortBy: STARS_ASC) { _id stars } }`)) as { reviews: { _id: string; stars: number }[] };
    const hidden = (await data(`mutation { insertOneReview(data: { stars: 1, text: "draft", published: false }) { _id } }`))[
      "insertOneReview"
    ];
    expect(hidden).toBeNull(); // inserted, but not readable: the filter hides unpublished reviews
    const ids = [reviews[0]?._id, "5f3c2779796615b661fcdc25", reviews[1]?._id];
    const film = await data(
      `mutation($ids: [ObjectId]) { insertOneFilm(data: { title: "Heat", reviews: { link: $ids } }) { reviews { stars } } }`,
      { ids },
    );
    // the order of the list, not of the collection (5 was stored first)
    expect(film["insertOneFilm"]).toEqual({ reviews: [{ stars: 2 }, { stars: 5 }] });
  });

  test("QueryInput conditions on related documents", async () => {
    const titles = async (query: string): Promise<string[]> =>
      ((await data(`{ films(query: ${query}, sortBy: TITLE_ASC) { title } }`))["films"] as { title: string }[]).map((f) => f.title);
    expect(await titles(`{ studio: { name: "Warner Bros." } }`)).toEqual(["Dune"]);
    expect(await titles(`{ studio: { code_in: ["WB", "A24b"] } }`)).toEqual(["Dune", "Past Lives"]);
    expect(await titles(`{ reviews_in: [{ stars: 5 }] }`)).toEqual(["Dune", "Heat"]);
    expect(await titles(`{ reviews: [{ stars: 5 }, { stars: 2 }] }`)).toEqual(["Dune", "Heat"]);
    expect(await titles(`{ reviews_nin: [{ stars_gt: 1 }] }`)).toEqual(["Past Lives"]);
    expect(await titles(`{ studio_exists: false }`)).toEqual(["Heat"]);
  });

  test("an empty list of conditions on a to-many field matches an empty list", async () => {
    await data(`mutation { insertOneFilm(data: { title: "Empty", reviews: { link: [] } }) { title } }`);
    const films = (await data(`{ films(query: { reviews: [] }) { title } }`))["films"];
    expect(films).toEqual([{ title: "Empty" }]);
    await data(`mutation { deleteOneFilm(query: { title: "Empty" }) { title } }`);
  });

  test("a custom resolver gets a generated input as given: its create inserts nothing", async () => {
    const echoed = await data(`{ echoStudio(input: { title: "x", studio: { create: { code: "SIDE", name: "effect" } } }) }`);
    expect(JSON.parse(echoed["echoStudio"] as string)).toEqual({ create: { code: "SIDE", name: "effect" } });
    expect((await data(`{ studios(query: { code: "SIDE" }) { code } }`))["studios"]).toEqual([]);
  });

  test("a field named like an inherited property reads the document's own value only", async () => {
    const films = (
      await data(`query($q: FilmQueryInput) { films(query: $q, sortBy: TITLE_ASC) { title constructor } }`, {
        q: { constructor_exists: false },
      })
    )["films"];
    expect(films).toEqual([
      { title: "Dune", constructor: null },
      { title: "Heat", constructor: null },
      { title: "Past Lives", constructor: null },
    ]);
    expect((await data(`query($q: FilmQueryInput) { films(query: $q) { title } }`, { q: { constructor: "x" } }))["films"]).toEqual([]);
  });

  test("one to-one lookup per list, not per document; a request past 1000 data calls is stopped", async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ title: `Film ${i}`, studio: { link: i % 2 === 0 ? "WB" : "A24" } }));
    await data(`mutation($d: [FilmInsertInput!]!) { insertManyFilms(data: $d) { insertedIds } }`, { d: many });
    // 30 lists of 40 films with their studios: 30 finds and a few batched lookups (one lookup per
    // film would be 30 × 41 = 1230 data calls, past the bound)
    const aliases = Array.from(
      { length: 30 },
      (_, i) => `l${i}: films(query: { title_gte: "Film", title_lt: "G" }, limit: 40) { studio { code } }`,
    );
    const listed = await data(`{ ${aliases.join(" ")} }`);
    expect(listed["l29"]).toHaveLength(40);
    expect((listed["l0"] as { studio: { code: string } }[])[1]).toEqual({ studio: { code: "A24" } });
    const conditions = Array.from({ length: 1001 }, () => ({ studio: { name_exists: true } }));
    const stopped = await answer(`query($q: FilmQueryInput) { films(query: $q) { title } }`, { q: { AND: conditions } });
    expect(stopped.errors?.[0]?.message).toMatch(/more than 1000 data calls/);
    await data(`mutation { deleteManyFilms(query: { title_gte: "Film", title_lt: "G" }) { deletedCount } }`);
  });

  test("links match as MongoDB matches: an int links to a Decimal128 of the same value", async () => {
    await data(`mutation { insertOneRating(data: { level: 3, label: "PG" }) { level } }`);
    const film = await data(`mutation { insertOneFilm(data: { title: "Levels", level: { link: 3 } }) { level { label } } }`);
    expect(film["insertOneFilm"]).toEqual({ level: { label: "PG" } });
    expect((await data(`{ films(query: { level: { label: "PG" } }) { title } }`))["films"]).toEqual([{ title: "Levels" }]);
    await data(`mutation { deleteOneFilm(query: { title: "Levels" }) { title } }`);
  });

  test("an update links other documents; unset removes the link", async () => {
    const moved = await data(`mutation { updateOneFilm(query: { title: "Heat" }, set: { studio: { link: "A24" } }) { studio { name } } }`);
    expect(moved["updateOneFilm"]).toEqual({ studio: { name: "A24 Films" } });
    const unset = await data(`mutation { updateOneFilm(query: { title: "Heat" }, set: { studio_unset: true }) { studio { name } } }`);
    expect(unset["updateOneFilm"]).toEqual({ studio: null });
  });

  test("relationships from fields of embedded objects, and of the objects of a list (a.b, a.[].b)", async () => {
    const inserted = await data(`mutation {
      insertOneFilm(data: {
        title: "Credits",
        poster: { artist: { link: "WB" } },
        credits: [{ role: "distributor", studio: { link: "A24" } }, { role: "producer", studio: { create: { code: "NEW", name: "New Co" } } }]
      }) { poster { artist { name } } credits { role studio { name } } }
    }`);
    expect(inserted["insertOneFilm"]).toEqual({
      poster: { artist: { name: "Warner Bros." } },
      credits: [
        { role: "distributor", studio: { name: "A24 Films" } },
        { role: "producer", studio: { name: "New Co" } },
      ],
    });
    const titles = async (query: string): Promise<unknown> => (await data(`{ films(query: ${query}) { title } }`))["films"];
    expect(await titles(`{ poster: { artist: { name: "Warner Bros." } } }`)).toEqual([{ title: "Credits" }]);
    expect(await titles(`{ credits_in: [{ role: "producer", studio: { name: "New Co" } }] }`)).toEqual([{ title: "Credits" }]);
    expect(await titles(`{ credits_in: [{ role: "distributor", studio: { name: "New Co" } }] }`)).toEqual([]);
    const updated = await data(
      `mutation { updateOneFilm(query: { title: "Credits" }, set: { poster: { artist: { link: "A24" } } }) { poster { artist { code } } } }`,
    );
    expect(updated["updateOneFilm"]).toEqual({ poster: { artist: { code: "A24" } } });
    await data(`mutation { deleteOneFilm(query: { title: "Credits" }) { title } }`);
  });
});
