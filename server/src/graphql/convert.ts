/**
 * GraphQL input values to MongoDB: an `InsertInput` to a document whose values have the BSON types
 * of the schema (a `Float` of a `double` field is stored as a double, of a `decimal` field as a
 * Decimal128), a `QueryInput` to a filter, an `UpdateInput` to an update document.
 * @packageDocumentation
 */
import { GraphQLError } from "graphql";
import { defineOwn, isPlainObject, type Doc } from "../data/bsonValues.js";
import { queryOperators, updateOperators, type FieldType, type ItemType, type ObjectModel } from "./model.js";
import { relationClause, relationValue, type RelationIo } from "./relationInputs.js";
import { scalarToBson } from "./scalars.js";

function itemToBson(value: unknown, item: ItemType): unknown {
  if (item.kind === "scalar") return scalarToBson(value, item.bson);
  return isPlainObject(value) ? plainDocument(value, item.model) : null;
}

/**
 * A value of a field's input type as the BSON value stored.
 * @param value - the input value (scalars already parsed)
 * @param type - the field's type
 */
export function toBson(value: unknown, type: FieldType): unknown {
  if (value === null || value === undefined) return null;
  if (type.kind === "array") return Array.isArray(value) ? value.map((v) => itemToBson(v, type.item)) : [itemToBson(value, type.item)];
  return itemToBson(value, type);
}

/**
 * An input object as a document, without writing anything: an embedded object, a custom input, or
 * a generated input a custom resolver gets (a relationship's input is passed on as given).
 * @param input - the input object, keyed by GraphQL names
 * @param model - its model
 */
export function plainDocument(input: Record<string, unknown>, model: ObjectModel): Doc {
  const doc: Doc = {};
  for (const field of model.fields) {
    if (!Object.prototype.hasOwnProperty.call(input, field.name)) continue;
    const value = input[field.name];
    defineOwn(doc, field.key, field.relation === undefined ? toBson(value, field.type) : value);
  }
  return doc;
}

/**
 * An `InsertInput` as a document; a relationship's input (`link` or `create`) gives the foreign
 * key values, `create` inserting the foreign documents first.
 * @param input - the input object, keyed by GraphQL names
 * @param model - its model
 * @param io - the foreign documents, as the caller reaches them
 */
export async function toDocument(input: Record<string, unknown>, model: ObjectModel, io: RelationIo): Promise<Doc> {
  const doc: Doc = {};
  for (const field of model.fields) {
    if (!Object.prototype.hasOwnProperty.call(input, field.name)) continue;
    const value = input[field.name];
    defineOwn(
      doc,
      field.key,
      field.relation === undefined ? await linkedBson(value, field.type, io) : await relationValue(field, value, io),
    );
  }
  return doc;
}

/** {@link toBson}, with the relationships of embedded objects' fields resolved (their `create` run). */
async function linkedBson(value: unknown, type: FieldType, io: RelationIo): Promise<unknown> {
  const item = type.kind === "array" ? type.item : type;
  if (item.kind === "scalar" || value === null || value === undefined) return toBson(value, type);
  const one = (v: unknown): Promise<unknown> | null => (isPlainObject(v) ? toDocument(v, item.model, io) : null);
  if (type.kind !== "array") return one(value);
  const out: unknown[] = [];
  for (const v of Array.isArray(value) ? value : [value]) out.push(await one(v));
  return out;
}

function userError(message: string): GraphQLError {
  return new GraphQLError(message);
}

function one(clauses: Doc[]): Doc {
  if (clauses.length === 0) return {};
  if (clauses.length === 1) return clauses[0] as Doc;
  return { $and: clauses };
}

function condition(path: string, test: unknown): Doc {
  const clause: Doc = {};
  defineOwn(clause, path, test);
  return clause;
}

async function objectList(value: unknown, model: ObjectModel, io: RelationIo): Promise<Doc[]> {
  const out: Doc[] = [];
  for (const q of (Array.isArray(value) ? value : [value]).filter(isPlainObject)) out.push(await toFilter(q, model, io));
  return out;
}

async function fieldClause(path: string, type: FieldType, op: string, value: unknown, io: RelationIo): Promise<Doc> {
  // "the field is not null" (App Services' definition): a null or missing value does not exist
  if (op === "exists") return condition(path, value === true ? { $ne: null } : null);
  if (type.kind === "object") {
    if (!isPlainObject(value)) return condition(path, null);
    return toFilter(value, type.model, io, `${path}.`);
  }
  if (type.kind === "array" && type.item.kind === "object") {
    const queries = await objectList(value, type.item.model, io);
    if (value === null) return condition(path, null);
    if (op === "eq") return queries.length === 0 ? condition(path, []) : one(queries.map((q) => condition(path, { $elemMatch: q })));
    const any = { $elemMatch: queries.length === 1 ? queries[0] : { $or: queries } };
    // an empty list: `_in` matches nothing (`$expr` is for system users only), `_nin` everything
    if (queries.length === 0) return op === "in" ? condition(path, { $in: [] }) : {};
    return condition(path, op === "in" ? any : { $not: any });
  }
  const item = type.kind === "array" ? type.item : type;
  if (item.kind !== "scalar") return {};
  const kind = item.bson;
  if (op === "in" || op === "nin") {
    const list = Array.isArray(value) ? value : [value];
    return condition(path, { [`$${op}`]: list.map((v) => scalarToBson(v, kind)) });
  }
  const bson = type.kind === "array" ? toBson(value, type) : scalarToBson(value, kind);
  return condition(path, op === "eq" ? bson : { [`$${op}`]: bson });
}

/**
 * A `QueryInput` as a MongoDB filter: a field's own name matches by equality, `_ne _gt _gte _lt
 * _lte _in _nin _exists` as their MongoDB operators, an embedded object's input matches its
 * fields, `AND` and `OR` combine inputs.
 * @param input - the input object, keyed by GraphQL names
 * @param model - its model
 * @param prefix - the path of the embedded object it describes, with a trailing dot
 * @throws GraphQLError for an empty `OR`
 */
export async function toFilter(input: Record<string, unknown>, model: ObjectModel, io: RelationIo, prefix = ""): Promise<Doc> {
  const table = queryOperators(model);
  const clauses: Doc[] = [];
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (name === "AND" || name === "OR") {
      const parts: Doc[] = [];
      for (const q of (Array.isArray(value) ? value : [value]).filter(isPlainObject)) parts.push(await toFilter(q, model, io, prefix));
      if (name === "OR" && parts.length === 0) throw userError("OR needs at least one query");
      if (parts.length > 0) clauses.push({ [name === "AND" ? "$and" : "$or"]: parts });
      continue;
    }
    const entry = table.get(name);
    if (entry === undefined) continue;
    const path = `${prefix}${entry.field.key}`;
    const { field, op } = entry;
    clauses.push(
      field.relation !== undefined && op !== "exists"
        ? await relationClause(path, field.relation, op, value, io, (q) => toFilter(q, field.relation?.target.model ?? model, io))
        : await fieldClause(path, field.type, op, value, io),
    );
  }
  return one(clauses);
}

/**
 * An `UpdateInput` as an update document: new values under `$set` (an embedded object's input sets
 * its fields one by one), `_unset: true` under `$unset`, `_inc` under `$inc`.
 * @param input - the input object, keyed by GraphQL names
 * @param model - its model
 * @throws GraphQLError when it changes nothing
 */
export async function toUpdate(input: Record<string, unknown>, model: ObjectModel, io: RelationIo): Promise<Doc> {
  const update: { $set: Doc; $unset: Doc; $inc: Doc } = { $set: {}, $unset: {}, $inc: {} };
  await collectUpdate(input, model, "", update, io);
  const out: Doc = {};
  for (const [op, fields] of Object.entries(update)) if (Object.keys(fields).length > 0) out[op] = fields;
  if (Object.keys(out).length === 0) throw userError("the update input sets, unsets or increments no field");
  return out;
}

async function collectUpdate(
  input: Record<string, unknown>,
  model: ObjectModel,
  prefix: string,
  update: Record<"$set" | "$unset" | "$inc", Doc>,
  io: RelationIo,
): Promise<void> {
  const table = updateOperators(model);
  for (const [name, value] of Object.entries(input)) {
    const entry = table.get(name);
    if (entry === undefined || value === undefined) continue;
    const path = `${prefix}${entry.field.key}`;
    const { type } = entry.field;
    if (entry.op === "unset") {
      if (value === true) defineOwn(update.$unset, path, "");
    } else if (entry.op === "inc") {
      if (value !== null) defineOwn(update.$inc, path, toBson(value, type));
    } else if (entry.field.relation !== undefined && value !== null) {
      // the new values (from `link`, or from the foreign documents `create` inserts)
      defineOwn(update.$set, path, await relationValue(entry.field, value, io));
    } else if (type.kind === "object" && isPlainObject(value)) {
      await collectUpdate(value, type.model, `${path}.`, update, io);
    } else {
      defineOwn(update.$set, path, await linkedBson(value, type, io));
    }
  }
}
