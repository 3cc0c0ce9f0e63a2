/**
 * `$limit`, `$skip` and `$count` as MongoDB 6.0/7.0 parse and run them.
 *
 * `$limit` and `$skip` read their argument with BSONElement::parseIntegerElementToNonNegativeLong
 * (document_source_limit.cpp, document_source_skip.cpp; bsonelement.cpp): any number type that
 * holds a whole number within 64 bits (`2`, `2.0`, `Long(2)`, `Decimal128("2")`); a fraction, NaN,
 * a value beyond 64 bits, a negative number or a non-number is an error that quotes the element,
 * and a limit of 0 is "the limit must be positive". mingo took `$limit: 1.5` as no limit,
 * `$limit: 0`/`null` as an empty result and `$skip: null` as no skip.
 *
 * `$count: name` is a `$group` by null summing 1 then a `$project` of the name
 * (document_source_count.cpp), so an empty input gives no document (mingo gave `{name: 0}`), and a
 * name of `_id` meets the `$group`'s own check.
 * @packageDocumentation
 */
import { Lazy, type Iterator } from "mingo/lazy";
import type { Options } from "mingo/types";
import { D } from "./bsonArithmetic.js";
import { bsonType } from "./bsonNumbers.js";
import { defineOwn, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { bsonText } from "./bsonText.js";

type PipelineOperator = (collection: Iterator, expr: unknown, options: Options) => Iterator;

const TWO_63 = 2 ** 63;

/**
 * A stage's argument as parseIntegerElementToNonNegativeLong reads it.
 * @returns the number, or the reason MongoDB gives (its text quotes the element)
 */
function nonNegativeLong(stage: string, v: unknown): number | string {
  const shown = `${stage}: ${bsonText(v)}`;
  let n: number;
  const type = bsonType(v);
  if (typeof v === "number" || type === "Int32" || type === "Double") {
    n = typeof v === "number" ? v : (v as { value: number }).value;
    if (Number.isNaN(n)) return `Expected an integer, but found NaN in: ${shown}`;
    if (n >= TWO_63 || n < -TWO_63) return `Cannot represent as a 64-bit integer: ${shown}`;
    if (!Number.isInteger(n)) return `Expected an integer: ${shown}`;
  } else if (type === "Long") {
    n = Number(String(v));
  } else if (type === "Decimal128") {
    // Decimal128::toLongExact: any rounding (a fraction), NaN or overflow sets a flag
    const d = new D(String(v));
    if (!d.isFinite() || !d.isInteger() || d.gte(TWO_63) || d.lt(-TWO_63)) return `Cannot represent as a 64-bit integer: ${shown}`;
    n = d.toNumber();
  } else {
    return `Expected a number in: ${shown}`;
  }
  return n < 0 ? `Expected a non-negative number in: ${shown}` : n;
}

/**
 * `$limit` (see the file's comment).
 * @param collection - the stage's input
 * @param expr - the limit
 * @throws ServerError 400 `MongoDBError` "invalid argument to $limit stage: …" (5107201) or "the limit must be positive" (15958)
 */
export const limitStage: PipelineOperator = (collection, expr) => {
  const n = nonNegativeLong("$limit", expr);
  if (typeof n === "string") throw mongoError(`invalid argument to $limit stage: ${n}`);
  if (n === 0) throw mongoError("the limit must be positive");
  return collection.take(n);
};

/**
 * `$skip` (see the file's comment).
 * @param collection - the stage's input
 * @param expr - how many documents to skip
 * @throws ServerError 400 `MongoDBError` "invalid argument to $skip stage: …" (5107200)
 */
export const skipStage: PipelineOperator = (collection, expr) => {
  const n = nonNegativeLong("$skip", expr);
  if (typeof n === "string") throw mongoError(`invalid argument to $skip stage: ${n}`);
  return n === 0 ? collection : collection.drop(n);
};

/**
 * `$count` (see the file's comment): one document `{name: n}`, none for an empty input.
 * @param collection - the stage's input
 * @param expr - the name of the count's field
 * @throws ServerError 400 `MongoDBError` for a name that is not a non-empty string (40156, 40157), starts with `$` (40158), holds a NUL (40159) or a dot (40160), or is `_id` ("a group's _id may only be specified once", 15948)
 */
export const countStage: PipelineOperator = (collection, expr) => {
  if (typeof expr !== "string" || expr === "") throw mongoError("the count field must be a non-empty string");
  if (expr.startsWith("$")) throw mongoError("the count field cannot be a $-prefixed path");
  if (expr.includes("\0")) throw mongoError("the count field cannot contain a null byte");
  if (expr.includes(".")) throw mongoError("the count field cannot contain '.'");
  // the desugared $group names `_id` twice
  if (expr === "_id") throw mongoError("a group's _id may only be specified once");
  const name = expr;
  function* counted(): Generator<Doc> {
    let n = 0;
    while (!collection.next().done) n++;
    if (n === 0) return;
    const out: Doc = {};
    defineOwn(out, name, n);
    yield out;
  }
  return Lazy(counted());
};
