/**
 * The inputs of a relationship's field: in a `QueryInput`, conditions on the foreign documents
 * (matched as the caller reaches them, then turned into a condition on the source values); in an
 * `InsertInput` or `UpdateInput`, a `RelationInput` whose `link` gives the values and whose
 * `create` inserts foreign documents and links them (`create` wins over `link`).
 * @packageDocumentation
 */
import { isPlainObject, type Doc } from "../data/bsonValues.js";
import type { FieldModel, QueryOp, Relation } from "./model.js";
import { scalarToBson } from "./scalars.js";

/** The foreign documents, as the caller reaches them. */
export interface RelationIo {
  /** The foreign key values of the foreign documents that match a filter. */
  keys(relation: Relation, filter: Doc): Promise<unknown[]>;
  /** Inserts foreign documents (`InsertInput` objects) and returns their foreign key values. */
  create(relation: Relation, inputs: Record<string, unknown>[]): Promise<unknown[]>;
}

/**
 * The source value a `RelationInput` gives.
 * @param field - the relationship's field
 * @param value - the input (`{ link, create }`)
 * @param io - the foreign documents
 */
export async function relationValue(field: FieldModel, value: unknown, io: RelationIo): Promise<unknown> {
  const relation = field.relation;
  if (relation === undefined || !isPlainObject(value)) return null;
  const item = field.type.kind === "array" ? field.type.item : field.type;
  const create = value["create"];
  if (create !== undefined && create !== null) {
    const keys = await io.create(relation, (Array.isArray(create) ? create : [create]).filter(isPlainObject));
    return relation.isList ? keys : (keys[0] ?? null);
  }
  const link = value["link"];
  if (link === undefined || link === null || item.kind !== "scalar") return null;
  const one = (v: unknown): unknown => scalarToBson(v, item.bson);
  return relation.isList ? (Array.isArray(link) ? link : [link]).map(one) : one(link);
}

/**
 * A relationship field's condition of a `QueryInput`: the foreign documents matching the given
 * conditions are looked up, and the source field must hold (`eq`, `in`) or not hold (`nin`) their
 * foreign key values. A to-many field's own name lists conditions that each some linked document
 * must meet.
 * @param path - the source field
 * @param relation - the relationship
 * @param op - `eq`, `in` or `nin`
 * @param value - the foreign type's `QueryInput`, or a list of them (to-many)
 * @param io - the foreign documents
 * @param subFilter - turns a foreign `QueryInput` into a filter
 */
export async function relationClause(
  path: string,
  relation: Relation,
  op: QueryOp,
  value: unknown,
  io: RelationIo,
  subFilter: (input: Record<string, unknown>) => Promise<Doc>,
): Promise<Doc> {
  if (value === null) return { [path]: null };
  const queries = (Array.isArray(value) ? value : [value]).filter(isPlainObject);
  const keysOf = async (qs: Record<string, unknown>[]): Promise<unknown[]> => {
    const filters: Doc[] = [];
    for (const q of qs) filters.push(await subFilter(q));
    return io.keys(relation, filters.length === 1 ? (filters[0] as Doc) : { $or: filters });
  };
  if (op === "eq") {
    if (queries.length === 0) return { [path]: [] };
    const each: Doc[] = [];
    for (const q of queries) each.push({ [path]: { $in: await keysOf([q]) } });
    return each.length === 1 ? (each[0] as Doc) : { $and: each };
  }
  const keys = queries.length === 0 ? [] : await keysOf(queries);
  return { [path]: { [op === "nin" ? "$nin" : "$in"]: keys } };
}
