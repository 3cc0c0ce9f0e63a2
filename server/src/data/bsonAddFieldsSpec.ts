/**
 * The specification of `$addFields`/`$set` read as MongoDB reads it
 * (src/mongo/db/exec/add_fields_projection_executor.cpp): a tree of the paths it sets, dotted keys
 * and nested documents alike (`{"a.b": 1}` and `{a: {b: 1}}` both set `b` inside `a`, keeping `a`'s
 * other fields). A leaf is an expression: a value that is not a document, an operator document
 * (`{$add: […]}`), or an empty document (the value `{}`). The checks and their messages are
 * MongoDB's ProjectionSpecValidator's and FieldPath's, each error prefixed with
 * `Invalid <stage> :: caused by :: ` as DocumentSourceAddFields::create adds it.
 * @packageDocumentation
 */
import { bsonTypeName } from "./bsonNumbers.js";
import { fieldNameProblem, fieldPathProblem, MAX_PATH_COMPONENTS } from "./fieldPaths.js";
import { bsonText } from "./bsonText.js";
import { isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";

/** A value the stage computes: its expression and its place in a document's cache. */
export interface AddFieldsLeaf {
  /** The expression (unused when `empty`). */
  readonly expr: unknown;
  /** Whether the value is an empty document (`{}`), new in every place it is set. */
  readonly empty: boolean;
  /** The index of its value in the per-document cache. */
  readonly slot: number;
}

/** One level of the paths a stage sets: each name leads to a computed value or to a level below. */
export type AddFieldsLevel = Map<string, AddFieldsLeaf | AddFieldsLevel>;

/** A parsed `$addFields`/`$set` specification. */
export interface AddFieldsPlan {
  /** The top level of the paths set. */
  readonly root: AddFieldsLevel;
  /** How many leaves there are (the size of a document's cache). */
  readonly slots: number;
}

/** A node of the paths claimed so far, to find two that conflict. */
interface Claimed {
  end: boolean;
  readonly below: Map<string, Claimed>;
}

/**
 * Records a path among those already specified (ProjectionSpecValidator::ensurePathDoesNotConflictOrThrow).
 * @returns the path it conflicts with (itself when repeated, one it extends, or the first one that
 *   extends it in MongoDB's path order), or undefined
 */
function claim(root: Claimed, path: readonly string[]): string | undefined {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    if (node.end) return path.slice(0, i).join(".");
    const name = path[i] as string;
    let next = node.below.get(name);
    if (next === undefined) {
      next = { end: false, below: new Map() };
      node.below.set(name, next);
    }
    node = next;
  }
  if (node.end) return path.join(".");
  if (node.below.size > 0) {
    // the first path below in MongoDB's order (a name before any name it prefixes)
    const first = [...path];
    while (!node.end) {
      const name = [...node.below.keys()].reduce((a, b) => (b < a ? b : a));
      first.push(name);
      node = node.below.get(name) as Claimed;
    }
    return first.join(".");
  }
  node.end = true;
  return undefined;
}

/**
 * Puts a leaf in the tree. Where a name holds both a value and a level below (possible only with
 * empty documents, which claim no path: `{"a.b": {}, a: 1}`), the level wins, as MongoDB's
 * ProjectionNode applies a child before an expression of the same name; a later value replaces
 * an earlier one of the same path, in the earlier one's place.
 */
function place(root: AddFieldsLevel, path: readonly string[], leaf: AddFieldsLeaf): void {
  let level = root;
  for (const name of path.slice(0, -1)) {
    let next = level.get(name);
    if (!(next instanceof Map)) {
      next = new Map();
      level.set(name, next);
    }
    level = next;
  }
  const last = path[path.length - 1] as string;
  if (!(level.get(last) instanceof Map)) level.set(last, leaf);
}

/**
 * Reads an `$addFields`/`$set` specification.
 * @param stage - the stage's name as written (`$addFields` or `$set`), for messages
 * @param spec - the stage's argument
 * @returns the paths to set
 * @throws ServerError 400 `MongoDBError` for an argument that is not a document (40272), a
 *   `$`-prefixed, empty or too long field name (FieldPath's 16410, 15998, 40352, 40353), an
 *   operator document with other fields (40181), a dotted name inside a nested document (40183),
 *   or two paths of which one is, or extends, the other (40176)
 */
export function addFieldsPlan(stage: string, spec: unknown): AddFieldsPlan {
  if (!isPlainObject(spec)) throw mongoError(`${stage} specification stage must be an object, got ${bsonTypeName(spec)}`);
  const fail = (message: string): never => {
    throw mongoError(`Invalid ${stage} :: caused by :: ${message}`);
  };
  const root: AddFieldsLevel = new Map();
  const claimed: Claimed = { end: false, below: new Map() };
  let slots = 0;

  const leaf = (path: readonly string[], expr: unknown, empty = false): void => {
    // an empty document claims no path (parseNestedObject sees no field in it)
    if (!empty) {
      const conflict = claim(claimed, path);
      if (conflict !== undefined) {
        const full = path.join(".");
        fail(`specification contains two conflicting paths. Cannot specify both '${full}' and '${conflict}': ${bsonText(spec)}`);
      }
    }
    place(root, path, { expr, empty, slot: slots++ });
  };

  // the value at `path`: an expression, or a nested specification (ProjectionSpecValidator::parseNestedObject)
  const read = (path: string[], value: unknown): void => {
    if (!isPlainObject(value)) return leaf(path, value);
    const names = Object.keys(value);
    if (names.length === 0) return leaf(path, value, true);
    for (const name of names) {
      if (name.startsWith("$")) {
        if (names.length !== 1) {
          fail(
            `an expression specification must contain exactly one field, the name of the expression. Found ${names.length} fields in ${bsonText(value)}, while parsing object ${bsonText(spec)}`,
          );
        }
        return leaf(path, value);
      }
      if (name.includes(".")) fail(`cannot use dotted field name '${name}' in a sub object: ${bsonText(spec)}`);
      // FieldPath(prefix + "." + name): only the new name can be wrong
      if (name === "") fail("FieldPath must not end with a '.'.");
      if (path.length >= MAX_PATH_COMPONENTS) fail("FieldPath is too long");
      const problem = fieldNameProblem(name);
      if (problem !== undefined) fail(problem);
      read([...path, name], value[name]);
    }
  };

  for (const [key, value] of Object.entries(spec)) {
    const problem = fieldPathProblem(key);
    if (problem !== undefined) fail(problem);
    read(key.split("."), value);
  }
  return { root, slots };
}
