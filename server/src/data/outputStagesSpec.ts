/**
 * The specifications of `$out` and `$merge` (outputStages.ts), parsed and checked as MongoDB parses
 * them (document_source_out.cpp, document_source_merge.cpp and its IDL). Both write to a collection
 * of the request's database; another database is refused here.
 * @packageDocumentation
 */
import type { Doc } from "./bsonValues.js";
import { requestedDatabase } from "./dataSources.js";
import { isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { notAllowedForUsers } from "../rules/errors.js";

/** `$out`'s target. */
export interface OutSpec {
  stage: "$out";
  collection: string;
}

/** `$merge`'s target and modes. */
export interface MergeSpec {
  stage: "$merge";
  collection: string;
  /** The fields that identify a target document (default `["_id"]`). */
  on: string[];
  whenMatched: "replace" | "keepExisting" | "merge" | "fail" | Doc[];
  whenNotMatched: "insert" | "discard" | "fail";
  /** Variables of a pipeline `whenMatched` (besides `$$new`). */
  let: Record<string, unknown>;
}

/** What an output stage writes where. */
export type OutputSpec = OutSpec | MergeSpec;

const MATCHED_MODES = new Set(["replace", "keepExisting", "merge", "fail"]);
const NOT_MATCHED_MODES = new Set(["insert", "discard", "fail"]);
const MERGE_FIELDS = new Set(["into", "on", "let", "whenMatched", "whenNotMatched"]);
/** The mode pairs MongoDB's $merge has no strategy for (document_source_merge.cpp's descriptors). */
const UNSUPPORTED_MODES = new Set(["keepExisting/fail", "keepExisting/discard", "fail/fail", "fail/discard"]);

/** The collection a stage names (a string, or `{db, coll}` of the request's database). */
function targetName(stage: string, value: unknown, database: string): string {
  let db = requestedDatabase(database);
  let coll = value;
  if (isPlainObject(value)) {
    if (value.db !== undefined) {
      if (typeof value.db !== "string")
        throw mongoError(`BSON field '${stage}.db' is the wrong type '${typeof value.db}', expected type 'string'`);
      db = value.db;
    }
    if (value.timeseries !== undefined) throw mongoError(`${stage} to a time-series collection is not supported by this server`);
    coll = value.coll;
  }
  if (typeof coll !== "string" || coll === "")
    throw mongoError(`Invalid ${stage} target namespace: the collection name must be a non-empty string`);
  // `database` is the store's name: a data source's own beside the primary's (dataSources.ts)
  if (db !== requestedDatabase(database)) throw mongoError(`${stage} to another database (${db}) is not supported by this server`);
  if (coll.startsWith("system.") || coll.includes("$") || coll.includes("\0"))
    throw mongoError(`Invalid ${stage} target namespace: ${db}.${coll}`);
  return coll;
}

function parseMerge(value: unknown, database: string): MergeSpec {
  if (typeof value === "string")
    return {
      stage: "$merge",
      collection: targetName("$merge", value, database),
      on: ["_id"],
      whenMatched: "merge",
      whenNotMatched: "insert",
      let: {},
    };
  if (!isPlainObject(value)) throw mongoError("$merge requires a string or object argument");
  for (const key of Object.keys(value)) if (!MERGE_FIELDS.has(key)) throw mongoError(`BSON field '$merge.${key}' is an unknown field.`);
  if (value.into === undefined) throw mongoError("BSON field '$merge.into' is missing but a required field");
  const on = value.on === undefined ? ["_id"] : typeof value.on === "string" ? [value.on] : value.on;
  if (!Array.isArray(on) || on.length === 0 || !on.every((f) => typeof f === "string" && f !== "" && !f.startsWith("$"))) {
    throw mongoError("$merge 'on' field must be either a string or an array of strings, but found an invalid value");
  }
  if (new Set(on).size !== on.length) throw mongoError("Found a duplicate field in $merge 'on' list");
  const whenMatched = value.whenMatched ?? "merge";
  if (
    !(typeof whenMatched === "string" && MATCHED_MODES.has(whenMatched)) &&
    !(Array.isArray(whenMatched) && whenMatched.every(isPlainObject))
  ) {
    throw mongoError(`Enumeration value '${JSON.stringify(whenMatched)}' for field 'whenMatched' is not a valid value.`);
  }
  const whenNotMatched = value.whenNotMatched ?? "insert";
  if (typeof whenNotMatched !== "string" || !NOT_MATCHED_MODES.has(whenNotMatched)) {
    throw mongoError(`Enumeration value '${JSON.stringify(whenNotMatched)}' for field 'whenNotMatched' is not a valid value.`);
  }
  if (value.let !== undefined && !Array.isArray(whenMatched))
    throw mongoError(`Cannot use 'let' variables with 'whenMatched: ${String(whenMatched)}' mode`);
  if (value.let !== undefined && !isPlainObject(value.let))
    throw mongoError("BSON field '$merge.let' is the wrong type, expected type 'object'");
  if (isPlainObject(value.let) && "new" in value.let && value.let.new !== "$$ROOT") {
    throw mongoError("'let' may not define a value for the reserved 'new' variable other than '$$ROOT'");
  }
  if (typeof whenMatched === "string" && UNSUPPORTED_MODES.has(`${whenMatched}/${whenNotMatched}`)) {
    throw mongoError(`Combination of $merge modes 'whenMatched: ${whenMatched}' and 'whenNotMatched: ${whenNotMatched}' is not supported`);
  }
  return {
    stage: "$merge",
    collection: targetName("$merge", value.into, database),
    on: on as string[],
    whenMatched: whenMatched as MergeSpec["whenMatched"],
    whenNotMatched: whenNotMatched as MergeSpec["whenNotMatched"],
    let: value.let ?? {},
  };
}

/**
 * The output stage of a pipeline's last stage, parsed, or undefined if the last stage writes nothing.
 * @param stage - the pipeline's last stage
 * @param database - the request's database
 * @throws ServerError 400 `MongoDBError` with MongoDB's message for a malformed `$out` or `$merge`, or a target in another database
 */
export function parseOutputStage(stage: unknown, database: string): OutputSpec | undefined {
  if (!isPlainObject(stage)) return undefined;
  if ("$out" in stage) return { stage: "$out", collection: targetName("$out", stage.$out, database) };
  if ("$merge" in stage) return parseMerge(stage.$merge, database);
  return undefined;
}

/** The stages that write their input into a collection: last, and only in a request's own pipeline. */
export const OUTPUT_STAGES: ReadonlySet<string> = new Set(["$out", "$merge"]);

/**
 * The output stage a stage object names, if any.
 * @param stage - a pipeline stage
 */
export function outputStageName(stage: unknown): string | undefined {
  return isPlainObject(stage) ? Object.keys(stage).find((key) => OUTPUT_STAGES.has(key)) : undefined;
}

/** The output stage a call's pipeline ends with (`aggregate`'s arguments), if any. */
function outputStageOf(args: unknown): string | undefined {
  const first: unknown = Array.isArray(args) ? args[0] : undefined;
  const pipeline = isPlainObject(first) ? first.pipeline : undefined;
  return Array.isArray(pipeline) ? outputStageName(pipeline[pipeline.length - 1]) : undefined;
}

/**
 * Refuses a pipeline that ends with `$out` or `$merge` where App Services and MongoDB refuse it:
 * to application users, whatever the data access policy (App Services keeps these stages for
 * system functions; under `--allow-all-data` a user could otherwise rewrite the custom user data
 * collection), and in a transaction (MongoDB's OperationNotSupportedInTransaction).
 * @param args - the `aggregate` call's arguments (`[{database, collection, pipeline}]`)
 * @param caller - who calls: an application user, and whether within a transaction
 * @throws ServerError 400 `MongoDBError` "aggregation stage $out is not allowed for application users; …" or "$out cannot be used in a transaction"
 */
export function refuseOutputStage(args: unknown, caller: { user: boolean; transaction: boolean }): void {
  const stage = outputStageOf(args);
  if (stage === undefined) return;
  if (caller.user) throw notAllowedForUsers(stage, "aggregation stage");
  if (caller.transaction) throw mongoError(`${stage} cannot be used in a transaction`);
}
