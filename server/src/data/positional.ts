/**
 * The positional operator `$` of an update path (`"items.$.qty"`): MongoDB replaces it with the
 * index of the array element the query matched. Resolved here, for any shape of query (several
 * conditions on the array, `$and`), before the update is applied.
 * @packageDocumentation
 */
import { isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { Query } from "./mingoOptions.js";

/** MongoDB's message when the query names no element for `$`. */
const NO_MATCH = "The positional operator did not find the match needed from the query.";

/**
 * The update with each positional `$` replaced by the index of the first element of its array that
 * meets every condition the query puts on that array (or, failing that, any of them).
 * @param doc - the stored document the query matched
 * @param update - an operator update
 * @param query - the query (absent for an upsert's insert)
 * @throws ServerError `MongoDBError` when the query puts no condition on the array, or no element meets one
 */
export function resolvePositional(doc: Doc, update: Doc, query: Doc | undefined): Doc {
  const out: Doc = {};
  for (const [op, fields] of Object.entries(update)) {
    if (!isPlainObject(fields) || !Object.keys(fields).some((path) => path.split(".").includes("$"))) {
      out[op] = fields;
      continue;
    }
    const resolved = new Map<string, unknown>();
    for (const [path, value] of Object.entries(fields)) {
      const parts = path.split(".");
      const at = parts.indexOf("$");
      if (at >= 0) {
        const index = matchedIndex(doc, parts.slice(0, at), query);
        if (index === undefined) throw mongoError(NO_MATCH);
        parts[at] = String(index);
      }
      const concrete = parts.join(".");
      // `a.$` and `a.1` naming the same element: the conflict mingo reports for two equal paths
      if (resolved.has(concrete)) throw mongoError(`updating the path '${concrete}' would create a conflict at '${concrete}'`);
      resolved.set(concrete, value);
    }
    // own properties even for a path named __proto__
    out[op] = Object.fromEntries(resolved);
  }
  return out;
}

/** The conditions the query puts on the array at `arrayPath` (top level and within `$and`), by the path below it. */
function conditionsOn(query: Doc, arrayPath: string): { below: string; condition: unknown }[] {
  const out: { below: string; condition: unknown }[] = [];
  const visit = (q: Doc): void => {
    for (const [key, condition] of Object.entries(q)) {
      if (key === "$and" && Array.isArray(condition)) condition.filter(isPlainObject).forEach(visit);
      else if (key === arrayPath) out.push({ below: "", condition });
      else if (key.startsWith(`${arrayPath}.`)) out.push({ below: key.slice(arrayPath.length + 1), condition });
    }
  };
  visit(query);
  return out;
}

/** Operators that match by an element's absence, so that they name no position (as in MongoDB). */
const NEGATIONS = new Set(["$ne", "$nin", "$not"]);

/** Tests one element (held as `e`) against one condition on its array, or undefined for a negation. */
function elementTest(below: string, condition: unknown): ((element: unknown) => boolean) | undefined {
  if (isPlainObject(condition) && Object.keys(condition).some((k) => NEGATIONS.has(k))) return undefined;
  const elemMatch = below === "" && isPlainObject(condition) && Object.keys(condition).length === 1 && "$elemMatch" in condition;
  const query = new Query(elemMatch ? { e: condition } : { [below === "" ? "e" : `e.${below}`]: condition }, {});
  // a path below the array reaches into its documents only (an index, into a nested array too): a
  // scalar element is not where `{"a.b": null}` matched
  const reachable = (element: unknown): boolean => below === "" || isPlainObject(element) || (Array.isArray(element) && /^\d/.test(below));
  return (element) => reachable(element) && query.test({ e: elemMatch ? [element] : element });
}

function matchedIndex(doc: Doc, arrayPath: string[], query: Doc | undefined): number | undefined {
  let array: unknown = doc;
  for (const part of arrayPath) array = isPlainObject(array) ? array[part] : Array.isArray(array) ? array[Number(part)] : undefined;
  if (!Array.isArray(array) || query === undefined) return undefined;
  const tests = conditionsOn(query, arrayPath.join("."))
    .map(({ below, condition }) => elementTest(below, condition))
    .filter((test) => test !== undefined);
  if (tests.length === 0) return undefined;
  const all = array.findIndex((element) => tests.every((test) => test(element)));
  if (all >= 0) return all;
  const any = array.findIndex((element) => tests.some((test) => test(element)));
  return any >= 0 ? any : undefined;
}
