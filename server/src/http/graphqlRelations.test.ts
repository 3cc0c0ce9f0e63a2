import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ATLAS } from "../../test/appDir.js";
import { startAppServer, type AppServer } from "../../test/appServer.js";
import { TestClient } from "../../test/testClient.js";

// Relationships (App Services' "Relationships"): a to-one field (a studio's code) and a to-many
// field (review ids), resolved, filtered on and written through the GraphQL API.
const everyone = (database: string, collection: string): Record<string, unknown> => ({
  database,
  collection,
  roles: [{ name: "all", apply_when: {}, read: true, write: true, insert: true, delete: true }],
});
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
    },
  },
  "data_sources/mongodb-atlas/cinema/films/relationships.json": {
    studio: { ref: "#/relationship/mongodb-atlas/cinema/studios", foreign_key: "code", is_list: false },
    reviews: { ref: "#/relationship/mongodb-atlas/cinema/reviews", foreign_key: "_id", is_list: true },
    "poster.artist": { ref: "#/relationship/mongodb-atlas/cinema/studios", foreign_key: "code", is_list: false },
  },
  "data_sources/mongodb-atlas/cinema/studios/rules.json": everyone("cinema", "studios"),
  "data_sources/mongodb-atlas/cinema/studios/schema.json": {
    title: "Studio",
    properties: { _id: { bsonType: "objectId" }, code: { bsonType: "string" }, name: { bsonType: "string" } },
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
  test("an unresolvable relationship (from an embedded object's field) is listed at start", () => {
    expect(app.server.warnings).toContainEqual(
      expect.stringMatching(/relationships\.json: poster\.artist: a relationship from a field of an embedded object is not resolved/),
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

  test("an update links other documents; unset removes the link", async () => {
    const moved = await data(`mutation { updateOneFilm(query: { title: "Heat" }, set: { studio: { link: "A24" } }) { studio { name } } }`);
    expect(moved["updateOneFilm"]).toEqual({ studio: { name: "A24 Films" } });
    const unset = await data(`mutation { updateOneFilm(query: { title: "Heat" }, set: { studio_unset: true }) { studio { name } } }`);
    expect(unset["updateOneFilm"]).toEqual({ studio: null });
  });
});
