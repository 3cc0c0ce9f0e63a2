/**
 * `$fill` as MongoDB 6.0/7.0 parses and runs it (document_source_fill.cpp): a `$setWindowFields`
 * with `{$locf: "$f"}` or `{$linearFill: "$f"}` for each field filled by a `method`, then an
 * `$addFields` with `{$ifNull: ["$f", value]}` for each field filled by a `value`.
 *
 * Both stages are the ones of the server's operator context (its `$setWindowFields` runs mingo's
 * with scripts enabled inside that stage only, see mingoOptions.ts). mingo's own `$fill` called
 * mingo's `$setWindowFields` directly, with the request's options, where scripts are off, so
 * `method: "locf"` and `method: "linear"` always failed ("$function requires 'scriptEnabled'
 * option to be true"). The specification is checked as MongoDB's IDL parser and
 * document_source_fill.cpp check it.
 * @packageDocumentation
 */
import { OpType } from "mingo/core";
import type { Iterator } from "mingo/lazy";
import type { Options } from "mingo/types";
import { bsonTypeName } from "./bsonNumbers.js";
import { defineOwn, isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { idlFields } from "./bsonStagesText.js";

type PipelineOperator = (collection: Iterator, expr: unknown, options: Options) => Iterator;

/** The stages `$fill` becomes, as `[stage name, specification]`. */
type Desugared = [string, Doc][];

/** MongoDB's `$fill` methods and the window operators they become. */
const METHODS: Record<string, string> = { locf: "$locf", linear: "$linearFill" };

/**
 * The stages a `$fill` specification becomes (document_source_fill::createFromBson).
 * @throws ServerError 400 `MongoDBError` with MongoDB's message for a malformed specification
 */
function desugarFill(expr: unknown): Desugared {
  if (!isPlainObject(expr)) throw mongoError(`The $fill stage specification must be an object, found ${bsonTypeName(expr)}`);
  const spec = idlFields("$fill", expr, {
    sortBy: "object",
    partitionByFields: "array<string>",
    partitionBy: "object|string",
    output: "object!",
  });
  const output = spec.output as Doc;
  const fields = Object.entries(output);
  if (fields.length === 0) throw mongoError("The output field in '$fill' must contain an object with at least one element");
  const windowOutput: Doc = {};
  const added: Doc = {};
  let needWindow = false;
  for (const [name, fieldSpec] of fields) {
    if (!isPlainObject(fieldSpec)) throw mongoError("Each fill output specification must be an object with exactly one field");
    const parsed = idlFields("$fill", fieldSpec, { value: "any", method: "string" });
    if (parsed.method !== undefined) {
      if (Object.hasOwn(parsed, "value")) {
        throw mongoError("Each fill output specification must have exactly one of 'method' or 'value' fields, not both");
      }
      const method = parsed.method as string;
      const op = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
      if (op === undefined) throw mongoError("Method must be either locf or linear");
      defineOwn(windowOutput, name, { [op]: `$${name}` });
      needWindow = true;
    }
    if (Object.hasOwn(parsed, "value")) defineOwn(added, name, { $ifNull: [`$${name}`, parsed.value] });
  }
  const window: Doc = { output: windowOutput };
  if (spec.sortBy !== undefined) window.sortBy = spec.sortBy;
  if (spec.partitionBy !== undefined) {
    if (spec.partitionByFields !== undefined) {
      throw mongoError("Maximum one of 'partitionBy' and 'partitionByFields can be specified in '$fill'");
    }
    window.partitionBy = spec.partitionBy;
  }
  if (spec.partitionByFields !== undefined) {
    const partitionBy: Doc = {};
    for (const field of spec.partitionByFields as string[]) defineOwn(partitionBy, field, `$${field}`);
    window.partitionBy = partitionBy;
  }
  const stages: Desugared = [];
  if (needWindow) stages.push(["$setWindowFields", window]);
  if (Object.keys(added).length > 0) stages.push(["$addFields", added]);
  return stages;
}

/**
 * `$fill` (see the file's comment).
 * @param collection - the stage's input
 * @param expr - the specification
 * @param options - mingo's options (the server's operator context is in them)
 * @throws ServerError 400 `MongoDBError` for a malformed specification, and as `$setWindowFields` and `$addFields` do
 */
export const fillStage: PipelineOperator = (collection, expr, options) => {
  let out = collection;
  for (const [name, spec] of desugarFill(expr)) {
    const stage = options.context.getOperator(OpType.PIPELINE, name) as PipelineOperator | null;
    if (stage === null) throw mongoError(`unregistered pipeline operator ${name}.`);
    out = stage(out, spec, options);
  }
  return out;
};
