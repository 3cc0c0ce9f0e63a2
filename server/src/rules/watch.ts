/**
 * Watch streams of application users: an event reaches a stream only if the user may read the
 * document (after the change; before it, for a delete), with `fullDocument` and `updateDescription`
 * reduced to the fields the user may read. The stream's own `filter` is then applied (by the
 * MongoDB service, on a query thread) to that reduced event, so it cannot test fields the user may
 * not read.
 * @packageDocumentation
 */
import { find as mingoFind, Query } from "../data/mingoOptions.js";
import type { ChangeEvent, WatchArgs } from "../contracts.js";
import { isPlainObject, normalize, type Doc } from "../data/bsonValues.js";
import { invalidParameter, toServerError } from "../data/errors.js";
import type { WatchGuard } from "./access.js";
import type { CompiledRuleSet } from "./config.js";
import type { ExpansionContext } from "./expansions.js";
import { readableView } from "./permissions.js";
import { activeFilters, type ActiveFilters } from "./staging.js";

function has(doc: Doc, path: string): boolean {
  let cur: unknown = doc;
  for (const part of path.split(".")) {
    if (Array.isArray(cur)) return true;
    if (!isPlainObject(cur) || !(part in cur)) return false;
    cur = cur[part];
  }
  return true;
}

function project(doc: Doc, projections: Doc[]): Doc {
  let out = doc;
  // on a copy: a nested exclusion deletes from the document it is given
  for (const projection of projections) out = mingoFind<Doc>([normalize(out)], {}, normalize(projection)).all()[0] ?? {};
  return out;
}

/**
 * The guard of one user's stream.
 * @param set - the namespace's rules
 * @param ctx - the user's expansions (one object for the stream's lifetime)
 * @param args - the watch arguments (`ids` is applied by the change feed, `filter` here)
 * @throws ServerError `InvalidParameter` for an invalid filter
 */
export function watchGuard(set: CompiledRuleSet, ctx: ExpansionContext, args: WatchArgs): WatchGuard {
  const userFilter = args.filter === undefined ? undefined : normalize(args.filter);
  try {
    if (userFilter !== undefined) new Query(userFilter, {});
  } catch (err) {
    throw invalidParameter(`watch: invalid filter: ${(err as Error).message}`);
  }
  let filters: Promise<{ active: ActiveFilters; query: Query | undefined }> | undefined;
  const filtersOnce = (): Promise<{ active: ActiveFilters; query: Query | undefined }> => {
    filters ??= activeFilters(set, ctx).then((active) => ({
      active,
      query: active.queries.length === 0 ? undefined : new Query({ $and: active.queries }, {}),
    }));
    return filters;
  };

  const visible = async (doc: Doc, f: { active: ActiveFilters; query: Query | undefined }): Promise<Doc | null> => {
    if (f.active.nothing || (f.query !== undefined && !f.query.test(doc))) return null;
    const view = await readableView(set, ctx, doc);
    if (view === null) return null;
    return f.active.projections.length > 0 ? project(view, f.active.projections) : view;
  };

  return {
    selector: args.ids === undefined ? {} : { ids: args.ids },
    ...(userFilter === undefined ? {} : { filter: userFilter }),
    async view(event: ChangeEvent, before: Doc | null, after: Doc | null): Promise<ChangeEvent | null> {
      try {
        const f = await filtersOnce();
        const image = event.operationType === "delete" ? before : after;
        if (image === null) return null;
        const view = await visible(image, f);
        if (view === null) return null;
        const out: ChangeEvent = { ...event };
        if (event.fullDocument !== undefined) out.fullDocument = normalize(view);
        if (event.updateDescription !== undefined) {
          const previous = before === null ? null : await visible(before, f);
          const updatedFields = Object.fromEntries(
            Object.entries(event.updateDescription.updatedFields).filter(([path]) => has(view, path)),
          );
          const removedFields = event.updateDescription.removedFields.filter((path) => previous !== null && has(previous, path));
          out.updateDescription = { updatedFields, removedFields };
        }
        return out;
      } catch (err) {
        throw toServerError(err);
      }
    },
  };
}
