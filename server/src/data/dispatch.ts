/**
 * Dispatch of a MongoDB service method to its handler, with its argument object validated.
 * @packageDocumentation
 */
import { parseArgs, type ArgsOf, type MethodName } from "./args.js";
import type { DocRegistry } from "./collection.js";
import { findOneAndDelete, findOneAndReplace, findOneAndUpdate } from "./findAndModify.js";
import { aggregate, count, find, findOne } from "./readMethods.js";
import { deleteMany, deleteOne, insertMany, insertOne, updateMany, updateOne } from "./writeMethods.js";

type Handlers = { [M in MethodName]: (reg: DocRegistry, a: ArgsOf<M>) => unknown };

const handlers: Handlers = {
  find,
  findOne,
  count,
  aggregate,
  insertOne,
  insertMany,
  updateOne,
  updateMany,
  deleteOne,
  deleteMany,
  findOneAndUpdate,
  findOneAndReplace,
  findOneAndDelete,
};

/** The methods that write. */
export const WRITE_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  "insertOne",
  "insertMany",
  "updateOne",
  "updateMany",
  "deleteOne",
  "deleteMany",
  "findOneAndUpdate",
  "findOneAndReplace",
  "findOneAndDelete",
]);

/**
 * Validates the arguments of a method and runs it (synchronously) on a registry.
 * @param reg - the collections
 * @param name - the method
 * @param args - the normalised `arguments` array of the request
 * @returns the method's result
 * @throws ServerError `InvalidParameter` for bad arguments, `MongoDBError` for failing queries or updates
 */
export function dispatch<M extends MethodName>(reg: DocRegistry, name: M, args: unknown[]): unknown {
  const handler = handlers[name] as (reg: DocRegistry, a: ArgsOf<M>) => unknown;
  return handler(reg, parseArgs(name, args));
}
