/**
 * `graphql/`: the GraphQL API's settings (`config.json`) and custom resolvers
 * (`custom_resolvers/*.json`). With the collections' schemas, they make the app's GraphQL API,
 * built here so that a resolver naming a missing function or type stops the start.
 * @packageDocumentation
 */
import { z } from "zod";
import type { CustomResolverSpec } from "../graphql/customResolvers.js";
import { buildGraphqlApi, type GraphqlApi } from "../graphql/schema.js";
import type { RelationshipFile } from "../graphql/relations.js";
import type { DataSourceRules } from "../rules/index.js";
import { appError, type AppFiles } from "./files.js";

const configSchema = z.object({
  use_natural_pluralization: z.boolean().optional(),
  disable_schema_introspection: z.boolean().optional(),
});

const format = z.enum(["scalar", "scalar-list", "generated", "generated-list", "custom"]);
const typeRef = z.union([z.string(), z.record(z.string(), z.unknown())]);

const resolverSchema = z.object({
  on_type: z.string().min(1),
  field_name: z.string().min(1),
  function_name: z.string().min(1),
  input_type: typeRef.optional(),
  input_type_format: z.union([format, z.literal("")]).optional(),
  payload_type: typeRef.optional(),
  payload_type_format: z.union([format, z.literal("")]).optional(),
});

function resolverSpec(where: string, raw: z.infer<typeof resolverSchema>): CustomResolverSpec {
  return {
    where,
    onType: raw.on_type,
    fieldName: raw.field_name,
    functionName: raw.function_name,
    inputType: raw.input_type,
    inputFormat: raw.input_type_format === "" ? undefined : raw.input_type_format,
    payloadType: raw.payload_type,
    payloadFormat: raw.payload_type_format === "" ? undefined : raw.payload_type_format,
  };
}

/**
 * Reads the GraphQL settings and builds the API.
 * @param files - the app directory
 * @param sources - the data sources, with their collections' schemas
 * @param relationships - the collections' relationships
 * @param functionNames - the app's functions
 * @param unsupported - receives a line per collection schema or relationship the API leaves out
 * @returns the API
 * @throws ServerError `InvalidConfig` naming the file for invalid settings, a resolver whose function
 * is not defined, or a resolver or type the schema cannot hold
 */
export function readGraphql(
  files: AppFiles,
  sources: DataSourceRules[],
  relationships: RelationshipFile[],
  functionNames: ReadonlySet<string>,
  unsupported: string[],
): GraphqlApi {
  const config = files.optionalJson("graphql/config.json", configSchema) ?? {};
  const customResolvers: CustomResolverSpec[] = [];
  for (const entry of files.list("graphql/custom_resolvers").sort()) {
    if (!entry.endsWith(".json")) continue;
    const where = `graphql/custom_resolvers/${entry}`;
    const spec = resolverSpec(where, files.json(where, resolverSchema));
    if (!functionNames.has(spec.functionName)) throw appError(where, `the function ${spec.functionName} is not defined in functions/`);
    customResolvers.push(spec);
  }
  const api = buildGraphqlApi({
    naturalPluralization: config.use_natural_pluralization ?? true,
    introspection: config.disable_schema_introspection !== true,
    collections: sources.flatMap((source) =>
      (source.schemas ?? []).map((s) => ({
        where: s.where,
        service: source.name,
        database: s.database,
        collection: s.collection,
        raw: s.raw,
      })),
    ),
    relationships,
    customResolvers,
  });
  unsupported.push(...api.skipped.map((line) => `GraphQL: ${line}`));
  return api;
}
