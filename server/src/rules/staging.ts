/**
 * A staged view of one collection for an application user's call: the data layer's method handlers
 * run over it unchanged, matching only documents the user may read, and their writes are recorded
 * instead of committed, so that the rules can decide on them first.
 * @packageDocumentation
 */
import { find as mingoFind, Query } from "../data/mingoOptions.js";
import { idKey, normalize, type Doc } from "../data/bsonValues.js";
import type { Mutation } from "../data/changeFeed.js";
import type { DocCollection, DocRegistry } from "../data/collection.js";
import { toServerError } from "../data/errors.js";
import type { CompiledRuleSet } from "./config.js";
import { expandValue, NoMatch, type ExpansionContext } from "./expansions.js";
import { readableView } from "./permissions.js";

/** The query filters of a rule set that apply to a request. */
export interface ActiveFilters {
  /** Queries every document must also match (expanded). */
  queries: Doc[];
  /** Projections applied to what the user is shown of every document (before the request's own). */
  projections: Doc[];
  /** A filter query could not be expanded: nothing matches. */
  nothing: boolean;
}

/**
 * Evaluates the filters' `apply_when` for a request.
 * @param set - the namespace's rules
 * @param ctx - the request's expansions
 */
export async function activeFilters(set: CompiledRuleSet, ctx: ExpansionContext): Promise<ActiveFilters> {
  const out: ActiveFilters = { queries: [], projections: [], nothing: false };
  for (const filter of set.filters) {
    if (!(await filter.applyWhen.evaluate(ctx, {}))) continue;
    try {
      if (Object.keys(filter.query).length > 0) out.queries.push(normalize(expandValue(filter.query, ctx, {}) as Doc));
    } catch (err) {
      if (!(err instanceof NoMatch)) throw err;
      out.nothing = true;
    }
    if (filter.projection !== undefined) out.projections.push(filter.projection);
  }
  return out;
}

function projectOne(doc: Doc, projections: Doc[]): Doc {
  let out = doc;
  for (const projection of projections) {
    try {
      // on a copy: a nested exclusion deletes from the document it is given (here, maybe the stored one)
      out = mingoFind<Doc>([normalize(out)], {}, normalize(projection)).all()[0] ?? {};
    } catch (err) {
      throw toServerError(err);
    }
  }
  return out;
}

/**
 * What a handler matches during a user's call: the stored documents (so a query, sort or update
 * sees every field, as App Services runs the request's query on MongoDB before it evaluates roles),
 * or what the user is shown of them (an aggregation pipeline, whose output cannot be traced back to
 * documents, runs over the readable parts only).
 */
export type StagedOver = "stored" | "shown";

/** One collection as an application user sees it during one call. */
export class StagedCollection {
  /** The writes the handler made, in order (not yet committed). */
  readonly staged: Mutation[] = [];
  private shownDocs: Doc[] | undefined;

  /**
   * @param real - the stored collection
   * @param stored - the stored documents the user may read (at least a field), in natural order
   * @param views - for each of them by identity key, the part the user may read
   * @param projections - the active filters' projections
   * @param over - what the handler's queries see
   */
  constructor(
    readonly real: DocCollection,
    private readonly stored: Doc[],
    readonly views: Map<string, Doc>,
    private readonly projections: Doc[],
    private readonly over: StagedOver,
  ) {}

  /** The database name. */
  get db(): string {
    return this.real.db;
  }

  /** The collection name. */
  get name(): string {
    return this.real.name;
  }

  /** The documents the handler may match: the stored ones, or what the user is shown of them. */
  docs(): Doc[] {
    if (this.over === "stored") return this.stored;
    this.shownDocs ??= this.stored.map((doc) => this.shown(this.views.get(idKey(doc._id)) ?? { _id: doc._id }));
    return this.shownDocs;
  }

  /**
   * What the user is shown of a readable part of a document: it, after the filters' projections.
   * @param view - the readable part
   * @throws ServerError `MongoDBError` for an invalid filter projection
   */
  shown(view: Doc): Doc {
    return this.projections.length === 0 ? view : projectOne(view, this.projections);
  }

  /**
   * A stored document by identity key: the real collection's, so that duplicate `_id`s are refused
   * whether or not the user can read the existing document.
   * @param key - identity key
   */
  get(key: string): Doc | undefined {
    return this.real.get(key);
  }

  /**
   * Records the handler's writes instead of committing them.
   * @param mutations - changes computed on the stored documents
   */
  commit(mutations: Mutation[]): void {
    // (not spread into push: an updateMany may change more documents than a call takes arguments)
    for (const mutation of mutations) this.staged.push(mutation);
  }

  /** A registry over this collection alone (other namespaces look empty), for the data layer's handlers. */
  registry(): DocRegistry {
    const empty = new StagedCollection(this.real, [], new Map(), [], this.over);
    const registry = { get: (db: string, coll: string) => (db === this.db && coll === this.name ? this : empty) };
    // The handlers use only get(db, coll) and the collection's db, name, docs(), get(key) and commit().
    return registry;
  }
}

/**
 * Stages a collection for a user: every stored document that matches the active filter queries
 * and that some role lets the user read (a field at least), with the part the user may read.
 * @param real - the stored collection
 * @param set - the namespace's rules
 * @param ctx - the request's expansions
 * @param filters - the active filters
 * @param over - what the handler's queries see
 */
export async function stageCollection(
  real: DocCollection,
  set: CompiledRuleSet,
  ctx: ExpansionContext,
  filters: ActiveFilters,
  over: StagedOver,
): Promise<StagedCollection> {
  const stored: Doc[] = [];
  const views = new Map<string, Doc>();
  if (filters.nothing) return new StagedCollection(real, stored, views, filters.projections, over);
  let filterQuery: Query | undefined;
  try {
    filterQuery = filters.queries.length === 0 ? undefined : new Query({ $and: filters.queries }, {});
  } catch (err) {
    throw toServerError(err);
  }
  for (const doc of [...real.docs()]) {
    if (filterQuery !== undefined && !filterQuery.test(doc)) continue;
    const view = await readableView(set, ctx, doc);
    if (view === null) continue;
    stored.push(doc);
    views.set(idKey(doc._id), view);
  }
  return new StagedCollection(real, stored, views, filters.projections, over);
}
