/**
 * `$addFields` and `$set` as MongoDB runs them where mingo's differ, and the checks MongoDB makes
 * of `$unset`'s and `$replaceRoot`'s specifications.
 *
 * `$addFields` follows src/mongo/db/exec/projection_node.cpp (ProjectionNode::applyExpressions /
 * applyExpressionsToValue): a path through an array is set in every element — the rest of the path
 * inside an element that is a document, a new document holding the rest of the path in place of a
 * scalar element, and the same again inside an element that is an array; a missing or scalar value
 * on the way becomes a new document. Every value is computed against the input document. A name is
 * a field name, never an array index (`"a.0"` sets a field `0`). Existing fields keep their place;
 * new ones follow, in the specification's order. mingo left a path through an array unchanged and
 * replaced a document given as a nested specification (`{a: {b: 1}}`) instead of setting `a.b`.
 *
 * Each expression is evaluated at most once per document, when a place to set it is first reached
 * (MongoDB evaluates it for every place, with the same result but for `$rand`), so the work is
 * linear in the document and the specification.
 * @packageDocumentation
 */
import { evalExpr } from "mingo/core";
import type { Iterator } from "mingo/lazy";
import * as pipelineOperators from "mingo/operators/pipeline";
import type { Options } from "mingo/types";
import { addFieldsPlan, type AddFieldsLeaf, type AddFieldsLevel, type AddFieldsPlan } from "./bsonAddFieldsSpec.js";
import { fieldPathProblem } from "./fieldPaths.js";
import { bsonTypeName } from "./bsonNumbers.js";
import { defineOwn, isPlainObject, MAX_NESTING, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";

type PipelineOperator = (collection: Iterator, expr: unknown, options: Options) => Iterator;

const NOT_EVALUATED = Symbol("not evaluated");

/** Sets an own field: an assignment, but for a field named `__proto__` (see defineOwn). */
function setOwn(target: Doc, name: string, value: unknown): void {
  if (name === "__proto__") defineOwn(target, name, value);
  else target[name] = value;
}

/**
 * One document with the plan's fields set (a copy: the input is not changed).
 * @throws ServerError 400 `MongoDBError` when the result would be nested deeper than MongoDB's limit
 */
function applyPlan(plan: AddFieldsPlan, doc: Doc, options: Options): Doc {
  const values: unknown[] = new Array<unknown>(plan.slots).fill(NOT_EVALUATED);
  const valueOf = (leaf: AddFieldsLeaf): unknown => {
    if (leaf.empty) return {};
    let value = values[leaf.slot];
    if (value === NOT_EVALUATED) {
      value = evalExpr(doc, leaf.expr, options);
      values[leaf.slot] = value;
    }
    return value;
  };

  const intoDocument = (target: Doc, level: AddFieldsLevel, depth: number): Doc => {
    for (const [name, node] of level) {
      if (node instanceof Map) {
        setOwn(target, name, intoValue(Object.hasOwn(target, name) ? target[name] : undefined, node, depth + 1));
      } else {
        const value = valueOf(node);
        // a missing value ($$REMOVE, a missing field) removes the field
        if (value === undefined) delete target[name];
        else setOwn(target, name, value);
      }
    }
    return target;
  };

  const intoValue = (value: unknown, level: AddFieldsLevel, depth: number): unknown => {
    if (depth > MAX_NESTING) throw mongoError(`a result document is nested deeper than ${MAX_NESTING} levels, MongoDB's limit`);
    if (isPlainObject(value)) return intoDocument({ ...value }, level, depth);
    if (Array.isArray(value)) return value.map((element: unknown) => intoValue(element, level, depth + 1));
    return intoDocument({}, level, depth);
  };

  return intoDocument({ ...doc }, plan.root, 1);
}

/** `$addFields` (and `$set`) under the name it was written with, for messages. */
function addFieldsStage(stage: string): PipelineOperator {
  return (collection, expr, options) => {
    const plan = addFieldsPlan(stage, expr);
    if (plan.slots === 0) return collection;
    return collection.map((doc: unknown) => (isPlainObject(doc) ? applyPlan(plan, doc, options) : doc));
  };
}

type Collisions = Map<string, Collisions | true>;

/**
 * Checks `$unset`'s argument as DocumentSourceProject::createFromBson (31002, 31119, 31120) and the
 * exclusion projection it becomes (projection_ast parse: FieldPath checks, and 31249/31250 for a
 * path that repeats or extends another), with MongoDB's `Invalid $unset :: caused by :: ` prefix.
 * @throws ServerError 400 `MongoDBError` for an argument MongoDB refuses
 */
function checkUnset(expr: unknown): void {
  if (typeof expr !== "string" && !Array.isArray(expr)) throw mongoError("$unset specification must be a string or an array");
  const paths: unknown[] = typeof expr === "string" ? [expr] : expr;
  if (paths.length === 0) throw mongoError("$unset specification must be a string or an array with at least one field");
  if (!paths.every((path) => typeof path === "string")) {
    throw mongoError("$unset specification must be a string or an array containing only string values");
  }
  const root: Collisions = new Map();
  for (const path of paths) {
    const problem = fieldPathProblem(path);
    if (problem !== undefined) throw mongoError(`Invalid $unset :: caused by :: ${problem}`);
    const names = path.split(".");
    let level = root;
    names.forEach((name, i) => {
      const child = level.get(name);
      if (i === names.length - 1) {
        if (child !== undefined) throw mongoError(`Invalid $unset :: caused by :: Path collision at ${path}`);
        level.set(name, true);
      } else if (child === true) {
        throw mongoError(`Invalid $unset :: caused by :: Path collision at ${path} remaining portion ${names.slice(1).join(".")}`);
      } else if (child === undefined) {
        const created: Collisions = new Map();
        level.set(name, created);
        level = created;
      } else level = child;
    });
  }
}

/** `$unset` with MongoDB's checks of its argument, then mingo's. */
const unsetStage: PipelineOperator = (collection, expr, options) => {
  checkUnset(expr);
  return (pipelineOperators.$unset as unknown as PipelineOperator)(collection, expr, options);
};

/**
 * `$replaceRoot` with the checks of its specification (document_source_replace_root.cpp: 40229;
 * the IDL ReplaceRootSpec, strict: 40415 for an unknown field, 40414 without `newRoot`), then mingo's.
 */
const replaceRootStage: PipelineOperator = (collection, expr, options) => {
  if (!isPlainObject(expr)) throw mongoError(`expected an object as specification for $replaceRoot stage, got ${bsonTypeName(expr)}`);
  for (const key of Object.keys(expr)) {
    if (key !== "newRoot") throw mongoError(`BSON field '$replaceRoot.${key}' is an unknown field.`);
  }
  if (!Object.hasOwn(expr, "newRoot")) throw mongoError("BSON field '$replaceRoot.newRoot' is missing but a required field");
  return (pipelineOperators.$replaceRoot as unknown as PipelineOperator)(collection, expr, options);
};

/**
 * The stages of this file, to lay over mingo's.
 * @throws ServerError 400 `MongoDBError` (when a stage is built) for a specification MongoDB refuses
 */
export const addFieldsStages: Record<string, PipelineOperator> = {
  $addFields: addFieldsStage("$addFields"),
  $set: addFieldsStage("$set"),
  $unset: unsetStage,
  $replaceRoot: replaceRootStage,
};
