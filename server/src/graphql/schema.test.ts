import { printSchema } from "graphql";
import { describe, expect, test } from "vitest";
import { buildGraphqlApi, type GraphqlSpec } from "./schema.js";

// The SDL generated for the docs' Movie schema (App Services' "GraphQL Types, Resolvers, and Operators").
const MOVIE = {
  title: "Movie",
  required: ["_id", "title"],
  properties: {
    _id: { bsonType: "objectId" },
    title: { bsonType: "string" },
    year: { bsonType: "int" },
    rated: { bsonType: "string" },
    cast: { bsonType: "array", items: { bsonType: "string" } },
    watched: { bsonType: "bool" },
    views: { bsonType: "long" },
    poster: { bsonType: "binData" },
    awards: { bsonType: "array", items: { bsonType: "object", properties: { name: { bsonType: "string" } } } },
    studio: { bsonType: "string" },
  },
};

function spec(over: Partial<GraphqlSpec> = {}): GraphqlSpec {
  return {
    naturalPluralization: true,
    introspection: true,
    collections: [{ where: "movies/schema.json", service: "mongodb-atlas", database: "d", collection: "movies", raw: MOVIE }],
    relationships: [],
    customResolvers: [],
    ...over,
  };
}

function sdl(over: Partial<GraphqlSpec> = {}): string {
  const { schema } = buildGraphqlApi(spec(over));
  if (schema === undefined) throw new Error("no schema");
  return printSchema(schema);
}

describe("the generated schema", () => {
  const out = sdl();

  test("the document type: required fields non-null, types without a GraphQL equivalent left out", () => {
    expect(out).toContain(
      "type Movie {\n  _id: ObjectId!\n  title: String!\n  year: Int\n  rated: String\n  cast: [String]\n  watched: Boolean\n  views: Long\n  awards: [MovieAward]\n  studio: String\n}",
    );
  });

  test("the queries and mutations, with the docs' signatures", () => {
    expect(out).toContain("movie(query: MovieQueryInput): Movie");
    expect(out).toContain("movies(query: MovieQueryInput, limit: Int = 100, sortBy: MovieSortByInput): [Movie]!");
    for (const line of [
      "insertOneMovie(data: MovieInsertInput!): Movie",
      "insertManyMovies(data: [MovieInsertInput!]!): InsertManyPayload",
      "updateOneMovie(query: MovieQueryInput, set: MovieUpdateInput!): Movie",
      "updateManyMovies(query: MovieQueryInput, set: MovieUpdateInput!): UpdateManyPayload",
      "upsertOneMovie(query: MovieQueryInput, data: MovieInsertInput!): Movie",
      "replaceOneMovie(query: MovieQueryInput, data: MovieInsertInput!): Movie",
      "deleteOneMovie(query: MovieQueryInput!): Movie",
      "deleteManyMovies(query: MovieQueryInput): DeleteManyPayload",
    ]) {
      expect(out).toContain(line);
    }
    expect(out).toContain("type UpdateManyPayload {\n  matchedCount: Int!\n  modifiedCount: Int!\n}");
  });

  test("operators by type: comparisons for scalars, _ne only for booleans, _in/_nin for lists", () => {
    for (const field of [
      "year_gt: Int",
      "year_in: [Int]",
      "rated_lte: String",
      "watched_ne: Boolean",
      "cast_in: [String]",
      "awards_nin: [MovieAwardQueryInput]",
      "AND: [MovieQueryInput!]",
      "views_gte: Long",
    ]) {
      expect(out).toContain(`  ${field}\n`);
    }
    for (const absent of ["watched_gt", "watched_in", "cast_gt", "cast_ne", "poster"]) expect(out).not.toContain(`  ${absent}`);
  });

  test("insert, update and sort inputs", () => {
    // _id may be left out of an insert even when required
    expect(out).toMatch(/input MovieInsertInput \{\n {2}_id: ObjectId\n {2}title: String!/);
    for (const field of ["year_inc: Int", "year_unset: Boolean", "cast: [String]", "awards: [MovieAwardUpdateInput]"])
      expect(out).toContain(`  ${field}\n`);
    expect(out).not.toContain("views_inc");
    expect(out).toMatch(/enum MovieSortByInput \{\n {2}_ID_ASC\n {2}_ID_DESC\n {2}TITLE_ASC/);
    expect(out).not.toContain("CAST_ASC");
  });

  test("a relationship makes the field the foreign type, and its inputs a RelationInput", () => {
    const studio = {
      where: "studios/schema.json",
      service: "mongodb-atlas",
      database: "d",
      collection: "studios",
      raw: { title: "Studio", properties: { code: { bsonType: "string" } } },
    };
    const withRelation = buildGraphqlApi(
      spec({
        collections: [...spec().collections, studio],
        relationships: [
          {
            where: "movies/relationships.json",
            service: "mongodb-atlas",
            database: "d",
            collection: "movies",
            raw: {
              studio: { ref: "#/relationship/mongodb-atlas/d/studios", foreign_key: "code", is_list: false },
              cast: { ref: "#/relationship/mongodb-atlas/d/studios", foreign_key: "code", is_list: false },
              rated: { ref: "#/relationship/mongodb-atlas/d/ratings", foreign_key: "code", is_list: false },
            },
          },
        ],
      }),
    );
    const text = printSchema(withRelation.schema!);
    expect(text).toContain("  studio: Studio\n");
    expect(text).toContain("input MovieStudioRelationInput {\n  link: String\n  create: StudioInsertInput\n}");
    expect(text).toContain("  studio: StudioQueryInput\n");
    expect(withRelation.skipped).toEqual([
      "movies/relationships.json: cast: is_list is false but the source field is not a single value",
      "movies/relationships.json: rated: the foreign collection d.ratings has no schema with a GraphQL type",
    ]);
  });

  test("a relationship from a field of a titled embedded object applies to every object of that title", () => {
    const pet = { title: "Pet", properties: { name: { bsonType: "string" }, toy: { bsonType: "string" } } };
    const people = {
      where: "people/schema.json",
      service: "mongodb-atlas",
      database: "d",
      collection: "people",
      raw: { title: "Person", properties: { pet, formerPet: pet } },
    };
    const toys = {
      where: "toys/schema.json",
      service: "mongodb-atlas",
      database: "d",
      collection: "toys",
      raw: { title: "Toy", properties: { code: { bsonType: "string" } } },
    };
    const api = buildGraphqlApi(
      spec({
        collections: [people, toys],
        relationships: [
          {
            where: "people/relationships.json",
            service: "mongodb-atlas",
            database: "d",
            collection: "people",
            raw: { "pet.toy": { ref: "#/relationship/mongodb-atlas/d/toys", foreign_key: "code", is_list: false } },
          },
        ],
      }),
    );
    expect(api.skipped).toEqual([]);
    expect(printSchema(api.schema!)).toContain("type Pet {\n  name: String\n  toy: Toy\n}");
  });

  test("two collections whose types share a name: the second is listed and left out; a schema that only validates gives no type", () => {
    const twice = buildGraphqlApi(
      spec({
        collections: [
          ...spec().collections,
          {
            where: "films/schema.json",
            service: "mongodb-atlas",
            database: "d",
            collection: "films",
            raw: { title: "Movie", properties: { a: { bsonType: "int" } } },
          },
          { where: "logs/schema.json", service: "mongodb-atlas", database: "d", collection: "logs", raw: { bsonType: "object" } },
        ],
      }),
    );
    expect(twice.skipped).toEqual([
      "films/schema.json: another collection's type is already named Movie (set a distinct title): the collection is left out",
    ]);
    expect(buildGraphqlApi(spec({ collections: [] })).schema).toBeUndefined();
  });

  test("two different types of one name stop the start; one embedded title used twice with one shape is one type", () => {
    const clash = {
      where: "people/schema.json",
      service: "mongodb-atlas",
      database: "d",
      collection: "people",
      raw: { title: "MovieAward", properties: { age: { bsonType: "int" } } },
    };
    expect(() => buildGraphqlApi(spec({ collections: [...spec().collections, clash] }))).toThrow(
      /two different types are named MovieAward/,
    );
    // the same fields in another order, another required list, double for number: one GraphQL type
    const addresses = [
      { title: "Address", required: ["city"], properties: { city: { bsonType: "string" }, zip: { bsonType: "double" } } },
      { title: "Address", properties: { zip: { bsonType: "number" }, city: { bsonType: "string" } } },
    ];
    const shared = ["shops", "people"].map((collection, i) => ({
      where: `${collection}/schema.json`,
      service: "mongodb-atlas",
      database: "d",
      collection,
      raw: { properties: { name: { bsonType: "string" }, address: addresses[i] } },
    }));
    const text = printSchema(buildGraphqlApi(spec({ collections: shared })).schema!);
    expect(text).toContain("type Shop {\n  name: String\n  address: Address\n}");
    expect(text).toContain("type Person {\n  name: String\n  address: Address\n}");
  });

  test("custom resolvers: their types, and configuration errors that stop the start", () => {
    const resolver = {
      where: "r.json",
      onType: "Query",
      fieldName: "count",
      functionName: "count",
      payloadType: "int",
      payloadFormat: "scalar" as const,
    };
    expect(sdl({ customResolvers: [resolver] })).toContain("  count: Int\n");
    // one custom payload type for two resolvers
    const payload = { title: "Total", properties: { n: { bsonType: "int" } } };
    const two = sdl({
      customResolvers: [
        { ...resolver, payloadType: payload, payloadFormat: "custom" },
        { ...resolver, fieldName: "count2", payloadType: payload, payloadFormat: "custom" },
      ],
    });
    expect(two).toContain("  count2: Total\n");
    expect(sdl({ customResolvers: [{ ...resolver, payloadType: undefined, payloadFormat: undefined }] })).toContain(
      "  count: DefaultPayload\n",
    );
    expect(sdl({ customResolvers: [{ ...resolver, onType: "Movie", payloadType: "Movie", payloadFormat: "generated-list" }] })).toContain(
      "  count: [Movie]\n",
    );
    expect(() => buildGraphqlApi(spec({ customResolvers: [{ ...resolver, payloadType: "Nope", payloadFormat: "generated" }] }))).toThrow(
      /r\.json: no generated type Nope/,
    );
    expect(() => buildGraphqlApi(spec({ customResolvers: [{ ...resolver, payloadType: "uuid" }] }))).toThrow(/not a scalar type/);
    expect(() => buildGraphqlApi(spec({ customResolvers: [{ ...resolver, onType: "Nope" }] }))).toThrow(/on_type Nope/);
    expect(() =>
      buildGraphqlApi(
        spec({ customResolvers: [{ ...resolver, payloadType: { properties: { a: { bsonType: "int" } } }, payloadFormat: "custom" }] }),
      ),
    ).toThrow(/needs a title/);
    expect(() =>
      buildGraphqlApi(
        spec({
          customResolvers: [
            { ...resolver, payloadType: { title: "Movie", properties: { a: { bsonType: "int" } } }, payloadFormat: "custom" },
          ],
        }),
      ),
    ).toThrow(/two different types are named Movie/);
  });
});
