/**
 * A relationship's foreign documents, read and written through the MongoDB service as the
 * request's user (the foreign collection's rules apply): the documents a field links to (the
 * lookups of all documents of one list resolved in one query), the foreign key values of documents
 * matching a filter, and new documents a `create` inserts.
 * @packageDocumentation
 */
import { GraphQLError } from "graphql";
import { idKey, type Doc } from "../data/bsonValues.js";
import { MAX_RELATED_KEYS, spend } from "./budget.js";
import type { GraphqlContext } from "./context.js";
import { toDocument } from "./convert.js";
import type { Relation } from "./model.js";
import type { RelationIo } from "./relationInputs.js";

function call(ctx: GraphqlContext, relation: Relation, method: string, args: Doc): Promise<unknown> {
  spend(ctx);
  const { service, database, collection } = relation.target;
  return ctx.mongo.call(service, method, [{ database, collection, ...args }], ctx.caller);
}

/** The lookups of one relationship waiting for the next turn of the event loop, per request. */
interface Batch {
  values: unknown[];
  docs: Promise<Map<string, Doc[]>>;
}

const batches = new WeakMap<GraphqlContext, Map<string, Batch>>();

/** The foreign documents of the given values, grouped by value; lookups made in one turn share one query. */
function lookUp(ctx: GraphqlContext, relation: Relation, values: unknown[]): Promise<Map<string, Doc[]>> {
  let open = batches.get(ctx);
  if (open === undefined) batches.set(ctx, (open = new Map<string, Batch>()));
  const { service, database, collection } = relation.target;
  const key = `${service}\u0000${database}\u0000${collection}\u0000${relation.foreignKey}`;
  let batch = open.get(key);
  if (batch === undefined) {
    const created: Batch = { values: [], docs: Promise.resolve(new Map<string, Doc[]>()) };
    created.docs = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      open.delete(key);
      const unique = new Map(created.values.map((v) => [idKey(v), v]));
      const fk = relation.foreignKey;
      const docs = (await call(ctx, relation, "find", { query: { [fk]: { $in: [...unique.values()] } } })) as Doc[];
      const byKey = new Map<string, Doc[]>();
      for (const doc of docs) {
        const k = idKey(doc[fk]);
        byKey.set(k, [...(byKey.get(k) ?? []), doc]);
      }
      return byKey;
    });
    open.set(key, (batch = created));
  }
  batch.values.push(...values);
  return batch.docs;
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
  if (!relation.isList) {
    if (value === undefined || value === null) return null;
    return (await lookUp(ctx, relation, [value])).get(idKey(value))?.[0] ?? null;
  }
  if (!Array.isArray(value)) return null;
  const byKey = await lookUp(ctx, relation, value);
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
      const docs = (await call(ctx, relation, "find", { query: filter, project: { [fk]: 1 }, limit: MAX_RELATED_KEYS + 1 })) as Doc[];
      if (docs.length > MAX_RELATED_KEYS)
        throw new GraphQLError(`a condition on ${relation.target.model.name} matches more than ${MAX_RELATED_KEYS} documents: narrow it`);
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
