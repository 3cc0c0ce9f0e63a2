/**
 * Validation of the single argument object of each MongoDB service method, as realm-web 2.0.1
 * and realm-js v12 send it (see app-services-protocol.md §5).
 * @packageDocumentation
 */
import { z } from "zod";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { invalidParameter } from "./errors.js";

/** A document argument: a plain object (not an array, a BSON value or a date). */
export const documentArg = z.custom<Doc>(isPlainObject, { message: "must be an object" });
const doc = documentArg;
const update = z.union([doc, z.array(doc)]);
const count = z.number().int().finite();

const target = { database: z.string().min(1), collection: z.string().min(1) };

/** Schemas of the argument object per method name. */
export const argSchemas = {
  // `skip` is this server's (realm-web sends none): function cursors and the Data API use it
  find: z.object({
    ...target,
    query: doc.optional(),
    project: doc.optional(),
    sort: doc.optional(),
    limit: count.optional(),
    skip: z.number().int().nonnegative().optional(),
  }),
  findOne: z.object({ ...target, query: doc.optional(), project: doc.optional(), sort: doc.optional() }),
  findOneAndUpdate: z.object({
    ...target,
    filter: doc.optional(),
    update,
    sort: doc.optional(),
    projection: doc.optional(),
    upsert: z.boolean().optional(),
    returnNewDocument: z.boolean().optional(),
  }),
  findOneAndReplace: z.object({
    ...target,
    filter: doc.optional(),
    update: doc.optional(),
    sort: doc.optional(),
    projection: doc.optional(),
    upsert: z.boolean().optional(),
    returnNewDocument: z.boolean().optional(),
  }),
  findOneAndDelete: z.object({ ...target, filter: doc.optional(), sort: doc.optional(), projection: doc.optional() }),
  aggregate: z.object({ ...target, pipeline: z.array(doc) }),
  count: z.object({ ...target, query: doc.optional(), limit: count.optional() }),
  insertOne: z.object({ ...target, document: doc }),
  insertMany: z.object({ ...target, documents: z.array(doc).min(1) }),
  updateOne: z.object({ ...target, query: doc.optional(), update, upsert: z.boolean().optional(), arrayFilters: z.array(doc).optional() }),
  updateMany: z.object({ ...target, query: doc.optional(), update, upsert: z.boolean().optional(), arrayFilters: z.array(doc).optional() }),
  deleteOne: z.object({ ...target, query: doc.optional() }),
  deleteMany: z.object({ ...target, query: doc.optional() }),
} as const;

/** A method name of the MongoDB service. */
export type MethodName = keyof typeof argSchemas;
/** The parsed argument object of a method. */
export type ArgsOf<M extends MethodName> = z.infer<(typeof argSchemas)[M]>;

/**
 * True if `name` is a MongoDB service method.
 * @param name - a function name from a `functions/call` request
 */
export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(argSchemas, name);
}

/**
 * Validates the argument list of a method call (exactly one argument object).
 * @param name - the method
 * @param args - the `arguments` array of the request
 * @returns the parsed argument object
 * @throws ServerError `InvalidParameter` naming the offending field
 */
export function parseArgs<M extends MethodName>(name: M, args: unknown[]): ArgsOf<M> {
  if (!Array.isArray(args) || args.length < 1) throw invalidParameter(`${name}: expected one argument object`);
  const result = argSchemas[name].safeParse(args[0]);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join(".") : "argument";
    throw invalidParameter(`${name}: ${where} ${issue?.message ?? "is invalid"}`);
  }
  return result.data as ArgsOf<M>;
}
