/**
 * A relationship's foreign documents, read and written through the MongoDB service as the
 * request's user (the foreign collection's rules apply): the documents a field links to (the
 * lookups of all documents of one list resolved in one query), the foreign key values of documents
 * matching a filter, and new documents a `create` inserts.
 * @packageDocumentation
 */
import { GraphQLError } from "graphql";
import { ValueGroups } from "../data/bsonGroups.js";
import { idKey, isPlainObject, type Doc } from "../data/bsonValues.js";
import { MAX_RELATED_DOCUMENTS, spend } from "./budget.js";
import type { GraphqlContext } from "./context.js";
import { toDocument } from "./convert.js";
import type { Relation } from "./model.js";
import type { RelationIo } from "./relationInputs.js";

function call(ctx: GraphqlContext, relation: Relation, method: string, args: Doc): Promise<unknown> {
  spend(ctx);
  const { service, database, collection } = relation.target;
  return ctx.mongo.call(service, method, [{ database, collection, ...args }], ctx.caller);
}

/** The foreign documents of a batch's values: those a value links to. */
type Linked = (value: unknown) => Doc[];

/** The lookups of one relationship waiting for the next turn of the event loop, per request. */
interface Batch {
  values: unknown[];
  docs: Promise<Linked>;
}

/** A document's value at a dotted path (through documents, not arrays). */
function valueAt(doc: Doc, path: string): unknown {
  let at: unknown = doc;
  for (const step of path.split(".")) {
    if (!isPlainObject(at) || !Object.prototype.hasOwnProperty.call(at, step)) return undefined;
    at = at[step];
  }
  return at;
}

/**
 * Groups foreign documents by the value their foreign key holds, as the query matched them: numbers
 * by value (an Int64 5 links to 5), and an array by each element too.
 */
function linker(docs: Doc[], foreignKey: string): Linked {
  const groups = new ValueGroups();
  const byKey = new Map<string, Doc[]>();
  for (const doc of docs) {
    const held = valueAt(doc, foreignKey);
    const keys = new Set([groups.key(held), ...(Array.isArray(held) ? held.map((v) => groups.key(v)) : [])]);
    for (const key of keys) {
      const linked = byKey.get(key);
      if (linked === undefined) byKey.set(key, [doc]);
      else linked.push(doc);
    }
  }
  return (value) => byKey.get(groups.key(value)) ?? [];
}

const batches = new WeakMap<GraphqlContext, Map<string, Batch>>();

/** The foreign documents of the given values; lookups made in one turn share one query. */
function lookUp(ctx: GraphqlContext, relation: Relation, values: unknown[]): Promise<Linked> {
  let open = batches.get(ctx);
  if (open === undefined) batches.set(ctx, (open = new Map<string, Batch>()));
  const { service, database, collection } = relation.target;
  const key = `${service}\u0000${database}\u0000${collection}\u0000${relation.foreignKey}`;
  let batch = open.get(key);
  if (batch === undefined) {
    const created: Batch = { values: [], docs: Promise.resolve(() => []) };
    created.docs = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      open.delete(key);
      const unique = new Map(created.values.map((v) => [idKey(v), v]));
      const fk = relation.foreignKey;
      const query = { [fk]: { $in: [...unique.values()] } };
      const docs = (await call(ctx, relation, "find", { query, limit: MAX_RELATED_DOCUMENTS + 1 })) as Doc[];
      if (docs.length > MAX_RELATED_DOCUMENTS)
        throw new GraphQLError(
          `the ${relation.target.model.name} documents linked from one list are more than ${MAX_RELATED_DOCUMENTS}: ask for fewer`,
        );
      return linker(docs, fk);
    });
    open.set(key, (batch = created));
  }
  for (const value of values) batch.values.push(value);
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
    return (await lookUp(ctx, relation, [value]))(value)[0] ?? null;
  }
  if (!Array.isArray(value)) return null;
  const linked = await lookUp(ctx, relation, value);
  const out = new Set<Doc>();
  for (const v of value) for (const doc of linked(v)) out.add(doc);
  return [...out];
}

/**
 * The relationship inputs' access to the foreign documents, for one request.
 * @param ctx - the request
 */
export function relationIo(ctx: GraphqlContext): RelationIo {
  const io: RelationIo = {
    async keys(relation, filter) {
      const fk = relation.foreignKey;
      const docs = (await call(ctx, relation, "find", { query: filter, project: { [fk]: 1 }, limit: MAX_RELATED_DOCUMENTS + 1 })) as Doc[];
      if (docs.length > MAX_RELATED_DOCUMENTS)
        throw new GraphQLError(
          `a condition on ${relation.target.model.name} matches more than ${MAX_RELATED_DOCUMENTS} documents: narrow it`,
        );
      // an array-valued foreign key links each of its elements
      return docs
        .map((d) => valueAt(d, fk))
        .flatMap((v): unknown[] => (v === undefined ? [] : Array.isArray(v) ? [v, ...(v as unknown[])] : [v]));
    },
    async create(relation, inputs) {
      if (inputs.length === 0) return [];
      const docs: Doc[] = [];
      for (const input of inputs) docs.push(await toDocument(input, relation.target.model, io));
      const { insertedIds } = (await call(ctx, relation, "insertMany", { documents: docs })) as { insertedIds: unknown[] };
      const fk = relation.foreignKey;
      return fk === "_id" ? insertedIds : docs.map((d) => valueAt(d, fk) ?? null);
    },
  };
  return io;
}
