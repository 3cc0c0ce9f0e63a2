/**
 * What MongoDB checks when it parses an operator update, before it looks for a document
 * (update_driver.cpp, update_object_node.cpp): every operator is known and names its fields in a
 * document, and no field conflicts with another one. Fields conflict when one is, holds or lies
 * within another (`a` and `a.b`, whatever their operators, `$setOnInsert` and both of a
 * `$rename`'s fields included), or when one steps into an array by `$[]`/`$[id]` where another
 * steps in by a field name or an index (`a.$[].t` and `a.0.n`). mingo found some of these only
 * when a document matched, with its own words, and some never.
 * @packageDocumentation
 */
import { bsonTypeName } from "./bsonNumbers.js";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { shown } from "./updateTypes.js";

const OPERATORS = new Set([
  "$currentDate",
  "$inc",
  "$min",
  "$max",
  "$mul",
  "$rename",
  "$set",
  "$setOnInsert",
  "$unset",
  "$addToSet",
  "$pop",
  "$pull",
  "$push",
  "$pullAll",
  "$bit",
]);

/**
 * Checks that every operator of an update is one MongoDB knows and holds a document of fields.
 * @param update - the operators
 * And that each `$rename` names a string destination that is not its source, nor on its path.
 * @throws ServerError `MongoDBError` `Unknown modifier: $foo. …`, `Modifiers operate on fields but we found type int instead. …`,
 * `The source and target field for $rename must differ: a: "a"`
 */
export function checkOperators(update: Doc): void {
  for (const [op, fields] of Object.entries(update)) {
    if (!OPERATORS.has(op))
      throw mongoError(`Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    if (!isPlainObject(fields))
      throw mongoError(
        `Modifiers operate on fields but we found type ${bsonTypeName(fields)} instead. For example: {$mod: {<field>: ...}} not {${op}: ${shown(fields)}}`,
      );
    if (op === "$rename") for (const [from, to] of Object.entries(fields)) checkRename(from, to);
  }
}

/** A `$rename` field as MongoDB's RenameNode parses it. */
function checkRename(from: string, to: unknown): void {
  if (typeof to !== "string") throw mongoError(`The 'to' field for $rename must be a string: ${from}: ${shown(to)}`);
  if (to === from) throw mongoError(`The source and target field for $rename must differ: ${from}: "${to}"`);
  if (to.startsWith(`${from}.`) || from.startsWith(`${to}.`))
    throw mongoError(`The source and target field for $rename must not be on the same path: ${from}: "${to}"`);
}

/** The paths an update names, in the order sent (`$rename` by its source, then its destination). */
function namedPaths(update: Doc): string[] {
  const out: string[] = [];
  for (const [op, fields] of Object.entries(update)) {
    if (!isPlainObject(fields)) continue;
    for (const [path, to] of Object.entries(fields)) {
      out.push(path);
      if (op === "$rename" && typeof to === "string") out.push(to);
    }
  }
  return out;
}

const isArrayStep = (part: string): boolean => part.startsWith("$[") && part.endsWith("]");

/**
 * Refuses an update two of whose fields conflict, as MongoDB does when it builds the update's tree
 * of fields (in linear time: an update through `$[]` may name many thousands of paths).
 * @param update - the operators
 * @throws ServerError `MongoDBError` `Updating the path 'a.b' would create a conflict at 'a'` (the
 * later field, and where it meets the earlier one)
 */
export function checkPathConflicts(update: Doc): void {
  const leaves = new Set<string>();
  const inner = new Set<string>();
  // a path → whether the fields below it step into an array by `$[]`/`$[id]`
  const arraySteps = new Map<string, boolean>();
  const conflict = (path: string, at: string): Error => mongoError(`Updating the path '${path}' would create a conflict at '${at}'`);
  for (const path of namedPaths(update)) {
    const parts = path.split(".");
    let prefix = parts[0] ?? "";
    for (let i = 1; i < parts.length; i++) {
      if (leaves.has(prefix)) throw conflict(path, prefix);
      const part = parts[i] as string;
      const step = isArrayStep(part);
      const known = arraySteps.get(prefix);
      if (known !== undefined && known !== step) throw conflict(path, prefix);
      arraySteps.set(prefix, step);
      prefix = `${prefix}.${part}`;
    }
    if (leaves.has(path) || inner.has(path)) throw conflict(path, path);
    leaves.add(path);
    for (let dot = path.indexOf("."); dot >= 0; dot = path.indexOf(".", dot + 1)) inner.add(path.slice(0, dot));
  }
}
