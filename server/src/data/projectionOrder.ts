/**
 * The order of a projected document's fields, as MongoDB's projections give it
 * (projection_node.cpp): at each level, the fields kept from the stored document in its order (in
 * each element of an array of documents too), then the fields the projection computes, in the
 * projection's order. A computed value keeps its own order. mingo put `_id` last and computed
 * fields where they fell.
 * @packageDocumentation
 */
import { isPlainObject, type Doc } from "./bsonValues.js";

/** A projection as a tree: a field the projection computes, one it keeps or drops, or a level below. */
export type ProjectionTree = Map<string, "computed" | "field" | ProjectionTree>;

/**
 * Whether a projection value computes a field: neither a flag (`1`, `false`) nor a nested
 * projection. In `find`, a `$slice` of a number or `[skip, limit]` keeps the stored field (MongoDB
 * reads it as find's slice); an `$elemMatch` is added after the kept fields. In `$project`, every
 * operator computes.
 * @param spec - a projection's value
 * @param find - whether the projection is `find`'s
 */
export function isComputed(spec: unknown, find: boolean): boolean {
  if (typeof spec === "number" || typeof spec === "boolean") return false;
  if (isNestedProjection(spec)) return false;
  if (!find || !isPlainObject(spec) || !("$slice" in spec)) return true;
  const slice = spec.$slice;
  return !(typeof slice === "number" || (Array.isArray(slice) && slice.length === 2 && slice.every((n) => typeof n === "number")));
}

/** A nested projection (`{o: {b: 1}}`): a non-empty document none of whose keys is an operator. */
export function isNestedProjection(spec: unknown): spec is Doc {
  return isPlainObject(spec) && Object.keys(spec).length > 0 && Object.keys(spec).every((key) => !key.startsWith("$"));
}

/**
 * A projection's tree: dotted paths and nested projections both become levels; a positional field
 * (`"items.$"`) names its array.
 * @param projection - a find or `$project` projection
 * @param find - whether it is `find`'s ({@link isComputed})
 * @param into - the tree to add to
 * @returns the tree
 */
export function projectionTree(projection: Doc, find: boolean, into: ProjectionTree = new Map()): ProjectionTree {
  for (const [key, spec] of Object.entries(projection)) {
    const parts = (key.endsWith(".$") ? key.slice(0, -2) : key).split(".");
    let level = into;
    for (const part of parts.slice(0, -1)) {
      const next = level.get(part);
      if (next instanceof Map) level = next;
      else {
        const created: ProjectionTree = new Map();
        level.set(part, created);
        level = created;
      }
    }
    const last = parts[parts.length - 1] as string;
    if (isNestedProjection(spec)) {
      const below = level.get(last);
      level.set(last, projectionTree(spec, find, below instanceof Map ? below : (new Map() as ProjectionTree)));
    } else level.set(last, isComputed(spec, find) ? "computed" : "field");
  }
  return into;
}

function ordered(value: unknown, from: unknown, tree: ProjectionTree): unknown {
  if (isPlainObject(value) && isPlainObject(from)) return inOrderOf(value, from, tree);
  if (Array.isArray(value) && Array.isArray(from)) {
    // an inclusion keeps only the documents and arrays of an array: pair the elements with those
    const sources = value.length === from.length ? from : from.filter((e: unknown) => isPlainObject(e) || Array.isArray(e));
    if (sources.length === value.length) return value.map((element: unknown, i) => ordered(element, sources[i], tree));
  }
  return value;
}

/**
 * A projected document with its fields in MongoDB's order (see the module's comment).
 * @param doc - the projected document
 * @param source - the document it came from
 * @param tree - the projection's tree ({@link projectionTree})
 * @returns a new document
 */
export function inOrderOf(doc: Doc, source: Doc | undefined, tree: ProjectionTree): Doc {
  if (source === undefined) return doc;
  const entries: [string, unknown][] = [];
  const placed = new Set<string>();
  for (const key of Object.keys(source)) {
    const node = tree.get(key);
    if (!Object.hasOwn(doc, key) || node === "computed") continue;
    placed.add(key);
    entries.push([key, node instanceof Map ? ordered(doc[key], source[key], node) : doc[key]]);
  }
  // the computed fields in the projection's order, then any other
  const computed = [...tree].filter(([, node]) => node === "computed").map(([key]) => key);
  for (const key of [...computed, ...Object.keys(doc)])
    if (!placed.has(key) && Object.hasOwn(doc, key)) {
      placed.add(key);
      entries.push([key, doc[key]]);
    }
  // own properties even for a key named __proto__
  return Object.fromEntries(entries);
}
