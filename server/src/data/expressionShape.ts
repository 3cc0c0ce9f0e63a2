/**
 * The expressions of a pipeline's stages, checked as MongoDB parses them, before any document
 * flows: an object whose first field starts with `$` is an operator call with exactly one field and
 * an operator the server knows; `$group` (and `$bucket`'s `output`) fields are accumulator objects
 * naming one known accumulator. mingo found such problems only when a document reached the
 * expression, with its own words ("accumulator '$foo' is not registered."), so a pipeline on an
 * empty collection answered `[]`. Sources: mongo/db/pipeline/expression.cpp (`parseObject`,
 * `parseExpression`), accumulation_statement.cpp and document_source_group.cpp.
 * @packageDocumentation
 */
import { isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { checkNSpec } from "./bsonGroupAccumulatorsN.js";

/** Tells whether the server knows an operator of a kind. */
export type KnownOperator = (kind: "expression" | "accumulator", name: string) => boolean;

/** Expression operators MongoDB has that this server does not evaluate. */
const NOT_SUPPORTED = new Set(["$binarySize", "$bsonSize", "$meta", "$tsIncrement", "$tsSecond", "$toUUID", "$toHashedIndexKey"]);

/** Accumulators of one operand: an array operand is refused in `$group` (40237; a window takes it as an array). */
const UNARY = new Set([
  "$sum",
  "$avg",
  "$min",
  "$max",
  "$first",
  "$last",
  "$push",
  "$addToSet",
  "$stdDevPop",
  "$stdDevSamp",
  "$mergeObjects",
]);

/** Window functions mingo also knows as accumulators, which MongoDB's `$group` does not. */
const WINDOW_ONLY = new Set([
  "$covariancePop",
  "$covarianceSamp",
  "$derivative",
  "$integral",
  "$expMovingAvg",
  "$rank",
  "$denseRank",
  "$documentNumber",
  "$shift",
  "$locf",
  "$linearFill",
]);

/** Operators whose argument is a constant, never walked. */
const CONSTANT = new Set(["$literal", "$const"]);

/**
 * Checks an expression (see the module's summary); walks arrays, operator arguments and the
 * fields of expression objects. Linear in the expression's size.
 * @param expr - the expression
 * @param known - the server's operators
 * @throws ServerError 400 `MongoDBError` "Unrecognized expression '$x'", or for an operator object of more than one field
 */
export function checkExpression(expr: unknown, known: KnownOperator): void {
  if (Array.isArray(expr)) {
    for (const item of expr) checkExpression(item, known);
    return;
  }
  if (!isPlainObject(expr)) return;
  const keys = Object.keys(expr);
  const first = keys[0];
  if (first !== undefined && first.startsWith("$")) {
    if (keys.length !== 1) throw mongoError(`An object representing an expression must have exactly one field: ${keys.join(", ")}`);
    if (CONSTANT.has(first)) return;
    if (NOT_SUPPORTED.has(first)) throw mongoError(`${first} is not supported by this server`);
    if (!known("expression", first) && !known("accumulator", first)) throw mongoError(`Unrecognized expression '${first}'`);
    checkExpression(expr[first], known);
    return;
  }
  for (const key of keys) checkExpression(expr[key], known);
}

/**
 * Checks the accumulator fields of a `$group` (or `$bucket`'s / `$bucketAuto`'s `output`): each an
 * object naming one known accumulator, whose argument is an expression.
 * @param fields - the fields (without `_id`)
 * @param known - the server's operators
 * @throws ServerError 400 `MongoDBError` with MongoDB's message for a malformed field, an unknown accumulator, an array operand of a unary one, or a malformed `$count`, `N` or `$top`/`$bottom` specification
 */
export function checkAccumulatorFields(fields: Record<string, unknown>, known: KnownOperator): void {
  for (const [name, spec] of Object.entries(fields)) {
    if (name.startsWith("$")) throw mongoError(`The field name '${name}' cannot be an operator name`);
    if (name.includes(".")) throw mongoError(`The field name '${name}' cannot contain '.'`);
    if (!isPlainObject(spec) || Object.keys(spec).length === 0) throw mongoError(`The field '${name}' must be an accumulator object`);
    const ops = Object.keys(spec);
    if (ops.length > 1) throw mongoError(`The field '${name}' must specify one accumulator`);
    const op = ops[0] as string;
    if (!known("accumulator", op) || WINDOW_ONLY.has(op)) throw mongoError(`unknown group operator '${op}'`);
    const arg = spec[op];
    if (UNARY.has(op) && Array.isArray(arg)) throw mongoError(`The ${op} accumulator is a unary operator`);
    if (op === "$count" && !(isPlainObject(arg) && Object.keys(arg).length === 0))
      throw mongoError("$count takes no arguments, i.e. $count:{}");
    checkNSpec(op, arg);
    checkExpression(arg, known);
  }
}

/**
 * Checks `$addFields`' values: a nested specification is walked, an operator object of more than
 * one field (40181) and a field name starting with `$` (16410) are the stage's own errors
 * (bsonAddFields.ts), so they are left to it.
 */
function checkAddedFields(spec: Record<string, unknown>, known: KnownOperator): void {
  for (const value of Object.values(spec)) {
    if (!isPlainObject(value)) checkExpression(value, known);
    else if (!(Object.keys(value)[0] ?? "").startsWith("$")) checkAddedFields(value, known);
    else if (Object.keys(value).length === 1) checkExpression(value, known);
  }
}

/** Checks `$project`'s specification: nested projections, and expressions where a value is one. */
function checkProjection(spec: Record<string, unknown>, known: KnownOperator): void {
  for (const value of Object.values(spec)) {
    if (isPlainObject(value) && !(Object.keys(value)[0] ?? "").startsWith("$")) checkProjection(value, known);
    else checkExpression(value, known);
  }
}

/**
 * Checks the expressions of one stage (the stages that take them; others are left to their own
 * parsing). `$facet`, `$lookup` and `$unionWith` sub-pipelines are checked by pipelineShape.ts.
 * @param name - the stage's name
 * @param spec - its specification
 * @param known - the server's operators
 * @throws ServerError 400 `MongoDBError` as {@link checkExpression} and {@link checkAccumulatorFields}, and for a `$group` that is no object or has no `_id`
 */
export function checkStageExpressions(name: string, spec: unknown, known: KnownOperator): void {
  switch (name) {
    case "$group": {
      if (!isPlainObject(spec)) throw mongoError("a group's fields must be specified in an object");
      if (!("_id" in spec)) throw mongoError("a group specification must include an _id");
      const { _id: key, ...fields } = spec;
      checkExpression(key, known);
      checkAccumulatorFields(fields, known);
      return;
    }
    case "$project":
      if (isPlainObject(spec)) checkProjection(spec, known);
      return;
    case "$addFields":
    case "$set":
      if (isPlainObject(spec)) checkAddedFields(spec, known);
      return;
    case "$replaceWith":
    case "$redact":
    case "$sortByCount":
      checkExpression(spec, known);
      return;
    case "$replaceRoot":
      if (isPlainObject(spec)) checkExpression(spec.newRoot, known);
      return;
    case "$match":
      if (isPlainObject(spec) && "$expr" in spec) checkExpression(spec.$expr, known);
      return;
    case "$lookup":
      if (isPlainObject(spec) && isPlainObject(spec.let)) checkExpression(spec.let, known);
      return;
    case "$bucket":
    case "$bucketAuto":
      if (!isPlainObject(spec)) return;
      checkExpression(spec.groupBy, known);
      if (isPlainObject(spec.output)) checkAccumulatorFields(spec.output, known);
      return;
    default:
  }
}
