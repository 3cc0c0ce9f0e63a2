/**
 * The shape of a collection's documents as the GraphQL API sees it, read from its JSON schema: each
 * field that has a GraphQL equivalent, with its GraphQL name, its name in the document, whether the
 * schema requires it, and its type (a scalar, an embedded object, or an array of either). Fields of
 * a type with no GraphQL equivalent (binary data, UUIDs, untyped or mixed values, objects without
 * `properties`, arrays of arrays) are left out, as App Services leaves them out.
 * @packageDocumentation
 */
import { isPlainObject } from "../data/bsonValues.js";
import { embeddedTypeName, graphqlFieldName } from "./names.js";

/** The BSON types that have a GraphQL scalar. */
export type ScalarKind = "objectId" | "bool" | "string" | "int" | "long" | "double" | "decimal" | "number" | "date" | "timestamp";

/** A scalar or an embedded object. */
export type ItemType = { kind: "scalar"; bson: ScalarKind } | { kind: "object"; model: ObjectModel };

/** A field's type. */
export type FieldType = ItemType | { kind: "array"; item: ItemType };

/** A field of a document type. */
export interface FieldModel {
  /** Its GraphQL name. */
  name: string;
  /** Its name in the document. */
  key: string;
  /** In the schema's `required`. */
  required: boolean;
  type: FieldType;
  /** The relationship (`relationships.json`) this field's values point along, if any. */
  relation?: Relation | undefined;
}

/** A collection exposed through the GraphQL API, with its document model. */
export interface CollectionRef {
  /** The data source (MongoDB service) name. */
  service: string;
  database: string;
  collection: string;
  model: ObjectModel;
}

/** A relationship from a field of one collection to the documents of another. */
export interface Relation {
  target: CollectionRef;
  /** The foreign collection's field that the source values equal. */
  foreignKey: string;
  /** To-many: the source field holds a list of values. */
  isList: boolean;
}

/** A document type: a collection's, an embedded object's, or a custom resolver's. */
export interface ObjectModel {
  /** The GraphQL type's name (its input types add `QueryInput`, `InsertInput`, `UpdateInput`). */
  name: string;
  fields: FieldModel[];
}

const SCALARS: Record<string, ScalarKind> = {
  objectId: "objectId",
  bool: "bool",
  boolean: "bool",
  string: "string",
  int: "int",
  integer: "int",
  long: "long",
  double: "double",
  decimal: "decimal",
  number: "number",
  date: "date",
  timestamp: "timestamp",
};

/** The one type a schema names (`bsonType` or `type`, `null` aside), or undefined. */
export function schemaTypeName(schema: Record<string, unknown>): string | undefined {
  const declared = schema["bsonType"] ?? schema["type"];
  const names = (Array.isArray(declared) ? declared : [declared]).filter((n): n is string => typeof n === "string" && n !== "null");
  if (names.length === 1) return names[0];
  // `number` and `integer` (JSON Schema's) together mean a number
  if (names.length === 2 && names.includes("number") && names.includes("integer")) return "number";
  if (names.length === 0 && isPlainObject(schema["properties"])) return "object";
  return undefined;
}

/** The scalar kind of a BSON or JSON type name, or undefined. */
export function scalarKind(typeName: string): ScalarKind | undefined {
  return Object.prototype.hasOwnProperty.call(SCALARS, typeName) ? SCALARS[typeName] : undefined;
}

function itemType(schema: unknown, parent: string, field: string): ItemType | undefined {
  if (!isPlainObject(schema)) return undefined;
  const typeName = schemaTypeName(schema);
  if (typeName === undefined) return undefined;
  if (typeName === "object") {
    const title = typeof schema["title"] === "string" ? schema["title"] : undefined;
    const name = embeddedTypeName(parent, field, title);
    if (name === undefined) return undefined;
    const model = objectModel(schema, name);
    return model === undefined ? undefined : { kind: "object", model };
  }
  const bson = scalarKind(typeName);
  return bson === undefined ? undefined : { kind: "scalar", bson };
}

function fieldType(schema: unknown, parent: string, field: string): FieldType | undefined {
  if (isPlainObject(schema) && schemaTypeName(schema) === "array") {
    const items = schema["items"];
    if (isPlainObject(items) && schemaTypeName(items) === "array") return undefined;
    const item = itemType(items, parent, field);
    return item === undefined ? undefined : { kind: "array", item };
  }
  return itemType(schema, parent, field);
}

/**
 * The model of an object schema.
 * @param schema - a JSON schema of an object (its `properties` and `required`)
 * @param name - the GraphQL type's name
 * @returns the model, or undefined when no property has a GraphQL equivalent
 */
export function objectModel(schema: Record<string, unknown>, name: string): ObjectModel | undefined {
  const properties = schema["properties"];
  if (!isPlainObject(properties)) return undefined;
  const required = new Set(Array.isArray(schema["required"]) ? schema["required"].filter((k) => typeof k === "string") : []);
  const fields: FieldModel[] = [];
  const taken = new Set<string>();
  for (const [key, sub] of Object.entries(properties)) {
    const gql = graphqlFieldName(key);
    if (gql === undefined || taken.has(gql) || gql === "AND" || gql === "OR") continue;
    const type = fieldType(sub, name, gql);
    if (type === undefined) continue;
    taken.add(gql);
    fields.push({ name: gql, key, required: required.has(key), type });
  }
  return fields.length === 0 ? undefined : { name, fields };
}

/** The scalar fields at the top of a model (the ones `sortBy` can name). */
export function sortableFields(model: ObjectModel): FieldModel[] {
  return model.fields.filter((f) => f.type.kind === "scalar");
}

/** A `QueryInput` field's condition. */
export type QueryOp = "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "in" | "nin" | "exists";

/** An `UpdateInput` field's change. */
export type UpdateOp = "set" | "unset" | "inc";

/** The operators each field type has, in the `QueryInput` (`eq` is the field's own name). */
function queryOpsOf(type: FieldType, relation: Relation | undefined): QueryOp[] {
  if (relation !== undefined) return relation.isList ? ["eq", "in", "nin", "exists"] : ["eq", "exists"];
  if (type.kind === "array") return ["eq", "in", "nin", "exists"];
  if (type.kind === "object") return ["eq", "exists"];
  if (type.bson === "bool") return ["eq", "ne", "exists"];
  return ["eq", "ne", "in", "nin", "gt", "gte", "lt", "lte", "exists"];
}

const INCREMENTABLE: ReadonlySet<ScalarKind> = new Set(["int", "double", "decimal", "number"]);

function updateOpsOf(type: FieldType, relation: Relation | undefined): UpdateOp[] {
  return relation === undefined && type.kind === "scalar" && INCREMENTABLE.has(type.bson) ? ["set", "unset", "inc"] : ["set", "unset"];
}

/** An input field and what it means. */
export interface InputOperator<Op> {
  field: FieldModel;
  op: Op;
}

function operatorTable<Op extends string>(
  model: ObjectModel,
  opsOf: (t: FieldType, r: Relation | undefined) => Op[],
  own: Op,
): Map<string, InputOperator<Op>> {
  const table = new Map<string, InputOperator<Op>>();
  // the fields' own names first: an operator name that equals a field's name is left out
  for (const field of model.fields) table.set(field.name, { field, op: own });
  for (const field of model.fields) {
    for (const op of opsOf(field.type, field.relation)) {
      const name = `${field.name}_${op}`;
      if (op !== own && !table.has(name) && name !== "AND" && name !== "OR") table.set(name, { field, op });
    }
  }
  return table;
}

const queryTables = new WeakMap<ObjectModel, Map<string, InputOperator<QueryOp>>>();
const updateTables = new WeakMap<ObjectModel, Map<string, InputOperator<UpdateOp>>>();

/** The fields of a model's `QueryInput` (besides `AND` and `OR`), by name. */
export function queryOperators(model: ObjectModel): Map<string, InputOperator<QueryOp>> {
  let table = queryTables.get(model);
  if (table === undefined) queryTables.set(model, (table = operatorTable(model, queryOpsOf, "eq")));
  return table;
}

/** The fields of a model's `UpdateInput`, by name. */
export function updateOperators(model: ObjectModel): Map<string, InputOperator<UpdateOp>> {
  let table = updateTables.get(model);
  if (table === undefined) updateTables.set(model, (table = operatorTable(model, updateOpsOf, "set")));
  return table;
}
