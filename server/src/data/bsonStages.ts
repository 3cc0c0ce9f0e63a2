/**
 * Aggregation stages as MongoDB runs them where mingo's differ: `$count`, `$limit` and `$skip`
 * (bsonStagesPaging.ts), `$unwind` (bsonStagesUnwind.ts), `$bucket` (bsonStagesBucket.ts), `$fill`
 * (bsonStagesFill.ts) and `$densify` (bsonStagesDensify.ts). Each checks its specification as
 * MongoDB parses it, before any document flows.
 * @packageDocumentation
 */
import type { Iterator } from "mingo/lazy";
import type { Options } from "mingo/types";
import { bucketStage } from "./bsonStagesBucket.js";
import { densifyStage } from "./bsonStagesDensify.js";
import { fillStage } from "./bsonStagesFill.js";
import { countStage, limitStage, skipStage } from "./bsonStagesPaging.js";
import { unwindStage } from "./bsonStagesUnwind.js";

type PipelineOperator = (collection: Iterator, expr: unknown, options: Options) => Iterator;

/** The stages of this file, to lay over mingo's. */
export const bsonStageOperators: Record<string, PipelineOperator> = {
  $bucket: bucketStage,
  $count: countStage,
  $densify: densifyStage,
  $fill: fillStage,
  $limit: limitStage,
  $skip: skipStage,
  $unwind: unwindStage,
};
