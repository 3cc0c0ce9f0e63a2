/**
 * Read methods of the MongoDB service: find, findOne, count, aggregate.
 * @packageDocumentation
 */
import { ProcessingMode } from "mingo";
import { sortDocs } from "./bsonSort.js";
import { Aggregator, find as mingoFind, Query } from "./mingoOptions.js";
import type { ArgsOf } from "./args.js";
import { normalize, type Doc } from "./bsonValues.js";
import type { DocRegistry } from "./collection.js";
import { mongoError, toServerError } from "./errors.js";
import { parseOutputStage, writeOutput } from "./outputStages.js";
import { outputStageName } from "./outputStagesSpec.js";
import { checkPipeline } from "./pipelineShape.js";
import { project } from "./projection.js";

/** Options of {@link selectDocs}. */
export interface SelectOptions {
  sort?: Doc;
  /** 0 or absent: no limit; negative: its absolute value (as MongoDB) */
  limit?: number;
  /** Matches (in sort order) left out before the limit counts. */
  skip?: number;
}

/**
 * The stored documents matching `query`, sorted and limited (shared references: do not mutate).
 * @param docs - a collection's documents
 * @param query - the filter
 * @param opts - sort and limit
 * @throws ServerError `MongoDBError` for an invalid query or sort
 */
export function selectDocs(docs: Doc[], query: Doc | undefined, opts: SelectOptions = {}): Doc[] {
  const limit = Math.abs(opts.limit ?? 0);
  const skip = opts.skip ?? 0;
  try {
    if (!opts.sort || Object.keys(opts.sort).length === 0) return scan(docs, new Query(normalize(query ?? {}), {}), limit, skip);
    const sorted = sortDocs(mingoFind<Doc>(docs, normalize(query ?? {})).all(), normalize(opts.sort));
    return sorted.slice(skip, limit > 0 ? skip + limit : undefined);
  } catch (err) {
    throw toServerError(err);
  }
}

/** Natural-order scan that leaves out `skip` matches and stops at `limit` (mingo's cursor filters everything first). */
function scan(docs: Doc[], query: Query, limit: number, skip: number): Doc[] {
  const out: Doc[] = [];
  let skipped = 0;
  for (const doc of docs) {
    if (!query.test(doc)) continue;
    if (skipped < skip) {
      skipped += 1;
      continue;
    }
    out.push(doc);
    if (out.length === limit) break;
  }
  return out;
}

/**
 * `find`: matching documents, projected, sorted, limited.
 * @param reg - the collections
 * @param a - `{database, collection, query, project, sort, limit}`
 * @throws ServerError `MongoDBError` for invalid queries
 */
export function find(reg: DocRegistry, a: ArgsOf<"find">): Doc[] {
  const docs = selectDocs(reg.get(a.database, a.collection).docs(), a.query, { sort: a.sort, limit: a.limit, skip: a.skip });
  return project(docs, a.project, a.query);
}

/**
 * `findOne`: the first matching document (in `sort` order), projected, or null.
 * @param reg - the collections
 * @param a - `{database, collection, query, project, sort}`
 * @throws ServerError `MongoDBError` for invalid queries
 */
export function findOne(reg: DocRegistry, a: ArgsOf<"findOne">): Doc | null {
  const docs = selectDocs(reg.get(a.database, a.collection).docs(), a.query, { sort: a.sort, limit: 1 });
  return project(docs, a.project, a.query)[0] ?? null;
}

/**
 * `count`: the number of matching documents, at most `limit` when it is positive.
 * @param reg - the collections
 * @param a - `{database, collection, query, limit}`
 * @throws ServerError `MongoDBError` for invalid queries
 */
export function count(reg: DocRegistry, a: ArgsOf<"count">): number {
  return selectDocs(reg.get(a.database, a.collection).docs(), a.query, { limit: a.limit }).length;
}

/**
 * Runs a pipeline over given documents (private copies are made), its shape checked first
 * (pipelineShape.ts). A `$out` or `$merge` is refused here: {@link aggregate} runs them.
 * @param docs - the input documents (not modified)
 * @param pipeline - the stages
 * @param resolve - the documents of another collection of the same database, for `$lookup`,
 * `$graphLookup` and `$unionWith`
 * @throws ServerError `MongoDBError` for unknown or refused stages and invalid expressions
 */
export function aggregateDocs(docs: Doc[], pipeline: Doc[], resolve: (collection: string) => Doc[]): Doc[] {
  checkPipeline(pipeline);
  const output = outputStageName(pipeline[pipeline.length - 1]);
  if (output !== undefined) throw mongoError(`${output} writes only as the last stage of an aggregate call`);
  try {
    const aggregator = new Aggregator(normalize(pipeline), {
      processingMode: ProcessingMode.CLONE_INPUT,
      collectionResolver: (name: string) => resolve(name).map((d) => normalize(d)),
    });
    return aggregator.run(docs).map((d) => normalize(d));
  } catch (err) {
    throw toServerError(err);
  }
}

/**
 * `aggregate`: runs the pipeline with mingo; `$lookup`/`$unionWith`/`$graphLookup` read other
 * collections of the same database. A last `$out` or `$merge` stage writes the results into a
 * collection of the same database (outputStages.ts), and the call answers `[]`.
 * @param reg - the collections
 * @param a - `{database, collection, pipeline}`
 * @throws ServerError `MongoDBError` for unknown or refused stages and invalid expressions
 */
export function aggregate(reg: DocRegistry, a: ArgsOf<"aggregate">): Doc[] {
  const resolve = (name: string): Doc[] => reg.get(a.database, name).docs();
  const output = a.pipeline.length > 0 ? parseOutputStage(a.pipeline[a.pipeline.length - 1], a.database) : undefined;
  if (output === undefined) return aggregateDocs(reg.get(a.database, a.collection).docs(), a.pipeline, resolve);
  checkPipeline(a.pipeline);
  const results = aggregateDocs(reg.get(a.database, a.collection).docs(), a.pipeline.slice(0, -1), resolve);
  writeOutput(reg.get(a.database, output.collection), output, results);
  return [];
}
