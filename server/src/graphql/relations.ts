/**
 * Relationships (`data_sources/<source>/<db>/<collection>/relationships.json`): a field of a
 * collection whose values are values of a field (`foreign_key`) of another collection's documents.
 * The GraphQL API resolves such a field to the foreign documents, filters by them, and writes it
 * from a `link` (the values) or a `create` (new foreign documents). The source field may be a field
 * of an embedded object (`a.b`) or of the objects of a list (`a.[].b`).
 * @packageDocumentation
 */
import { isPlainObject } from "../data/bsonValues.js";
import type { CollectionRef, FieldModel, ObjectModel } from "./model.js";

/** A relationships file as read from an app directory. */
export interface RelationshipFile {
  /** The file, for messages. */
  where: string;
  /** The data source (MongoDB service) name. */
  service: string;
  database: string;
  collection: string;
  /** Its parsed JSON. */
  raw: unknown;
}

const REF = /^#\/relationship\/([^/]+)\/([^/]+)\/([^/]+)$/;

function keyOf(ref: { service: string; database: string; collection: string }): string {
  return `${ref.service}/${ref.database}/${ref.collection}`;
}

function sameKind(a: FieldModel, b: FieldModel): boolean {
  const item = (f: FieldModel): string => (f.type.kind === "array" ? `[${f.type.item.kind}]` : f.type.kind);
  return item(a) === item(b);
}

/** Each embedded object's field, with the fields of the same key in the other embedded objects of its type's name. */
function sameNamedFields(collections: readonly CollectionRef[]): Map<FieldModel, FieldModel[]> {
  const byName = new Map<string, ObjectModel[]>();
  const visit = (model: ObjectModel, embedded: boolean): void => {
    if (embedded) byName.set(model.name, [...(byName.get(model.name) ?? []), model]);
    for (const field of model.fields) {
      const item = field.type.kind === "array" ? field.type.item : field.type;
      if (item.kind === "object") visit(item.model, true);
    }
  };
  for (const c of collections) visit(c.model, false);
  const twins = new Map<FieldModel, FieldModel[]>();
  for (const models of byName.values()) {
    for (const model of models) {
      for (const field of model.fields) {
        const others = models.filter((m) => m !== model).flatMap((m) => m.fields.filter((f) => f.key === field.key));
        if (others.length > 0) twins.set(field, others);
      }
    }
  }
  return twins;
}

/**
 * The field a relationship's path names: a top-level field, a field of an embedded object
 * (`pet.toy`), or of the objects of a list (`pets.[].toy`).
 */
function fieldAt(model: ObjectModel, path: string): FieldModel | undefined {
  const steps = path.split(".");
  let current: ObjectModel | undefined = model;
  let field: FieldModel | undefined;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step === "[]") {
      // through a list of embedded objects (a list of values cannot go on)
      if (i === steps.length - 1 || field?.type.kind !== "array" || field.type.item.kind !== "object") return undefined;
      current = field.type.item.model;
      continue;
    }
    if (current === undefined) return undefined;
    field = current.fields.find((f) => f.key === step);
    if (field === undefined) return undefined;
    current = field.type.kind === "object" ? field.type.model : undefined;
  }
  return field;
}

function problem(
  field: FieldModel | undefined,
  path: string,
  entry: Record<string, unknown>,
  byName: Map<string, CollectionRef>,
): string | undefined {
  const ref = typeof entry["ref"] === "string" ? REF.exec(entry["ref"]) : null;
  if (ref === null) return `ref must be "#/relationship/<data source>/<db>/<collection>"`;
  if (typeof entry["foreign_key"] !== "string" || entry["foreign_key"] === "") return "foreign_key must name a field";
  if (path === "_id") return "the source field cannot be _id";
  if (field === undefined) return "the source field is not in the collection's schema with a GraphQL type";
  const [, service = "", database = "", collection = ""] = ref;
  if (!byName.has(keyOf({ service, database, collection })))
    return `the foreign collection ${database}.${collection} has no schema with a GraphQL type`;
  const isList = entry["is_list"] === true;
  const shape = field.type.kind === "array" ? field.type.item.kind : field.type.kind === "scalar" ? "one" : "object";
  if (isList ? shape !== "scalar" : shape !== "one")
    return `is_list is ${String(isList)} but the source field is ${isList ? "not a list of values" : "not a single value"}`;
  return undefined;
}

/**
 * Attaches the relationships to the fields of the collections' models (before any GraphQL type is
 * made from them).
 * @param files - the relationships files
 * @param collections - the collections the GraphQL API exposes
 * @returns a line per relationship (or file) left unresolved, with the reason
 */
export function attachRelations(files: readonly RelationshipFile[], collections: readonly CollectionRef[]): string[] {
  const byName = new Map(collections.map((c) => [keyOf(c), c]));
  const twins = sameNamedFields(collections);
  const unresolved: string[] = [];
  for (const file of files) {
    if (!isPlainObject(file.raw)) continue;
    const source = byName.get(keyOf(file));
    for (const [path, entry] of Object.entries(file.raw)) {
      if (source === undefined) {
        unresolved.push(`${file.where}: ${path}: the collection has no schema with a GraphQL type`);
        continue;
      }
      if (!isPlainObject(entry)) {
        unresolved.push(`${file.where}: ${path}: not an object`);
        continue;
      }
      const field = fieldAt(source.model, path);
      const why = problem(field, path, entry, byName);
      if (why !== undefined || field === undefined) {
        unresolved.push(`${file.where}: ${path}: ${why ?? "no field"}`);
        continue;
      }
      const [, service = "", database = "", collection = ""] = REF.exec(entry["ref"] as string) ?? [];
      const target = byName.get(keyOf({ service, database, collection }));
      if (target === undefined) continue;
      const relation = { target, foreignKey: entry["foreign_key"] as string, isList: entry["is_list"] === true };
      field.relation = relation;
      // an embedded object's type is one GraphQL type for every object of its title: the field is
      // a relationship in each of them
      if (path.includes(".")) for (const twin of twins.get(field) ?? []) if (sameKind(twin, field)) twin.relation = relation;
    }
  }
  return unresolved;
}
