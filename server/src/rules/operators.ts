/**
 * What App Services keeps for system code: query operators, aggregation stages and aggregation
 * operators that application users (clients and functions that do not run as system) may not use.
 * Source: the "CRUD & Aggregation APIs" page of the App Services documentation.
 * @packageDocumentation
 */
import { BSONRegExp } from "bson";
import { isPlainObject } from "../data/bsonValues.js";
import { notAllowedForUsers } from "./errors.js";

/** Query operators only system functions may use (evaluation, geospatial and bitwise operators). */
export const SYSTEM_ONLY_QUERY_OPERATORS = new Set([
  "$expr",
  "$jsonSchema",
  "$regex",
  "$text",
  "$where",
  "$geoIntersects",
  "$geoWithin",
  "$near",
  "$nearSphere",
  "$bitsAllClear",
  "$bitsAllSet",
  "$bitsAnyClear",
  "$bitsAnySet",
]);

/** Aggregation stages only system functions may use. */
export const SYSTEM_ONLY_STAGES = new Set([
  "$collStats",
  "$facet",
  "$geoNear",
  "$graphLookup",
  "$indexStats",
  "$lookup",
  "$merge",
  "$out",
  "$search",
  "$searchMeta",
  "$unionWith",
]);

/** Aggregation operators only system functions may use. */
export const SYSTEM_ONLY_EXPRESSION_OPERATORS = new Set(["$function", "$accumulator", "$setIsSubset", "$where"]);

function isRegex(value: unknown): boolean {
  return value instanceof RegExp || value instanceof BSONRegExp;
}

/**
 * Refuses a query that uses an operator reserved for system code; a regular expression value counts
 * as `$regex`.
 * @param query - a filter (possibly undefined)
 * @throws ServerError 400 `MongoDBError` naming the operator
 */
export function checkUserQuery(query: unknown): void {
  if (isRegex(query)) throw notAllowedForUsers("$regex", "query operator");
  if (Array.isArray(query)) {
    for (const part of query) checkUserQuery(part);
    return;
  }
  if (!isPlainObject(query)) return;
  for (const [key, value] of Object.entries(query)) {
    if (SYSTEM_ONLY_QUERY_OPERATORS.has(key)) throw notAllowedForUsers(key, "query operator");
    checkUserQuery(value);
  }
}

function checkExpression(value: unknown): void {
  if (Array.isArray(value)) {
    for (const part of value) checkExpression(part);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, inner] of Object.entries(value)) {
    if (SYSTEM_ONLY_EXPRESSION_OPERATORS.has(key)) throw notAllowedForUsers(key, "aggregation operator");
    checkExpression(inner);
  }
}

/**
 * Refuses a pipeline that uses a stage or operator reserved for system code; `$match` stages are
 * checked as queries.
 * @param pipeline - aggregation stages
 * @throws ServerError 400 `MongoDBError` naming the stage or operator
 */
export function checkUserPipeline(pipeline: unknown[]): void {
  for (const stage of pipeline) {
    if (!isPlainObject(stage)) continue;
    for (const [name, body] of Object.entries(stage)) {
      if (SYSTEM_ONLY_STAGES.has(name)) throw notAllowedForUsers(name, "aggregation stage");
      if (name === "$match") checkUserQuery(body);
      else checkExpression(body);
    }
  }
}

/**
 * Refuses an update that uses an aggregation operator reserved for system code (pipeline updates),
 * or a query operator inside `$pull` conditions.
 * @param update - an update document, replacement or pipeline
 * @throws ServerError 400 `MongoDBError` naming the operator
 */
export function checkUserUpdate(update: unknown): void {
  if (Array.isArray(update)) {
    checkUserPipeline(update);
    return;
  }
  if (!isPlainObject(update)) return;
  const pull = update.$pull;
  if (pull !== undefined) checkUserQuery(pull);
  checkExpression(update);
}
