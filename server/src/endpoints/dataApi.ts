/**
 * The generated Data API's actions (App Services' Data API v1 reference): each request body,
 * validated, becomes one call of the MongoDB service, and its result the documented answer.
 * @packageDocumentation
 */
import { z } from "zod";
import { ServerError } from "../contracts.js";
import { documentArg } from "../data/args.js";

/** The actions, as named in `/action/<name>`. */
export const DATA_API_ACTIONS = [
  "findOne",
  "find",
  "insertOne",
  "insertMany",
  "updateOne",
  "updateMany",
  "replaceOne",
  "deleteOne",
  "deleteMany",
  "aggregate",
] as const;

/** A Data API action. */
export type DataApiAction = (typeof DATA_API_ACTIONS)[number];

/** One MongoDB service call, and how its result becomes the answer. */
export interface DataApiCall {
  dataSource: string;
  method: string;
  args: Record<string, unknown>;
  answer(result: unknown): unknown;
}

const doc = documentArg;
const count = z.number().int().nonnegative();
const namespace = { dataSource: z.string().min(1), database: z.string().min(1), collection: z.string().min(1) };

const schemas = {
  findOne: z.object({ ...namespace, filter: doc.optional(), projection: doc.optional() }),
  find: z.object({
    ...namespace,
    filter: doc.optional(),
    projection: doc.optional(),
    sort: doc.optional(),
    limit: count.optional(),
    skip: count.optional(),
  }),
  insertOne: z.object({ ...namespace, document: doc }),
  insertMany: z.object({ ...namespace, documents: z.array(doc).min(1) }),
  updateOne: z.object({ ...namespace, filter: doc, update: z.union([doc, z.array(doc)]), upsert: z.boolean().optional() }),
  updateMany: z.object({ ...namespace, filter: doc, update: z.union([doc, z.array(doc)]), upsert: z.boolean().optional() }),
  replaceOne: z.object({ ...namespace, filter: doc, replacement: doc, upsert: z.boolean().optional() }),
  deleteOne: z.object({ ...namespace, filter: doc }),
  deleteMany: z.object({ ...namespace, filter: doc }),
  aggregate: z.object({ ...namespace, pipeline: z.array(doc) }),
} as const;

/**
 * True for a known action name.
 * @param name - the `/action/<name>` of a request
 */
export function isDataApiAction(name: string): name is DataApiAction {
  return (DATA_API_ACTIONS as readonly string[]).includes(name);
}

function parsed<A extends DataApiAction>(action: A, body: unknown): z.infer<(typeof schemas)[A]> {
  if (body === undefined) throw new ServerError(400, "InvalidParameter", `${action}: the request has no body`);
  const result = schemas[action].safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue !== undefined && issue.path.length > 0 ? issue.path.join(".") : "body";
    throw new ServerError(400, "InvalidParameter", `${action}: ${where} ${issue?.message ?? "is invalid"}`);
  }
  return result.data as z.infer<(typeof schemas)[A]>;
}

/** `{matchedCount, modifiedCount, upsertedId?}` as the service gives it. */
function updateAnswer(result: unknown): unknown {
  const r = result as { matchedCount: number; modifiedCount: number; upsertedId?: unknown };
  return {
    matchedCount: r.matchedCount,
    modifiedCount: r.modifiedCount,
    ...(r.upsertedId === undefined ? {} : { upsertedId: r.upsertedId }),
  };
}

const same = (result: unknown): unknown => result;

/** The fields that are set (an absent option stays absent). */
function defined(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined));
}

/**
 * The MongoDB service call of a Data API request.
 * @param action - the action
 * @param body - the request body, parsed from (canonical or relaxed) Extended JSON
 * @returns the call and its answer
 * @throws ServerError 400 `InvalidParameter` for a missing or ill-typed field or a missing body;
 * 400 `MongoDBError` for a `replacement` with update operators
 */
export function dataApiCall(action: DataApiAction, body: unknown): DataApiCall {
  const call = callOf(action, body);
  return { ...call, args: defined(call.args) };
}

function callOf(action: DataApiAction, body: unknown): DataApiCall {
  switch (action) {
    case "findOne": {
      const { dataSource, database, collection, filter, projection } = parsed(action, body);
      return {
        dataSource,
        method: "findOne",
        args: { database, collection, query: filter, project: projection },
        answer: (document) => ({ document }),
      };
    }
    case "find": {
      const { dataSource, database, collection, filter, projection, sort, limit, skip } = parsed(action, body);
      return {
        dataSource,
        method: "find",
        args: { database, collection, query: filter, project: projection, sort, limit: limit || undefined, skip: skip || undefined },
        answer: (documents) => ({ documents }),
      };
    }
    case "insertOne": {
      const { dataSource, database, collection, document } = parsed(action, body);
      return { dataSource, method: "insertOne", args: { database, collection, document }, answer: same };
    }
    case "insertMany": {
      const { dataSource, database, collection, documents } = parsed(action, body);
      return { dataSource, method: "insertMany", args: { database, collection, documents }, answer: same };
    }
    case "updateOne":
    case "updateMany": {
      const { dataSource, database, collection, filter, update, upsert } = parsed(action, body);
      return { dataSource, method: action, args: { database, collection, query: filter, update, upsert }, answer: updateAnswer };
    }
    case "replaceOne": {
      const { dataSource, database, collection, filter, replacement, upsert } = parsed(action, body);
      if (Object.keys(replacement).some((key) => key.startsWith("$"))) {
        throw new ServerError(400, "MongoDBError", "replaceOne: the replacement document must not contain update operators");
      }
      return {
        dataSource,
        method: "updateOne",
        args: { database, collection, query: filter, update: replacement, upsert },
        answer: updateAnswer,
      };
    }
    case "deleteOne":
    case "deleteMany": {
      const { dataSource, database, collection, filter } = parsed(action, body);
      return { dataSource, method: action, args: { database, collection, query: filter }, answer: same };
    }
    case "aggregate": {
      const { dataSource, database, collection, pipeline } = parsed(action, body);
      return { dataSource, method: "aggregate", args: { database, collection, pipeline }, answer: (documents) => ({ documents }) };
    }
  }
}
