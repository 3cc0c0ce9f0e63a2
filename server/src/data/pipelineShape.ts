/**
 * The shape of an aggregation pipeline, checked as MongoDB parses it before any document flows:
 * each stage an object of one field naming a stage MongoDB knows, and the sub-pipelines of
 * `$facet`, `$lookup` and `$unionWith` checked the same way. So a malformed pipeline fails on an
 * empty collection too (mingo found such problems only when a document reached the stage, if at
 * all), with MongoDB's message. Sources: mongo/db/pipeline/pipeline.cpp (`validateFacetPipeline`),
 * document_source.cpp (stage parsing), document_source_facet.cpp (`extractRawPipelines`).
 * @packageDocumentation
 */
import { isPlainObject } from "./bsonValues.js";
import { expressionTypeName } from "./bsonTypes.js";
import { mongoError } from "./errors.js";
import { checkExpression, checkStageExpressions } from "./expressionShape.js";
import { isKnownOperator } from "./mingoOptions.js";
import { OUTPUT_STAGES } from "./outputStagesSpec.js";

/** Stages MongoDB knows that this server does not run (admin, search and geo stages). */
const NOT_SUPPORTED = new Set([
  "$changeStream",
  "$changeStreamSplitLargeEvent",
  "$collStats",
  "$currentOp",
  "$geoNear",
  "$indexStats",
  "$listLocalSessions",
  "$listSampledQueries",
  "$listSearchIndexes",
  "$listSessions",
  "$planCacheStats",
  "$search",
  "$searchMeta",
  "$shardedDataDistribution",
  "$vectorSearch",
]);

/** The stages this server runs (mingo's, with the server's overlays). */
const SUPPORTED = new Set([
  "$addFields",
  "$bucket",
  "$bucketAuto",
  "$count",
  "$densify",
  "$documents",
  "$facet",
  "$fill",
  "$graphLookup",
  "$group",
  "$limit",
  "$lookup",
  "$match",
  "$project",
  "$redact",
  "$replaceRoot",
  "$replaceWith",
  "$sample",
  "$set",
  "$setWindowFields",
  "$skip",
  "$sort",
  "$sortByCount",
  "$unionWith",
  "$unset",
  "$unwind",
]);

/** Stages a `$facet` sub-pipeline may not hold (MongoDB: FacetRequirement::kNotAllowed), among those the server runs or names. */
const NOT_IN_FACET = new Set([
  "$facet",
  "$out",
  "$merge",
  "$collStats",
  "$geoNear",
  "$indexStats",
  "$planCacheStats",
  "$search",
  "$searchMeta",
]);

/** The name of a stage, with its shape checked. */
function stageName(stage: unknown): string {
  if (!isPlainObject(stage)) throw mongoError("Each element of the 'pipeline' array must be an object");
  const keys = Object.keys(stage);
  if (keys.length !== 1) throw mongoError("A pipeline stage specification object must contain exactly one field.");
  return keys[0] as string;
}

/** Why a `$facet` output name is refused (FieldPath's naming rules), or undefined. */
function facetNameProblem(name: string): string | undefined {
  if (name === "") return "FieldPath cannot be constructed with empty string";
  if (name.startsWith("$")) return `FieldPath field names may not start with '$'. Consider using $getField or $setField.`;
  if (name.includes(".")) return "FieldPath field names may not contain '.'. Consider using $getField or $setField.";
  return undefined;
}

/** Checks the expressions of `$merge`'s `let` and of its `whenMatched` pipeline. */
function checkMergeExpressions(spec: Record<string, unknown>): void {
  if (isPlainObject(spec.let)) checkExpression(spec.let, isKnownOperator);
  if (!Array.isArray(spec.whenMatched)) return;
  for (const stage of spec.whenMatched as unknown[]) {
    const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
    if (name !== undefined) checkStageExpressions(name, (stage as Record<string, unknown>)[name], isKnownOperator);
  }
}

/** Checks `$facet`'s specification and each of its sub-pipelines. */
function checkFacet(spec: unknown): void {
  if (!isPlainObject(spec) || Object.keys(spec).length === 0) throw mongoError("the $facet specification must be a non-empty object");
  for (const [name, sub] of Object.entries(spec)) {
    const problem = facetNameProblem(name);
    if (problem !== undefined)
      throw mongoError(`$facet pipeline names must follow the naming rules of field path expressions. :: caused by :: ${problem}`);
    if (!Array.isArray(sub)) throw mongoError(`arguments to $facet must be arrays, ${name} is type ${expressionTypeName(sub)}`);
    for (const stage of sub as unknown[]) {
      if (!isPlainObject(stage))
        throw mongoError(
          `elements of arrays in $facet spec must be non-empty objects, ${name} argument contained an element of type ${expressionTypeName(stage)}`,
        );
    }
    if (sub.length === 0) throw mongoError("sub-pipeline in $facet stage cannot be empty");
    checkPipeline(sub, true);
  }
}

/**
 * Checks a pipeline's shape (see the module's summary), its sub-pipelines included.
 * @param pipeline - the stages
 * @param inFacet - true for a pipeline within a `$facet` (a `$lookup` or `$unionWith` there too)
 * @param within - the stage whose sub-pipeline this is (`"top"`: a request's own pipeline)
 * @throws ServerError 400 `MongoDBError` for a stage that is not an object of one field, an unknown
 * stage ("Unrecognized pipeline stage name: '$x'"), a stage this server does not run, a stage a
 * `$facet` may not hold, a malformed `$facet`, or a `$out`/`$merge` that is not the last stage of
 * the request's own pipeline
 */
export function checkPipeline(pipeline: readonly unknown[], inFacet = false, within: "top" | "$lookup" | "$unionWith" = "top"): void {
  for (const [at, stage] of pipeline.entries()) {
    const name = stageName(stage);
    const spec = (stage as Record<string, unknown>)[name];
    if (inFacet && NOT_IN_FACET.has(name)) throw mongoError(`${name} is not allowed to be used within a $facet stage`);
    if (OUTPUT_STAGES.has(name)) {
      if (within !== "top") throw mongoError(`${name} is not allowed within a ${within}'s sub-pipeline`);
      if (at !== pipeline.length - 1) throw mongoError(`${name} can only be the final stage in the pipeline`);
      if (name === "$merge" && isPlainObject(spec)) checkMergeExpressions(spec);
      continue;
    }
    if (NOT_SUPPORTED.has(name)) throw mongoError(`${name} is not supported by this server`);
    if (!SUPPORTED.has(name)) throw mongoError(`Unrecognized pipeline stage name: '${name}'`);
    checkStageExpressions(name, spec, isKnownOperator);
    if (name === "$facet") checkFacet(spec);
    else if ((name === "$lookup" || name === "$unionWith") && isPlainObject(spec) && Array.isArray(spec.pipeline)) {
      checkPipeline(spec.pipeline as unknown[], inFacet, name);
    }
  }
}
