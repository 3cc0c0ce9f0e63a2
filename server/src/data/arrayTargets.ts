/**
 * Where an update path leads in a document, for the array operators the server applies itself
 * (bsonUpdates.ts, pullUpdates.ts): a path through array indexes, and the concrete paths a path
 * with `$[]` (every element) or `$[id]` (the elements its array filter matches) stands for.
 * @packageDocumentation
 */
import { isPlainObject, type Doc } from "./bsonValues.js";
import { Query } from "./mingoOptions.js";

/** Where a path leads: a value, a field missing from a document, or `other` (past a scalar, an index out of range). */
export type Target = { kind: "value"; value: unknown } | { kind: "missing" } | { kind: "other" };

/**
 * Follows a concrete path (array elements by index, `items.0.price`).
 * @param doc - the document
 * @param path - a dotted path without positional parts
 */
export function target(doc: Doc, path: string): Target {
  let at: unknown = doc;
  for (const part of path.split(".")) {
    if (Array.isArray(at)) {
      if (!/^\d+$/.test(part) || Number(part) >= at.length) return { kind: "other" };
      at = at[Number(part)];
    } else if (isPlainObject(at)) {
      if (!Object.hasOwn(at, part)) return { kind: "missing" };
      at = at[part];
    } else {
      return { kind: "other" };
    }
  }
  return { kind: "value", value: at };
}

/**
 * The array at a concrete path: `[]` where it is missing and `create` holds, undefined where it
 * is missing otherwise or is not an array.
 * @param doc - the document
 * @param path - a concrete path
 * @param create - whether a missing field counts as an empty array
 */
export function arrayAt(doc: Doc, path: string, create: boolean): unknown[] | undefined {
  const found = target(doc, path);
  if (found.kind === "value") return Array.isArray(found.value) ? found.value : undefined;
  return found.kind === "missing" && create ? [] : undefined;
}

/** The identifier an array filter is about (`x` of `{"x.a": 1}`, also within `$and`/`$or`/`$nor`). */
function identifierOf(filter: Doc): string | undefined {
  for (const [key, value] of Object.entries(filter)) {
    if (!key.startsWith("$")) return key.split(".")[0];
    if (Array.isArray(value))
      for (const part of value) {
        const found = isPlainObject(part) ? identifierOf(part) : undefined;
        if (found !== undefined) return found;
      }
  }
  return undefined;
}

/**
 * A test of one array element for each identifier of `arrayFilters`: the filter runs on
 * `{<identifier>: element}`, as MongoDB matches an element against `{"x.a": …}` or `{x: …}`.
 * @param arrayFilters - the update's array filters
 */
function elementTests(arrayFilters: Doc[]): Map<string, (element: unknown) => boolean> {
  const tests = new Map<string, (element: unknown) => boolean>();
  for (const filter of arrayFilters) {
    const id = identifierOf(filter);
    if (id === undefined || tests.has(id)) continue;
    const query = new Query(filter, {});
    tests.set(id, (element) => query.test({ [id]: element }));
  }
  return tests;
}

/** `$[id]` → `id`; `$[]` → `""`; anything else → undefined. */
function bracket(part: string): string | undefined {
  return part.startsWith("$[") && part.endsWith("]") ? part.slice(2, -1) : undefined;
}

/**
 * The concrete paths an update path names: itself when it has no positional part, each `$[]`
 * replaced by every index of its array and each `$[id]` by the index of every element its array
 * filter matches. Undefined (the path is left to mingo, which reports what is wrong) for a path
 * with `$`, an identifier without a filter, or an array part that does not stand for an array.
 * @param doc - the document
 * @param path - an update path
 * @param arrayFilters - the update's array filters
 */
export function concreteTargets(doc: Doc, path: string, arrayFilters: Doc[] = []): string[] | undefined {
  const parts = path.split(".");
  if (parts.includes("$")) return undefined;
  if (!parts.some((part) => bracket(part) !== undefined)) return [path];
  const tests = elementTests(arrayFilters);
  const expand = (prefix: string[], rest: string[]): string[] | undefined => {
    const next = rest.findIndex((part) => bracket(part) !== undefined);
    if (next < 0) return [[...prefix, ...rest].join(".")];
    const id = bracket(rest[next] as string) as string;
    const test = id === "" ? () => true : tests.get(id);
    const before = [...prefix, ...rest.slice(0, next)];
    const found = target(doc, before.join("."));
    if (test === undefined || found.kind !== "value" || !Array.isArray(found.value)) return undefined;
    const out: string[] = [];
    for (let i = 0; i < found.value.length; i++) {
      if (!test(found.value[i])) continue;
      const more = expand([...before, String(i)], rest.slice(next + 1));
      if (more === undefined) return undefined;
      out.push(...more);
    }
    return out;
  };
  return expand([], parts);
}
