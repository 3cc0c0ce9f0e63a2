import { describe, expect, test } from "vitest";
import { collectionNames, embeddedTypeName, graphqlFieldName, plural, sortValues } from "./names.js";

describe("generated names", () => {
  test("a collection's type is its title (or name) in the singular; the queries and mutations follow", () => {
    expect(collectionNames("movies", true)).toEqual({ type: "Movie", one: "movie", many: "movies", manyType: "Movies" });
    // the docs' example: laboratory.mice titled Mouse
    expect(collectionNames("Mouse", true)).toMatchObject({ one: "mouse", many: "mice" });
    expect(collectionNames("person", true)).toMatchObject({ type: "Person", many: "people" });
    // a plural that equals its singular gets an "s"; without natural pluralization, always
    expect(collectionNames("Taxa", true)).toMatchObject({ type: "Taxa", many: "taxas", manyType: "Taxas" });
    expect(collectionNames("Mouse", false)).toMatchObject({ many: "mouses" });
    expect(collectionNames("History_incident", true)).toMatchObject({ one: "history_incident", many: "history_incidents" });
    expect(collectionNames("__x", true)).toBeUndefined();
  });

  test("field names become GraphQL names; __-prefixed ones are left out", () => {
    expect(graphqlFieldName("first-name")).toBe("firstName");
    expect(graphqlFieldName("2fa enabled")).toBe("faEnabled");
    expect(graphqlFieldName("ok_name")).toBe("ok_name");
    expect(graphqlFieldName("__secret")).toBeUndefined();
    expect(graphqlFieldName("é")).toBeUndefined();
  });

  test("embedded types: the parent's name and the field's in the singular, or the embedded schema's title", () => {
    expect(embeddedTypeName("Taxa", "dummy_fields", undefined)).toBe("TaxaDummy_field");
    expect(embeddedTypeName("Report", "embedding", undefined)).toBe("ReportEmbedding");
    expect(embeddedTypeName("Movie", "director", "person")).toBe("Person");
    expect(plural("Status", true)).toBe("Statuses");
    expect(sortValues("userId")).toEqual({ asc: "USERID_ASC", desc: "USERID_DESC" });
    expect(sortValues("_id")).toEqual({ asc: "_ID_ASC", desc: "_ID_DESC" });
  });
});
