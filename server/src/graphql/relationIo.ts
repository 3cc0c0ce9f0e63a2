/**
 * A relationship's foreign documents, read and written through the MongoDB service as the
 * request's user (the foreign collection's rules apply): the documents a field links to, the
 * foreign key values of documents matching a filter, and new documents a `create` inserts.
 * @packageDocumentation
 */
import { idKey, type Doc } from "../data/bsonValues.js";
import type { GraphqlContext } from "./context.js";
import { toDocument } from "./convert.js";
import type { Relation } from "./model.js";
import type { RelationIo } from "./relationInputs.js";

function call(ctx: GraphqlContext, relation: Relation, method: string, args: Doc): Promise<unknown> {
  const { service, database, collection } = relation.target;
  return ctx.mongo.call(service, method, [{ database, collection, ...args }], ctx.caller);
}

/**
 * The documents a relationship field links to: the one whose foreign key equals the value
 * (to-one), or those whose foreign key is in the list, in the list's order, values without a
 * document left out (to-many).
 * @param relation - the relationship
 * @param value - the source field's value
 * @param ctx - the request
 */
export async function linkedDocuments(relation: Relation, value: unknown, ctx: GraphqlContext): Promise<unknown> {
  const fk = relation.foreignKey;
  if (!relation.isList) return value === undefined || value === null ? null : call(ctx, relation, "findOne", { query: { [fk]: value } });
  if (!Array.isArray(value)) return null;
  const docs = (await call(ctx, relation, "find", { query: { [fk]: { $in: value } } })) as Doc[];
  const byKey = new Map<string, Doc[]>();
  for (const doc of docs) {
    const key = idKey(doc[fk]);
    byKey.set(key, [...(byKey.get(key) ?? []), doc]);
  }
  const out: Doc[] = [];
  for (const key of new Set(value.map((v) => idKey(v)))) out.push(...(byKey.get(key) ?? []));
  return out;
}

/**
 * The relationship inputs' access to the foreign documents, for one request.
 * @param ctx - the request
 */
export function relationIo(ctx: GraphqlContext): RelationIo {
  const io: RelationIo = {
    async keys(relation, filter) {
      const fk = relation.foreignKey;
      const docs = (await call(ctx, relation, "find", { query: filter, project: { [fk]: 1 } })) as Doc[];
      return docs.map((d) => d[fk]).filter((v) => v !== undefined);
    },
    async create(relation, inputs) {
      if (inputs.length === 0) return [];
      const docs: Doc[] = [];
      for (const input of inputs) docs.push(await toDocument(input, relation.target.model, io));
      const { insertedIds } = (await call(ctx, relation, "insertMany", { documents: docs })) as { insertedIds: unknown[] };
      const fk = relation.foreignKey;
      return fk === "_id" ? insertedIds : docs.map((d) => d[fk] ?? null);
    },
  };
  return io;
}
