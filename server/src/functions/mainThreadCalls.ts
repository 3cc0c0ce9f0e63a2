/**
 * What the function worker thread asks of the main thread, answered there: MongoDB service calls,
 * the collections that hold documents (`NAMESPACES`) and the user a function runs as
 * (`USER_LOOKUP`), and the end of a session's transaction (`TRANSACTION`). Each answer is a `mongoReply` message.
 * @packageDocumentation
 */
import { ServerError, type Caller, type ContextUser, type MongoService } from "../contracts.js";
import type { UserLookup } from "./runAs.js";
import { NAMESPACES, pack, toWire, TRANSACTION, unpack, USER_LOOKUP, type FromWorker, type ToWorker } from "./workerProtocol.js";

function lookUpUser(users: UserLookup | undefined, userId: unknown): Promise<ContextUser> {
  if (typeof userId !== "string" || users === undefined) return Promise.reject(new ServerError(404, "UserNotFound", "no such user"));
  return users(userId);
}

function transaction(mongo: MongoService, args: unknown[]): Promise<void> {
  const [op, id] = args;
  if ((op !== "commit" && op !== "abort") || typeof id !== "string" || mongo.transaction === undefined)
    return Promise.reject(new ServerError(400, "InvalidParameter", "transactions are not available here"));
  return mongo.transaction(op, id);
}

/**
 * Answers one request of the worker thread.
 * @param msg - the request
 * @param mongo - the MongoDB service
 * @param users - finds the user a function runs as (none: every lookup fails with `UserNotFound`)
 * @returns the reply to post: the result, or the error (a ServerError's fields; anything else as
 * 500 `InternalServerError`)
 */
export async function answerMainThreadCall(
  msg: Extract<FromWorker, { type: "mongo" }>,
  mongo: MongoService,
  users: UserLookup | undefined,
): Promise<Extract<ToWorker, { type: "mongoReply" }>> {
  try {
    const { args, caller } = unpack(msg.payload) as { args: unknown[]; caller: Caller };
    const result =
      msg.name === NAMESPACES && mongo.namespaces !== undefined
        ? await mongo.namespaces(msg.service)
        : msg.name === USER_LOOKUP
          ? await lookUpUser(users, args[0])
          : msg.name === TRANSACTION
            ? await transaction(mongo, args)
            : await mongo.call(msg.service, msg.name, args, caller ?? {});
    return { type: "mongoReply", id: msg.id, payload: pack(result) };
  } catch (err) {
    const error = err instanceof ServerError ? err : new ServerError(500, "InternalServerError", (err as Error).message);
    return { type: "mongoReply", id: msg.id, error: toWire(error) };
  }
}
