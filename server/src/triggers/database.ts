/**
 * Database triggers: each change of the watched collection whose operation type the trigger lists
 * becomes a change event in App Services' shape (`clusterTime` a BSON Timestamp, `wallTime` a Date,
 * `fullDocument` on UPDATE only with
 * `full_document`, `fullDocumentBeforeChange` with `full_document_before_change`), is tested
 * against `match`, projected by `project`, and passed to the trigger's function, which runs as the
 * system user. Calls run one after another in commit order, unless the trigger is `unordered`.
 * @packageDocumentation
 */
import { ServerError, type ChangeEvent, type MongoService } from "../contracts.js";
import { normalize } from "../data/bsonValues.js";
import { find, Query } from "../data/mingoOptions.js";
import type { DatabaseOperation, DatabaseTrigger, TriggerDeps } from "./types.js";
import { messageOf } from "./report.js";

type Doc = Record<string, unknown>;

/**
 * The event a trigger's function receives.
 * @param event - the change event of the feed (not modified)
 * @param before - the document before the change (null for an insert)
 * @param spec - the trigger
 */
export function triggerEvent(event: ChangeEvent, before: Doc | null | undefined, spec: DatabaseTrigger): Doc {
  const out: Doc = { ...event };
  if (event.updateDescription) out.updateDescription = { ...event.updateDescription, truncatedArrays: [] };
  if (event.operationType === "update" && !spec.fullDocument) delete out.fullDocument;
  if (event.operationType === "delete") delete out.fullDocument;
  if (spec.fullDocumentBeforeChange && event.operationType !== "insert" && before) out.fullDocumentBeforeChange = normalize(before);
  return out;
}

function nonEmpty(doc: Doc | undefined): Doc | undefined {
  return doc !== undefined && Object.keys(doc).length > 0 ? doc : undefined;
}

/**
 * Starts a database trigger.
 * @param spec - the trigger
 * @param mongo - the MongoDB service (watched as the system)
 * @param deps - the function call and the failure report
 * @returns stops the trigger (calls already started finish)
 * @throws ServerError `MongoDBError` if `match` or `project` is not valid; 500 `InvalidConfig` for an unknown data source
 */
export function startDatabaseTrigger(spec: DatabaseTrigger, mongo: MongoService, deps: TriggerDeps): () => void {
  if (!mongo.hasService(spec.service)) {
    throw new ServerError(500, "InvalidConfig", `trigger ${spec.name}: no data source named ${JSON.stringify(spec.service)}`);
  }
  const matchDoc = nonEmpty(spec.match);
  const match = matchDoc === undefined ? undefined : new Query(normalize(matchDoc));
  const projectDoc = nonEmpty(spec.project);
  const projection = projectDoc === undefined ? undefined : normalize(projectDoc);
  if (projection !== undefined) find([{}], {}, projection).all();
  let queue: Promise<void> = Promise.resolve();
  const run = (event: Doc): Promise<void> =>
    deps.call(spec.functionName, [event]).then(
      () => undefined,
      (err: unknown) => deps.report(`trigger ${spec.name}: function ${spec.functionName} failed: ${messageOf(err)}`),
    );
  const onChange = (change: ChangeEvent, before: Doc | null | undefined): void => {
    if (!spec.operationTypes.has(change.operationType.toUpperCase() as DatabaseOperation)) return;
    let event = triggerEvent(change, before, spec);
    try {
      if (match !== undefined && !match.test(event)) return;
      if (projection !== undefined) event = find([event], {}, projection).all()[0] ?? {};
    } catch (err) {
      deps.report(`trigger ${spec.name}: its match or project failed: ${messageOf(err)}`);
      return;
    }
    if (spec.unordered) void run(event);
    else queue = queue.then(() => run(event));
  };
  if (spec.collection !== undefined)
    return mongo.watch(spec.service, { database: spec.database, collection: spec.collection }, onChange, {});
  if (mongo.watchDatabase === undefined)
    throw new ServerError(500, "InvalidConfig", `trigger ${spec.name}: this MongoDB service cannot watch a whole database`);
  return mongo.watchDatabase(spec.service, spec.database, onChange);
}
