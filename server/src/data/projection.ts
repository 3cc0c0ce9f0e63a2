/**
 * Find projections as MongoDB applies them, on top of mingo's: a projection whose only operators
 * are `$slice` (with or without exclusions) keeps every other field, and the fields of a projected
 * document keep the stored document's order (`_id` first).
 * @packageDocumentation
 */
import { find as mingoFind } from "./mingoOptions.js";
import { isPlainObject, normalize, type Doc } from "./bsonValues.js";
import { mongoError, toServerError } from "./errors.js";
import { inOrderOf, isNestedProjection, projectionTree } from "./projectionOrder.js";

/**
 * Applies a projection to documents and returns private copies.
 * @param docs - documents (shared references are fine)
 * @param projection - a MongoDB projection, or undefined for whole documents
 * @param query - the query that selected `docs`, for a positional projection (`"arr.$": 1`)
 * @throws ServerError `MongoDBError` for an invalid projection (e.g. mixing inclusion and exclusion,
 * or a field and a path within it)
 */
export function project(docs: Doc[], projection: Doc | undefined, query?: Doc): Doc[] {
  if (!projection || Object.keys(projection).length === 0) return docs.map((d) => normalize(d));
  checkCollisions(projection);
  const slices = Object.entries(projection).filter(([, spec]) => isSlice(spec));
  const rest = Object.fromEntries(Object.entries(projection).filter(([, spec]) => !isSlice(spec)));
  // only $slice and exclusions: nothing is left out but the excluded fields (mingo would keep the sliced fields only)
  if (slices.length > 0 && Object.values(rest).every((spec) => spec === 0 || spec === false)) {
    const kept = Object.keys(rest).length === 0 ? docs.map((d) => normalize(d)) : mingoProject(docs, rest, undefined);
    for (const doc of kept) for (const [path, spec] of slices) slicePath(doc, path.split("."), (spec as { $slice: unknown }).$slice);
    return kept;
  }
  const positional = query !== undefined && Object.keys(projection).some((k) => k.endsWith(".$"));
  const out = mingoProject(docs, projection, positional ? query : undefined);
  // computed fields (`{total: "$a"}`) come after the stored ones, as in MongoDB
  const tree = projectionTree(projection, true);
  // one result per document (a positional projection's query matched each of them)
  return out.length === docs.length ? out.map((doc, i) => inOrderOf(doc, docs[i], tree)) : out;
}

/**
 * Refuses a projection that names a field and a path within it (`{o: 1, "o.t": 1}`), as MongoDB
 * does when it builds the projection's tree in the order of its fields; mingo kept the whole
 * document, or recursed without end (`{"items.$": 1, "items.sku": 1}`). A positional field names
 * its array.
 * @throws ServerError `MongoDBError` `Path collision at o.t remaining portion t` (a path within a
 * field named before), `Path collision at o` (a field holding one named before)
 */
function checkCollisions(projection: Doc): void {
  const seen: string[] = [];
  for (const key of leafPaths(projection)) {
    const path = key.endsWith(".$") ? key.slice(0, -2) : key;
    for (const other of seen) {
      if (path.startsWith(`${other}.`))
        throw mongoError(`Path collision at ${path} remaining portion ${path.slice(path.indexOf(".") + 1)}`);
      if (other === path || other.startsWith(`${path}.`)) throw mongoError(`Path collision at ${path}`);
    }
    seen.push(path);
  }
}

/** A projection's paths, a nested projection (`{o: {b: 1}}`) walked into (`o.b`). */
function leafPaths(projection: Doc, prefix = ""): string[] {
  const out: string[] = [];
  for (const [key, spec] of Object.entries(projection)) {
    const path = prefix + key;
    if (isNestedProjection(spec)) out.push(...leafPaths(spec, `${path}.`));
    else out.push(path);
  }
  return out;
}

function mingoProject(docs: Doc[], projection: Doc, query: Doc | undefined): Doc[] {
  try {
    // on copies: mingo's nested exclusions (`{"o.x": 0}`) delete from the documents they are given
    return mingoFind<Doc>(
      docs.map((d) => normalize(d)),
      query === undefined ? {} : normalize(query),
      normalize(projection),
    )
      .all()
      .map((d) => normalize(d));
  } catch (err) {
    throw toServerError(err);
  }
}

/** `{$slice: n}` or `{$slice: [skip, limit]}` (anything else is left to mingo, which refuses it). */
function isSlice(spec: unknown): boolean {
  if (!isPlainObject(spec) || Object.keys(spec).length !== 1 || !("$slice" in spec)) return false;
  const value = spec.$slice;
  return (
    typeof value === "number" ||
    (Array.isArray(value) && value.length === 2 && typeof value[0] === "number" && typeof value[1] === "number" && value[1] > 0)
  );
}

/** Slices the array at `path` in place: `n` first (last, if negative), or `[skip, limit]`. */
function slicePath(doc: Doc, path: string[], spec: unknown): void {
  const [head, ...tail] = path;
  if (head === undefined || !Object.hasOwn(doc, head)) return;
  const value = doc[head];
  if (tail.length > 0) {
    if (isPlainObject(value)) slicePath(value, tail, spec);
    // through an array of documents: each one's field
    else if (Array.isArray(value)) for (const element of value) if (isPlainObject(element)) slicePath(element, tail, spec);
    return;
  }
  if (!Array.isArray(value)) return;
  if (typeof spec === "number") {
    const n = Math.trunc(spec);
    doc[head] = n >= 0 ? value.slice(0, n) : value.slice(Math.max(value.length + n, 0));
  } else if (Array.isArray(spec) && typeof spec[0] === "number" && typeof spec[1] === "number") {
    const skip = Math.trunc(spec[0]);
    const start = skip >= 0 ? skip : Math.max(value.length + skip, 0);
    doc[head] = value.slice(start, start + Math.trunc(spec[1]));
  }
}
