/**
 * The app's GraphQL schema, generated as App Services generates it: a document type with its
 * queries and mutations for each collection that has a schema, plus the custom resolvers.
 * @packageDocumentation
 */
import { GraphQLObjectType, GraphQLSchema, validateSchema } from "graphql";
import { ServerError } from "../contracts.js";
import { isPlainObject } from "../data/bsonValues.js";
import { collectionFields, type CollectionSpec, type RootField } from "./collections.js";
import { customResolverField, type CustomResolverSpec } from "./customResolvers.js";
import { objectModel } from "./model.js";
import { attachRelations, type RelationshipFile } from "./relations.js";
import { collectionNames } from "./names.js";
import { TypeRegistry } from "./types.js";

/** A collection schema as the app defines it. */
export interface CollectionSchemaFile {
  /** The file, for messages. */
  where: string;
  /** The data source (MongoDB service) name. */
  service: string;
  database: string;
  collection: string;
  /** The parsed `schema.json`. */
  raw: unknown;
}

/** What the GraphQL API is made of. */
export interface GraphqlSpec {
  /** `use_natural_pluralization` (default true). */
  naturalPluralization: boolean;
  /** False when `disable_schema_introspection` is set. */
  introspection: boolean;
  collections: CollectionSchemaFile[];
  /** The collections' `relationships.json` files. */
  relationships: RelationshipFile[];
  customResolvers: CustomResolverSpec[];
}

/** The built API. */
export interface GraphqlApi {
  /** Undefined when no collection has a schema with a GraphQL field and no custom query exists. */
  schema: GraphQLSchema | undefined;
  introspection: boolean;
  /**
   * A line per collection schema left out for a conflict (a title that gives no name, or a name
   * taken) and per relationship left unresolved.
   */
  skipped: string[];
}

function specOf(file: CollectionSchemaFile, natural: boolean, taken: Set<string>, skipped: string[]): CollectionSpec | undefined {
  if (!isPlainObject(file.raw)) return undefined;
  const title = typeof file.raw["title"] === "string" ? file.raw["title"] : file.collection;
  const names = collectionNames(title, natural);
  if (names === undefined) {
    skipped.push(`${file.where}: the title ${JSON.stringify(title)} gives no GraphQL type name: the collection is left out`);
    return undefined;
  }
  if (taken.has(names.type)) {
    skipped.push(
      `${file.where}: another collection's type is already named ${names.type} (set a distinct title): the collection is left out`,
    );
    return undefined;
  }
  const model = objectModel(file.raw, names.type);
  // a schema that only validates (no property of a GraphQL type) gives no type, as in App Services
  if (model === undefined) return undefined;
  taken.add(names.type);
  return { service: file.service, database: file.database, collection: file.collection, model, names };
}

/**
 * Builds the schema.
 * @param spec - the collections' schemas, the custom resolvers and the settings
 * @returns the schema, or none when there is nothing to query
 * @throws ServerError 500 `InvalidConfig` naming the file for a custom resolver that cannot be
 * built, or when the types do not form a valid schema (two different types of one name)
 */
export function buildGraphqlApi(spec: GraphqlSpec): GraphqlApi {
  try {
    return build(spec);
  } catch (err) {
    if (err instanceof ServerError) throw err;
    throw new ServerError(500, "InvalidConfig", `invalid app: graphql: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function build(spec: GraphqlSpec): GraphqlApi {
  const types = new TypeRegistry();
  const skipped: string[] = [];
  const query: Record<string, RootField> = {};
  const mutation: Record<string, RootField> = {};
  const taken = new Set<string>();
  const collections: CollectionSpec[] = [];
  for (const file of spec.collections) {
    const collection = specOf(file, spec.naturalPluralization, taken, skipped);
    if (collection !== undefined) collections.push(collection);
  }
  skipped.push(...attachRelations(spec.relationships, collections));
  for (const collection of collections) {
    const fields = collectionFields(collection, types);
    Object.assign(query, fields.query);
    Object.assign(mutation, fields.mutation);
  }
  for (const resolver of spec.customResolvers) {
    const field = customResolverField(resolver, types);
    if (resolver.onType === "Query") query[resolver.fieldName] = field;
    else if (resolver.onType === "Mutation") mutation[resolver.fieldName] = field;
    else if (taken.has(resolver.onType)) types.addField(resolver.onType, resolver.fieldName, () => field);
    else
      throw new ServerError(
        500,
        "InvalidConfig",
        `invalid app: ${resolver.where}: on_type ${resolver.onType} is not Query, Mutation or a generated document type`,
      );
  }
  if (Object.keys(query).length === 0) return { schema: undefined, introspection: spec.introspection, skipped };
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: "Query", fields: query }),
    ...(Object.keys(mutation).length > 0 ? { mutation: new GraphQLObjectType({ name: "Mutation", fields: mutation }) } : {}),
  });
  const problems = validateSchema(schema);
  if (problems.length > 0)
    throw new ServerError(500, "InvalidConfig", `invalid app: graphql: ${problems.map((p) => p.message).join("; ")}`);
  return { schema, introspection: spec.introspection, skipped };
}
