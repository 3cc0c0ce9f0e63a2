/**
 * The two ends of a user's call under rules, around the data layer's handler: the arguments it runs
 * with, and what the user is shown of its result. App Services merges the active filters into the
 * request (their queries into its query, their projections into its projection), runs it on MongoDB,
 * and evaluates a role for each document returned: so queries, sorts and updates see the stored
 * documents, and results show only the fields the user may read, after the filters' projections and
 * then the request's own.
 * @packageDocumentation
 */
import type { ArgsOf, MethodName } from "../data/args.js";
import { idKey, isPlainObject, sameValue, type Doc } from "../data/bsonValues.js";
import { project } from "../data/projection.js";
import { selectDocs } from "../data/readMethods.js";
import type { CompiledRuleSet } from "./config.js";
import type { ExpansionContext } from "./expansions.js";
import { readableView } from "./permissions.js";
import type { ActiveFilters, StagedCollection } from "./staging.js";

/** The argument naming each method's projection, and the one naming its query (for an upsert). */
const PROJECTION: Partial<Record<MethodName, string>> = {
  find: "project",
  findOne: "project",
  findOneAndUpdate: "projection",
  findOneAndReplace: "projection",
  findOneAndDelete: "projection",
};
const UPSERT_QUERY: Partial<Record<MethodName, string>> = {
  updateOne: "query",
  updateMany: "query",
  findOneAndUpdate: "filter",
  findOneAndReplace: "filter",
};

/**
 * The `arguments` the handler runs with: without the request's projection (it is applied to what
 * the user is shown), and, for an upsert that matches no document, with the active filters' queries
 * merged into its query, so that the document it inserts gets their equality fields (as it would on
 * App Services: `{"owner_id": "%%user.id"}` gives the new document the caller's id).
 * @param name - the method
 * @param args - the normalised `arguments` array
 * @param staged - the user's staged collection
 * @param filters - the active filters
 * @throws ServerError `MongoDBError` for an invalid query
 */
export function handlerArgs(name: MethodName, args: unknown[], staged: StagedCollection, filters: ActiveFilters): unknown[] {
  const first = args[0];
  if (!isPlainObject(first)) return args;
  const out: Doc = { ...first };
  const projection = PROJECTION[name];
  if (projection !== undefined) {
    // checked now, so that a bad projection fails as before rather than after the write checks
    if (isPlainObject(out[projection])) project([], out[projection]);
    delete out[projection];
  }
  const queryKey = UPSERT_QUERY[name];
  if (queryKey !== undefined && out.upsert === true && filters.queries.length > 0) {
    const query = isPlainObject(out[queryKey]) ? out[queryKey] : {};
    if (selectDocs(staged.docs(), query, { limit: 1 }).length === 0) out[queryKey] = { $and: [query, ...filters.queries] };
  }
  return [out, ...args.slice(1)];
}

/** True if the method returns the document after its change (then its role is assigned anew). */
function returnsNewDocument(name: MethodName, a: Record<string, unknown>): boolean {
  if (a.returnNewDocument !== true) return false;
  return name === "findOneAndUpdate" || (name === "findOneAndReplace" && a.update !== undefined);
}

/**
 * What the user is shown of the handler's result: for `find`, `findOne` and the `findOneAnd…`
 * family, each returned document reduced to the fields its role lets the user read (withheld if
 * none), then the filters' projections, then the request's projection; other results as they are.
 * @param name - the method
 * @param a - its parsed arguments
 * @param result - the handler's result (copies of stored documents, unprojected)
 * @param staged - the user's staged collection
 * @param set - the namespace's rules
 * @param ctx - the request's expansions
 * @throws ServerError `MongoDBError` for an invalid projection
 */
export async function shownResult(
  name: MethodName,
  a: Record<string, unknown>,
  result: unknown,
  staged: StagedCollection,
  set: CompiledRuleSet,
  ctx: ExpansionContext,
): Promise<unknown> {
  const projectionKey = PROJECTION[name];
  if (projectionKey === undefined) return result;
  const projection = a[projectionKey] as Doc | undefined;
  if (name === "find") {
    const query = (a as ArgsOf<"find">).query;
    const pairs = (result as Doc[]).flatMap((doc) => {
      const view = staged.views.get(idKey(doc._id));
      return view === undefined ? [] : [{ stored: doc, shown: staged.shown(view) }];
    });
    // one projection over the whole result (up to 50,000 documents), unless it is positional
    if (!isPositional(projection, query))
      return project(
        pairs.map((p) => p.shown),
        projection,
      );
    return pairs.map((p) => projected(p.stored, p.shown, projection, query));
  }
  if (!isPlainObject(result)) return result;
  const key = idKey(result._id);
  let view: Doc | null;
  if (returnsNewDocument(name, a)) {
    const change = staged.staged.find((m) => m.key === key);
    view = await readableView(set, ctx, result, change === undefined ? result : (change.before ?? undefined));
  } else {
    view = staged.views.get(key) ?? null;
  }
  if (view === null) return null;
  const query = name === "findOne" ? (a as ArgsOf<"findOne">).query : undefined;
  return projected(result, staged.shown(view), projection, query);
}

/**
 * The request's projection of what the user is shown of a document. A positional projection
 * (`"tags.$": 1`) picks its element by the query, which matched the stored document and may test
 * fields the user is not shown: it is made on the stored document, and then only what the user is
 * shown of it is kept.
 */
function isPositional(projection: Doc | undefined, query: Doc | undefined): boolean {
  return projection !== undefined && query !== undefined && Object.keys(projection).some((k) => k.endsWith(".$"));
}

function projected(stored: Doc, shown: Doc, projection: Doc | undefined, query: Doc | undefined): Doc {
  if (!isPositional(projection, query)) return project([shown], projection)[0] ?? {};
  const made = project([stored], projection, query)[0];
  return made === undefined ? {} : (within(made, shown) as Doc);
}

/** The part of `value` that is also in `shown`: object keys shown, array elements shown, equal values. */
function within(value: unknown, shown: unknown): unknown {
  if (isPlainObject(value) && isPlainObject(shown)) {
    const kept: [string, unknown][] = [];
    for (const [k, v] of Object.entries(value)) {
      if (!Object.hasOwn(shown, k)) continue;
      const part = within(v, shown[k]);
      if (part !== undefined) kept.push([k, part]);
    }
    // own properties even for a key named __proto__
    return Object.fromEntries(kept);
  }
  if (Array.isArray(value) && Array.isArray(shown)) return value.filter((e) => shown.some((s) => sameValue(s, e)));
  return sameValue(value, shown) ? value : undefined;
}
