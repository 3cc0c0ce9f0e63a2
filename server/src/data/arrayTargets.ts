/**
 * The array updates `$[]` (every element) and `$[id]` (the elements the array filter of `id`
 * matches), resolved here, before anything is applied, into the concrete paths they stand for
 * (`a.$[].t` → `a.0.t`, `a.1.t`, …), so that MongoDB's type checks (updateTypes.ts) and the
 * server's own array and number operators (bsonUpdates.ts, pullUpdates.ts) see every target, and
 * two fields naming one element conflict as in MongoDB. The array filters are checked as MongoDB
 * parses them. Also: following a concrete path.
 * @packageDocumentation
 */
import { isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";
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
      if (!/^\d+$/.test(part)) return { kind: "other" };
      // an index past the end: an update creates it (padding with nulls)
      if (Number(part) >= at.length) return { kind: "missing" };
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

/** `$[id]` → `id`; `$[]` → `""`; anything else → undefined. */
function bracket(part: string): string | undefined {
  return part.startsWith("$[") && part.endsWith("]") ? part.slice(2, -1) : undefined;
}

const IDENTIFIER = /^[a-z][a-zA-Z0-9]*$/;

/** The top-level names an array filter uses (`x` of `{"x.a": 1}`, also within `$and`/`$or`/`$nor`). */
function namesOf(filter: Doc, into = new Set<string>()): Set<string> {
  for (const [key, value] of Object.entries(filter)) {
    if (!key.startsWith("$")) into.add(key.split(".")[0] as string);
    else if (Array.isArray(value)) for (const part of value) if (isPlainObject(part)) namesOf(part, into);
  }
  return into;
}

/** The identifiers of `$[id]` parts in the update's paths, each with the first path that names it. */
function identifiersUsed(update: Doc): Map<string, string> {
  const used = new Map<string, string>();
  for (const fields of Object.values(update))
    if (isPlainObject(fields))
      for (const path of Object.keys(fields))
        for (const part of path.split(".")) {
          const id = bracket(part);
          if (id && !used.has(id)) used.set(id, path);
        }
  return used;
}

/**
 * Checks the array filters of an operator update as MongoDB parses them, and returns a test of an
 * array element for each identifier: the filter runs on `{<identifier>: element}`.
 * @param update - the operators
 * @param arrayFilters - the update's array filters
 * @throws ServerError `MongoDBError` for a filter without exactly one top-level name, a name that is not
 * an identifier (a lowercase letter, then letters and digits), two filters of one identifier, a
 * filter no path uses, or a path whose identifier has no filter
 */
export function checkArrayFilters(update: Doc, arrayFilters: Doc[] = []): Map<string, (element: unknown) => boolean> {
  const tests = new Map<string, (element: unknown) => boolean>();
  for (const filter of arrayFilters) {
    const names = [...namesOf(filter)];
    if (names.length !== 1)
      throw mongoError(
        `Error parsing array filter :: caused by :: Expected a single top-level field name, found ${names.length === 0 ? "none" : names.map((n) => `'${n}'`).join(" and ")}`,
      );
    const id = names[0] as string;
    if (!IDENTIFIER.test(id))
      throw mongoError(
        `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${id}'`,
      );
    if (tests.has(id)) throw mongoError(`Found multiple array filters with the same top-level field name ${id}`);
    const query = new Query(filter, {});
    tests.set(id, (element) => query.test({ [id]: element }));
  }
  const used = identifiersUsed(update);
  for (const id of tests.keys())
    if (!used.has(id)) throw mongoError(`The array filter for identifier '${id}' was not used in the update ${JSON.stringify(update)}`);
  for (const [id, path] of used) if (!tests.has(id)) throw mongoError(`No array filter found for identifier '${id}' in path '${path}'`);
  return tests;
}

/**
 * The concrete paths one update path names: itself without `$[…]` parts, else each `$[]` replaced
 * by every index of its array and each `$[id]` by the index of every element its filter matches.
 * @throws ServerError `MongoDBError` where the array is missing or is not an array
 */
function concretePaths(doc: Doc, parts: string[], tests: Map<string, (element: unknown) => boolean>): string[] {
  const next = parts.findIndex((part) => bracket(part) !== undefined);
  if (next < 0) return [parts.join(".")];
  const id = bracket(parts[next] as string) as string;
  const test = id === "" ? () => true : (tests.get(id) as (element: unknown) => boolean);
  const before = parts.slice(0, next).join(".");
  const found = target(doc, before);
  if (found.kind !== "value") throw mongoError(`The path '${before}' must exist in the document in order to apply array updates.`);
  if (!Array.isArray(found.value))
    throw mongoError(
      `Cannot apply array updates to non-array element ${before.split(".").pop() ?? before}: ${JSON.stringify(found.value)}`,
    );
  const out: string[] = [];
  found.value.forEach((element: unknown, i) => {
    if (test(element))
      for (const path of concretePaths(doc, [...parts.slice(0, next), String(i), ...parts.slice(next + 1)], tests)) out.push(path);
  });
  return out;
}

/** An update whose `$[]` and `$[id]` paths are concrete, with the path a change event reports for each of them. */
export interface ExpandedUpdate {
  update: Doc;
  /** concrete path → the path reported as changed: itself when its field named one element, else the path up to the array */
  reported: Map<string, string>;
}

/**
 * Replaces each `$[]` and `$[id]` path of the operators (all but `$rename` and `$setOnInsert`,
 * which mingo keeps) with the concrete paths it names.
 * @param doc - the document the update applies to
 * @param update - the operators, `$` already resolved, their fields checked for conflicts once
 * before (updateConflicts.ts: `a` or `a.0.n` beside `a.$[].t`)
 * @param tests - from {@link checkArrayFilters}
 * @throws ServerError `MongoDBError` where an array is missing or is not an array, or when two
 * fields of one operator name the same element (`Update created a conflict at '…'`)
 */
export function expandArrayUpdates(doc: Doc, update: Doc, tests: Map<string, (element: unknown) => boolean>): ExpandedUpdate {
  const reported = new Map<string, string>();
  const out: Doc = {};
  for (const [op, fields] of Object.entries(update)) {
    if (op === "$rename" || op === "$setOnInsert" || !isPlainObject(fields) || !Object.keys(fields).some((p) => p.includes("$["))) {
      out[op] = fields;
      continue;
    }
    const concrete = new Map<string, unknown>();
    for (const [path, value] of Object.entries(fields)) {
      const parts = path.split(".");
      const paths = concretePaths(doc, parts, tests);
      const whole = parts
        .slice(
          0,
          parts.findIndex((part) => bracket(part) !== undefined),
        )
        .join(".");
      for (const p of paths) {
        if (concrete.has(p)) throw mongoError(`Update created a conflict at '${p}'`);
        concrete.set(p, value);
        if (p !== path) reported.set(p, paths.length === 1 ? p : whole);
      }
    }
    out[op] = Object.fromEntries(concrete); // own properties even for a path named __proto__
  }
  return { update: out, reported };
}
