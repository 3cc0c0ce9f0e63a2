/**
 * The queries and mutations generated for a collection, each run through the MongoDB service as the
 * request's user, so that the collection's rules and schema apply as they do to any other request
 * of that user: `movie`, `movies`, `insertOneMovie`, `insertManyMovies`, `updateOneMovie`,
 * `updateManyMovies`, `upsertOneMovie`, `replaceOneMovie`, `deleteOneMovie`, `deleteManyMovies`.
 * @packageDocumentation
 */
import {
  GraphQLError,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigArgumentMap,
} from "graphql";
import { isPlainObject, type Doc } from "../data/bsonValues.js";
import type { GraphqlContext } from "./context.js";
import { atomically } from "./atomic.js";
import { spend } from "./budget.js";
import { toDocument, toFilter, toUpdate } from "./convert.js";
import type { CollectionRef } from "./model.js";
import type { CollectionNames } from "./names.js";
import { relationIo } from "./relationIo.js";
import { ObjectIdScalar } from "./scalars.js";
import type { SortOrder, TypeRegistry } from "./types.js";

/** A collection exposed through the GraphQL API, with its names. */
export interface CollectionSpec extends CollectionRef {
  names: CollectionNames;
}

/** A root field of the schema. */
export type RootField = GraphQLFieldConfig<unknown, GraphqlContext, Record<string, unknown>>;

/** `insertMany…`'s answer. */
export const InsertManyPayload = new GraphQLObjectType({
  name: "InsertManyPayload",
  fields: { insertedIds: { type: new GraphQLNonNull(new GraphQLList(ObjectIdScalar)) } },
});

/** `updateMany…`'s answer. */
export const UpdateManyPayload = new GraphQLObjectType({
  name: "UpdateManyPayload",
  fields: { matchedCount: { type: new GraphQLNonNull(GraphQLInt) }, modifiedCount: { type: new GraphQLNonNull(GraphQLInt) } },
});

/** `deleteMany…`'s answer. */
export const DeleteManyPayload = new GraphQLObjectType({
  name: "DeleteManyPayload",
  fields: { deletedCount: { type: new GraphQLNonNull(GraphQLInt) } },
});

function inputObject(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? value : {};
}

/**
 * The root fields of a collection.
 * @param spec - the collection
 * @param types - the type registry
 * @returns its two queries and eight mutations
 */
export function collectionFields(
  spec: CollectionSpec,
  types: TypeRegistry,
): { query: Record<string, RootField>; mutation: Record<string, RootField> } {
  const { model, names } = spec;
  const type = types.output(model);
  const queryInput = types.queryInput(model);
  const insertInput = new GraphQLNonNull(types.insertInput(model));
  const updateInput = new GraphQLNonNull(types.updateInput(model));
  const sortInput = types.sortInput(model);
  const call = (ctx: GraphqlContext, method: string, args: Doc): Promise<unknown> => {
    spend(ctx);
    return ctx.mongo.call(spec.service, method, [{ database: spec.database, collection: spec.collection, ...args }], ctx.caller);
  };
  const insert = async (ctx: GraphqlContext, document: Doc): Promise<unknown> => {
    const { insertedId } = (await call(ctx, "insertOne", { document })) as { insertedId: unknown };
    return call(ctx, "findOne", { query: { _id: insertedId } });
  };
  const filter = (args: Record<string, unknown>, ctx: GraphqlContext): Promise<Doc> =>
    toFilter(inputObject(args["query"]), model, relationIo(ctx));
  const doc = (args: Record<string, unknown>, ctx: GraphqlContext): Promise<Doc> =>
    toDocument(inputObject(args["data"]), model, relationIo(ctx));
  const update = (args: Record<string, unknown>, ctx: GraphqlContext): Promise<Doc> =>
    toUpdate(inputObject(args["set"]), model, relationIo(ctx));
  const optionalQuery: GraphQLFieldConfigArgumentMap = { query: { type: queryInput } };
  const manyArgs: GraphQLFieldConfigArgumentMap = { query: { type: queryInput }, limit: { type: GraphQLInt, defaultValue: 100 } };
  if (sortInput !== undefined) manyArgs["sortBy"] = { type: sortInput };

  const query: Record<string, RootField> = {
    [names.one]: { type, args: optionalQuery, resolve: async (_, args, ctx) => call(ctx, "findOne", { query: await filter(args, ctx) }) },
    [names.many]: {
      type: new GraphQLNonNull(new GraphQLList(type)),
      args: manyArgs,
      resolve: async (_, args, ctx) => {
        const limit = args["limit"];
        if (typeof limit === "number" && limit < 0) throw new GraphQLError("limit must not be negative");
        const sort = args["sortBy"] as SortOrder | undefined;
        return call(ctx, "find", {
          query: await filter(args, ctx),
          ...(typeof limit === "number" && limit > 0 ? { limit } : {}),
          ...(sort === undefined ? {} : { sort: { [sort.key]: sort.direction } }),
        });
      },
    },
  };
  const mutation: Record<string, RootField> = {
    [`insertOne${names.type}`]: {
      type,
      args: { data: { type: insertInput } },
      resolve: async (_, args, ctx) => insert(ctx, await doc(args, ctx)),
    },
    [`insertMany${names.manyType}`]: {
      type: InsertManyPayload,
      args: { data: { type: new GraphQLNonNull(new GraphQLList(insertInput)) } },
      resolve: async (_, args, ctx) => {
        const list = Array.isArray(args["data"]) ? args["data"] : [];
        if (list.length === 0) throw new GraphQLError("data must list at least one document");
        const documents: Doc[] = [];
        for (const d of list) documents.push(await toDocument(inputObject(d), model, relationIo(ctx)));
        return call(ctx, "insertMany", { documents });
      },
    },
    [`updateOne${names.type}`]: {
      type,
      args: { query: { type: queryInput }, set: { type: updateInput } },
      resolve: async (_, args, ctx) =>
        call(ctx, "findOneAndUpdate", { filter: await filter(args, ctx), update: await update(args, ctx), returnNewDocument: true }),
    },
    [`updateMany${names.manyType}`]: {
      type: UpdateManyPayload,
      args: { query: { type: queryInput }, set: { type: updateInput } },
      resolve: async (_, args, ctx) => call(ctx, "updateMany", { query: await filter(args, ctx), update: await update(args, ctx) }),
    },
    [`upsertOne${names.type}`]: {
      type,
      args: { query: { type: queryInput }, data: { type: insertInput } },
      // without a query it inserts (the docs: "If you do not specify a query argument or no documents match")
      resolve: async (_, args, ctx) =>
        args["query"] === undefined || args["query"] === null
          ? insert(ctx, await doc(args, ctx))
          : call(ctx, "findOneAndReplace", {
              filter: await filter(args, ctx),
              update: await doc(args, ctx),
              upsert: true,
              returnNewDocument: true,
            }),
    },
    [`replaceOne${names.type}`]: {
      type,
      args: { query: { type: queryInput }, data: { type: insertInput } },
      resolve: async (_, args, ctx) =>
        call(ctx, "findOneAndReplace", { filter: await filter(args, ctx), update: await doc(args, ctx), returnNewDocument: true }),
    },
    [`deleteOne${names.type}`]: {
      type,
      args: { query: { type: new GraphQLNonNull(queryInput) } },
      resolve: async (_, args, ctx) => call(ctx, "findOneAndDelete", { filter: await filter(args, ctx) }),
    },
    [`deleteMany${names.manyType}`]: {
      type: DeleteManyPayload,
      args: optionalQuery,
      resolve: async (_, args, ctx) => call(ctx, "deleteMany", { query: await filter(args, ctx) }),
    },
  };
  // a mutation that creates related documents writes them and its document in one transaction
  for (const field of Object.values(mutation)) {
    const resolve = field.resolve;
    if (resolve !== undefined)
      field.resolve = (source, args, ctx, info) => atomically(ctx, args, (c) => Promise.resolve(resolve(source, args, c, info)));
  }
  return { query, mutation };
}
