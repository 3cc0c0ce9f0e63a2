/**
 * A generated mutation whose input creates related documents (a relationship's `create`) makes
 * several writes: the foreign documents, then the document that links them. They run in one
 * transaction of the MongoDB service, so that a write that fails leaves none of them. Mutations
 * without `create` make one write and run as they are.
 * @packageDocumentation
 */
import { isPlainObject } from "../data/bsonValues.js";
import { callerWithSession, startSession } from "../functions/session.js";
import type { GraphqlContext } from "./context.js";

/**
 * The request's own context of a context made for a transaction. The data-call budget is the
 * request's; relationship lookup batches stay per context (a lookup made in the transaction must
 * not join a batch of the request's, which would wait for the transaction).
 */
const requests = new WeakMap<GraphqlContext, GraphqlContext>();

/**
 * The context of the request a context belongs to (itself, unless made for a transaction).
 * @param ctx - a resolver's context
 */
export function requestOf(ctx: GraphqlContext): GraphqlContext {
  return requests.get(ctx) ?? ctx;
}

/** True if the input holds a relationship's `create` (an object or a list of objects). */
function createsRelated(value: unknown, depth = 0): boolean {
  if (depth > 100) return false;
  if (Array.isArray(value)) return value.some((v) => createsRelated(v, depth + 1));
  if (!isPlainObject(value)) return false;
  for (const [key, v] of Object.entries(value)) {
    if (key === "create" && (isPlainObject(v) || Array.isArray(v))) return true;
    if (createsRelated(v, depth + 1)) return true;
  }
  return false;
}

/**
 * Runs a mutation's resolver, in one transaction when its arguments create related documents.
 * @param ctx - the request's context
 * @param args - the mutation's arguments
 * @param resolve - the resolver, given the context to write with
 * @returns what the resolver returns, once the transaction committed
 * @throws whatever the resolver throws (the transaction is aborted then), or the commit's error
 */
export async function atomically<T>(ctx: GraphqlContext, args: unknown, resolve: (ctx: GraphqlContext) => Promise<T>): Promise<T> {
  if (ctx.mongo.transaction === undefined || !createsRelated(args)) return resolve(ctx);
  // the functions' session: it commits when the resolver resolves and aborts when it throws
  const session = startSession(ctx.mongo);
  return session.withTransaction(() => {
    const inTransaction: GraphqlContext = { ...ctx, caller: callerWithSession(ctx.caller, { session }) };
    requests.set(inTransaction, requestOf(ctx));
    return resolve(inTransaction);
  });
}
