/**
 * Runs one GraphQL request against the app's schema: parse (with a bound on tokens), validate
 * (GraphQL's rules, the operation bounds, and no introspection when the app disables it), execute
 * with the caller's context.
 * @packageDocumentation
 */
import {
  execute,
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
} from "graphql";
import { MAX_NESTING, nestedDeeperThan } from "../data/bsonValues.js";
import type { GraphqlContext } from "./context.js";
import { OPERATION_LIMITS, operationLimitsRule } from "./limits.js";
import type { GraphqlApi } from "./schema.js";

/** A GraphQL request's parameters. */
export interface GraphqlRequest {
  query: string;
  variables?: Record<string, unknown> | undefined;
  operationName?: string | undefined;
}

/** The outcome: the result to send, and whether the operation may not run over GET (a mutation). */
export interface GraphqlOutcome {
  result: ExecutionResult;
  /** True when the request was refused before running (a syntax or validation error). */
  refused: boolean;
  /** True for a mutation sent with GET, which is not run. */
  notAllowed: boolean;
}

function refused(errors: readonly GraphQLError[]): GraphqlOutcome {
  return { result: { errors }, refused: true, notAllowed: false };
}

/**
 * The variables with objects that inherit nothing: GraphQL reads an input field by name, so in a
 * plain object a field named `constructor` or `toString` would be found on its prototype.
 */
function withoutPrototypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPrototypes);
  if (typeof value !== "object" || value === null) return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, item] of Object.entries(value)) out[key] = withoutPrototypes(item);
  return out;
}

/** Every error as a GraphQL error (an error graphql-js did not wrap, e.g. a RangeError, has no `toJSON`). */
function graphqlErrors(errors: readonly Error[] | undefined): GraphQLError[] | undefined {
  return errors?.map((e) => (e instanceof GraphQLError ? e : new GraphQLError(e.message)));
}

/**
 * Runs a request.
 * @param api - the app's schema
 * @param request - the query, its variables and operation name
 * @param context - the caller, the data and the functions
 * @param method - the HTTP method: a GET runs queries only
 * @returns the result (data and errors as GraphQL reports them)
 */
export async function runGraphql(
  api: GraphqlApi,
  request: GraphqlRequest,
  context: GraphqlContext,
  method: string,
): Promise<GraphqlOutcome> {
  const { schema } = api;
  if (schema === undefined) {
    return refused([
      new GraphQLError(
        "the GraphQL API has no types: define a schema for a collection (data_sources/<source>/<db>/<collection>/schema.json)",
      ),
    ]);
  }
  let document: DocumentNode;
  try {
    document = parse(request.query, { maxTokens: OPERATION_LIMITS.maxTokens });
  } catch (err) {
    return refused([err instanceof GraphQLError ? err : new GraphQLError(String(err))]);
  }
  const rules = [...specifiedRules, operationLimitsRule()];
  if (!api.introspection) rules.push(NoSchemaIntrospectionCustomRule);
  const errors = validate(schema, document, rules);
  if (errors.length > 0) return refused(errors);
  const operation = getOperationAST(document, request.operationName);
  if (method === "GET" && operation !== null && operation !== undefined && operation.operation !== OperationTypeNode.QUERY) {
    return {
      result: { errors: [new GraphQLError(`a ${operation.operation} cannot be sent with GET: use POST`)] },
      refused: true,
      notAllowed: true,
    };
  }
  if (nestedDeeperThan(request.variables, MAX_NESTING)) {
    return refused([new GraphQLError(`the variables are nested deeper than ${MAX_NESTING} levels`)]);
  }
  const result = await execute({
    schema,
    document,
    variableValues: withoutPrototypes(request.variables) as Record<string, unknown> | undefined,
    operationName: request.operationName,
    contextValue: context,
  });
  const wrapped = graphqlErrors(result.errors);
  return { result: wrapped === undefined ? result : { ...result, errors: wrapped }, refused: false, notAllowed: false };
}
