/**
 * The data calls one GraphQL request may make: each generated query or write, each lookup of a
 * relationship's documents, and each call of a custom resolver's function is one; a request that needs more is stopped with an error, so that
 * no request makes the server do unbounded work (operation bounds, limits.ts, count what the
 * request text asks; this counts what its resolution does, e.g. through relationships).
 * @packageDocumentation
 */
import { GraphQLError } from "graphql";
import { requestOf } from "./atomic.js";
import type { GraphqlContext } from "./context.js";

/** Data calls per request. */
export const MAX_DATA_CALLS = 1_000;

/**
 * Foreign documents a relationship's condition (in a `QueryInput`) may match, and the documents
 * one list's links may reach.
 */
export const MAX_RELATED_DOCUMENTS = 10_000;

const spent = new WeakMap<GraphqlContext, number>();

/**
 * Counts one data call of a request.
 * @throws GraphQLError past {@link MAX_DATA_CALLS}
 */
export function spend(ctx: GraphqlContext): void {
  // a mutation's transaction spends from its request's budget
  const request = requestOf(ctx);
  const count = (spent.get(request) ?? 0) + 1;
  spent.set(request, count);
  if (count > MAX_DATA_CALLS)
    throw new GraphQLError(`the request needs more than ${MAX_DATA_CALLS} data calls: ask for fewer documents or fields`);
}
