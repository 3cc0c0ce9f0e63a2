/**
 * Custom resolvers (`graphql/custom_resolvers/*.json`): a root query or mutation, or a computed
 * property of a generated document type, whose value a function returns. The function gets the
 * resolver's `input` (converted to BSON as the input type's schema says) and, for a computed
 * property, the parent document: `fn(input, source)`, or `fn(source)` without an input type.
 * @packageDocumentation
 */
import {
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLInputType,
  type GraphQLOutputType,
} from "graphql";
import { ServerError } from "../contracts.js";
import { isPlainObject } from "../data/bsonValues.js";
import type { GraphqlContext } from "./context.js";
import { spend } from "./budget.js";
import { plainDocument, toBson } from "./convert.js";
import { objectModel, scalarKind, type FieldType, type ObjectModel } from "./model.js";
import { isGraphqlName } from "./names.js";
import { plainNumber, scalarType } from "./scalars.js";
import type { TypeRegistry } from "./types.js";

/** How a custom resolver's input or payload type is given. */
export type TypeFormat = "scalar" | "scalar-list" | "generated" | "generated-list" | "custom";

/** A custom resolver's configuration file. */
export interface CustomResolverSpec {
  /** The file, for messages. */
  where: string;
  /** `Query`, `Mutation`, or a generated document type. */
  onType: string;
  fieldName: string;
  functionName: string;
  inputType?: string | Record<string, unknown> | undefined;
  inputFormat?: TypeFormat | undefined;
  payloadType?: string | Record<string, unknown> | undefined;
  payloadFormat?: TypeFormat | undefined;
}

/** `DefaultPayload`: the answer of a resolver without a payload type. */
export const DefaultPayload = new GraphQLObjectType({
  name: "DefaultPayload",
  fields: { status: { type: new GraphQLNonNull(GraphQLString) } },
});

/** A resolver's field, for its parent type. */
export type CustomField = GraphQLFieldConfig<unknown, GraphqlContext, Record<string, unknown>>;

function configError(spec: CustomResolverSpec, message: string): ServerError {
  return new ServerError(500, "InvalidConfig", `invalid app: ${spec.where}: ${message}`);
}

interface Converted<T> {
  type: T;
  /** The value as the function receives it (input) or as GraphQL reads it (payload). */
  convert(value: unknown, ctx: GraphqlContext): unknown;
}

function isList(format: TypeFormat | undefined): boolean {
  return format === "scalar-list" || format === "generated-list";
}

function list<T>(spec: Pick<Converted<T>, "convert">, many: boolean): Converted<T>["convert"] {
  if (!many) return spec.convert;
  return (value, ctx) => {
    if (value === null || value === undefined) return null;
    const items = (Array.isArray(value) ? value : [value]).map((v) => spec.convert(v, ctx));
    return items.some((i) => i instanceof Promise) ? Promise.all(items) : items;
  };
}

function customModel(spec: CustomResolverSpec, schema: Record<string, unknown>, what: string): ObjectModel {
  const title = schema["title"];
  if (typeof title !== "string" || !isGraphqlName(title))
    throw configError(spec, `the custom ${what} type needs a title that is a GraphQL name`);
  const model = objectModel(schema, title);
  if (model === undefined) throw configError(spec, `the custom ${what} type ${title} has no property of a GraphQL type`);
  return model;
}

function scalarOf(spec: CustomResolverSpec, name: unknown, what: string): FieldType & { kind: "scalar" } {
  const kind = typeof name === "string" ? scalarKind(name) : undefined;
  if (kind === undefined) throw configError(spec, `the ${what} type ${JSON.stringify(name)} is not a scalar type`);
  return { kind: "scalar", bson: kind };
}

function inputOf(spec: CustomResolverSpec, types: TypeRegistry): Converted<GraphQLInputType> | undefined {
  const { inputType: given, inputFormat: format } = spec;
  if (given === undefined || (typeof given === "string" && given === "")) return undefined;
  const many = isList(format);
  let one: Converted<GraphQLInputType>;
  if (format === "custom" || isPlainObject(given)) {
    if (!isPlainObject(given)) throw configError(spec, "a custom input type must be a JSON schema");
    const model = customModel(spec, given, "input");
    one = { type: types.customInput(model), convert: (v) => (isPlainObject(v) ? plainDocument(v, model) : null) };
  } else if (format === "generated" || format === "generated-list") {
    const known = types.input(given);
    const described = types.inputModel(given);
    if (known === undefined || described === undefined) throw configError(spec, `no generated input type ${given}`);
    one = {
      type: known,
      // converted, not run: a relationship's `create` is passed on as given
      convert: (v) => (described.kind === "insert" && isPlainObject(v) ? plainDocument(v, described.model) : v),
    };
  } else {
    const scalar = scalarOf(spec, given, "input");
    one = { type: scalarType(scalar.bson), convert: (v) => toBson(v, scalar) };
  }
  return { type: many ? new GraphQLList(one.type) : one.type, convert: list(one, many) };
}

function payloadOf(spec: CustomResolverSpec, types: TypeRegistry): Converted<GraphQLOutputType> {
  const { payloadType: given, payloadFormat: format } = spec;
  if (given === undefined || given === "" || given === "DefaultPayload")
    return { type: DefaultPayload, convert: () => ({ status: "complete" }) };
  const many = isList(format);
  let one: Converted<GraphQLOutputType>;
  if (format === "custom" || isPlainObject(given)) {
    if (!isPlainObject(given)) throw configError(spec, "a custom payload type must be a JSON schema");
    const model = customModel(spec, given, "payload");
    one = { type: types.output(model), convert: (v) => (isPlainObject(v) ? v : null) };
  } else if (format === "generated" || format === "generated-list") {
    const known = types.outputByName(given);
    if (known === undefined) throw configError(spec, `no generated type ${given}`);
    one = { type: known, convert: (v) => (isPlainObject(v) ? v : null) };
  } else {
    const scalar = scalarOf(spec, given, "payload");
    one = { type: scalarType(scalar.bson), convert: (v) => (scalar.bson === "long" ? v : plainNumber(v)) };
  }
  return { type: many ? new GraphQLList(one.type) : one.type, convert: list(one, many) };
}

/**
 * The field of a custom resolver.
 * @param spec - its configuration
 * @param types - the generated types (the computed property's parent among them)
 * @returns the field, to add to `Query`, `Mutation` or its document type
 * @throws ServerError `InvalidConfig` naming the file for a name that is not a GraphQL name, an
 * unknown generated type, a scalar type that is not one, or a custom type without a title
 */
export function customResolverField(spec: CustomResolverSpec, types: TypeRegistry): CustomField {
  if (!isGraphqlName(spec.fieldName)) throw configError(spec, `field_name ${JSON.stringify(spec.fieldName)} is not a GraphQL name`);
  const input = inputOf(spec, types);
  const payload = payloadOf(spec, types);
  const computed = spec.onType !== "Query" && spec.onType !== "Mutation";
  return {
    type: payload.type,
    ...(input === undefined ? {} : { args: { input: { type: input.type } } }),
    resolve: async (source, args, ctx) => {
      const fnArgs: unknown[] = [];
      if (input !== undefined) fnArgs.push(args["input"] === undefined ? undefined : await input.convert(args["input"], ctx));
      if (computed) fnArgs.push(source);
      spend(ctx);
      return payload.convert(await ctx.callFunction(spec.functionName, fnArgs, ctx.caller), ctx);
    },
  };
}
