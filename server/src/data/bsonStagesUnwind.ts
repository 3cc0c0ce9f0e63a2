/**
 * `$unwind` as MongoDB 6.0/7.0 parses and runs it (document_source_unwind.cpp):
 *
 * - the specification is a string or an object of `path`, `includeArrayIndex` and
 *   `preserveNullAndEmptyArrays`, each checked with MongoDB's message; the path must start with `$`
 *   and both paths must be valid field paths (mingo silently unwound nothing for `"a"`, and took
 *   `includeArrayIndex: "$i"` as a field named `$i`);
 * - the path is read as Document::getNestedField reads it: through documents only, so a path that
 *   meets an array or a scalar before its end is missing (`"$x.y"` over `x: [{y: [3]}]` drops the
 *   document, mingo passed it through);
 * - an array gives one document per element, the element in the array's place; an empty array, null
 *   or a missing value gives nothing unless `preserveNullAndEmptyArrays` (then the document as it is,
 *   an empty array removed); any other value, a document `{}` included, passes through as one
 *   document (mingo dropped `{}`);
 * - `includeArrayIndex` sets the element's index (null for a value that was not an array) at its
 *   path, creating documents on the way and replacing a value that is not one (MutableDocument's
 *   getNestedField), so `"x.y"` gives `{x: {y: 0}}`, not a field named `x.y`. MongoDB's index is an
 *   Int64; the store reads Int64 values within 2^53 back as numbers, so it is a number here.
 * @packageDocumentation
 */
import { Lazy, type Iterator } from "mingo/lazy";
import type { Options } from "mingo/types";
import { bsonTypeName } from "./bsonNumbers.js";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { checkedFieldPath } from "./fieldPaths.js";
import { nestedValue, REMOVE, withValueAt } from "./bsonStagesPaths.js";

type PipelineOperator = (collection: Iterator, expr: unknown, options: Options) => Iterator;

/** A parsed `$unwind` specification. */
interface UnwindSpec {
  path: string[];
  preserve: boolean;
  indexPath: string[] | undefined;
}

/** Reads the specification in MongoDB's order of checks (DocumentSourceUnwind::createFromBson). */
function parseUnwind(spec: unknown): UnwindSpec {
  let prefixed = "";
  let preserve = false;
  let index: string | undefined;
  if (isPlainObject(spec)) {
    for (const [name, value] of Object.entries(spec)) {
      if (name === "path") {
        if (typeof value !== "string") throw mongoError(`expected a string as the path for $unwind stage, got ${bsonTypeName(value)}`);
        prefixed = value;
      } else if (name === "preserveNullAndEmptyArrays") {
        if (typeof value !== "boolean") {
          throw mongoError(`expected a boolean for the preserveNullAndEmptyArrays option to $unwind stage, got ${bsonTypeName(value)}`);
        }
        preserve = value;
      } else if (name === "includeArrayIndex") {
        if (typeof value !== "string" || value === "") {
          // (MongoDB's text has the two spaces)
          throw mongoError(`expected a non-empty string for the includeArrayIndex  option to $unwind stage, got ${bsonTypeName(value)}`);
        }
        if (value.startsWith("$"))
          throw mongoError(`includeArrayIndex option to $unwind stage should not be prefixed with a '$': ${value}`);
        index = value;
      } else {
        throw mongoError(`unrecognized option to $unwind stage: ${name}`);
      }
    }
  } else if (typeof spec === "string") {
    prefixed = spec;
  } else {
    throw mongoError(`expected either a string or an object as specification for $unwind stage, got ${bsonTypeName(spec)}`);
  }
  if (prefixed === "") throw mongoError("no path specified to $unwind stage");
  if (!prefixed.startsWith("$")) throw mongoError(`path option to $unwind stage should be prefixed with a '$': ${prefixed}`);
  return {
    path: checkedFieldPath(prefixed.slice(1)),
    preserve,
    indexPath: index === undefined ? undefined : checkedFieldPath(index),
  };
}

/**
 * `$unwind` (see the file's comment).
 * @param collection - the stage's input
 * @param expr - the specification
 * @throws ServerError 400 `MongoDBError` for a malformed specification, with MongoDB's message (15981, 28808–28812, 28818, 28822, FieldPath errors)
 */
export const unwindStage: PipelineOperator = (collection, expr) => {
  const { path, preserve, indexPath } = parseUnwind(expr);
  const indexed = (doc: Doc, i: number | null): Doc => (indexPath === undefined ? doc : withValueAt(doc, indexPath, i));
  function* unwound(): Generator<Doc> {
    for (let next = collection.next(); !next.done; next = collection.next()) {
      const doc = next.value as Doc;
      const value = nestedValue(doc, path);
      if (Array.isArray(value)) {
        if (value.length === 0) {
          if (preserve) yield indexed(withValueAt(doc, path, REMOVE), null);
          continue;
        }
        for (let i = 0; i < value.length; i++) yield indexed(withValueAt(doc, path, value[i]), i);
      } else if (value === null || value === undefined) {
        if (preserve) yield indexed(doc, null);
      } else {
        yield indexed(doc, null);
      }
    }
  }
  return Lazy(unwound());
};
