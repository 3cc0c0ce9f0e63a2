/**
 * `$out` and `$merge`, the aggregation stages that write their input into a collection of the same
 * database, for system callers (App Services refuses them to application users: rules/operators.ts).
 * The pipeline before them runs as any other; then every write is computed on the target's documents
 * and committed at once, so a failing document (a duplicate `_id`, an `on` field missing) leaves
 * the target as it was (MongoDB may have written the documents before it). The `aggregate` call
 * answers `[]`, as MongoDB's does. Sources: MongoDB's `$out` and `$merge` reference pages and
 * mongo/db/pipeline/document_source_merge.cpp / document_source_out.cpp.
 * @packageDocumentation
 */
import { ObjectId } from "bson";
import { idKey, isPlainObject, normalize, sameValue, type Doc } from "./bsonValues.js";
import { hashKey } from "./bsonOperators.js";
import type { Mutation } from "./changeFeed.js";
import type { DocCollection } from "./collection.js";
import { applyPipeline } from "./applyUpdate.js";
import { mongoError } from "./errors.js";
import { Aggregator } from "./mingoOptions.js";
import type { MergeSpec, OutputSpec } from "./outputStagesSpec.js";
import { duplicateKey } from "./writeMethods.js";

export { parseOutputStage, type OutputSpec } from "./outputStagesSpec.js";

/** `$merge`'s working state of the target: each touched document's original and current version. */
class Target {
  private readonly touched = new Map<string, { before: Doc | null; after: Doc; replaced: boolean }>();

  constructor(readonly coll: DocCollection) {}

  /** The current document of a key (after this stage's earlier writes). */
  get(key: string): Doc | undefined {
    const t = this.touched.get(key);
    return t === undefined ? this.coll.get(key) : t.after;
  }

  /** Every current document (the target's, with this stage's writes). */
  *docs(): Iterable<Doc> {
    for (const doc of this.coll.docs()) {
      const key = idKey(doc._id);
      if (!this.touched.has(key)) yield doc;
    }
    for (const t of this.touched.values()) yield t.after;
  }

  /** Sets the current version of a key; `replaced` marks a whole-document replacement. */
  set(key: string, after: Doc, replaced = false): void {
    const t = this.touched.get(key);
    if (t === undefined) this.touched.set(key, { before: this.coll.get(key) ?? null, after, replaced });
    else {
      t.after = after;
      t.replaced ||= replaced;
    }
  }

  /** The mutations that take the target from its stored state to the current one. */
  mutations(): Mutation[] {
    const out: Mutation[] = [];
    for (const [key, { before, after, replaced }] of this.touched) {
      if (before === null) out.push({ kind: "insert", key, before, after });
      else if (!sameValue(before, after)) out.push({ kind: replaced ? "replace" : "update", key, before, after });
    }
    return out;
  }
}

/** A result document with an `_id` (an ObjectId first where it had none), as a private copy. */
function withId(doc: Doc): Doc {
  const copy = normalize(doc);
  if (Array.isArray(copy._id)) throw mongoError("The '_id' value cannot be of type array");
  return "_id" in copy && copy._id !== undefined ? copy : { _id: new ObjectId(), ...copy };
}

/**
 * `$out`'s mutations: every stored document deleted, then the results inserted in their order (a
 * result `_id` met twice is a duplicate key). MongoDB writes a new collection and renames it over
 * the target, so the target's natural order is the results' (a `$sort` before `$out` holds for a
 * later `find`); replacing documents in place would keep their old places.
 */
function outMutations(coll: DocCollection, results: Doc[]): Mutation[] {
  const mutations: Mutation[] = coll.docs().map((doc) => ({ kind: "delete", key: idKey(doc._id), before: doc, after: null }));
  const seen = new Set<string>();
  for (const result of results) {
    const doc = withId(result);
    const key = idKey(doc._id);
    if (seen.has(key)) throw duplicateKey(coll, doc._id);
    seen.add(key);
    mutations.push({ kind: "insert", key, before: null, after: doc });
  }
  return mutations;
}

/** The value of a dotted path in a document, or undefined (an array on the way counts as the value). */
function valueAt(doc: Doc, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split(".")) {
    if (!isPlainObject(value)) return Array.isArray(value) ? value : undefined;
    value = value[part];
  }
  return value;
}

/** The key of a document's `on` values (numbers by value), or the error MongoDB gives. */
function onKey(doc: Doc, on: readonly string[]): string {
  const parts: string[] = [];
  for (const field of on) {
    const value = valueAt(doc, field);
    if (value === undefined || value === null || Array.isArray(value)) {
      throw mongoError(`$merge write error: 'on' field '${field}' cannot be missing, null, undefined or an array`);
    }
    parts.push(hashKey(value) ?? idKey(value));
  }
  return JSON.stringify(parts);
}

/** `$merge`'s `let` variables, their expressions evaluated on the incoming document. */
function letValues(vars: Record<string, unknown>, incoming: Doc): Record<string, unknown> {
  if (Object.keys(vars).length === 0) return {};
  const out = new Aggregator([{ $replaceWith: vars }]).run([incoming])[0];
  return isPlainObject(out) ? out : {};
}

/** The document `whenMatched` makes of a matched one, or undefined to leave it. */
function matchedResult(spec: MergeSpec, existing: Doc, incoming: Doc, coll: DocCollection): Doc | undefined {
  const mode = spec.whenMatched;
  if (mode === "keepExisting") return undefined;
  if (mode === "fail") throw duplicateKey(coll, existing._id);
  let next: Doc;
  if (mode === "replace") next = { _id: existing._id, ...incoming };
  else if (mode === "merge") next = { ...existing, ...incoming };
  else next = applyPipeline(existing, mode, { new: incoming, ...letValues(spec.let, incoming) });
  if (!sameValue(next._id, existing._id)) {
    throw mongoError("$merge failed to update the matching document, did you attempt to modify the _id or the shard key?");
  }
  return { ...next, _id: existing._id };
}

/** `$merge`: each result updates the target document with its `on` values, or is inserted. */
function writeMerge(target: Target, spec: MergeSpec, results: Doc[]): void {
  const byId = spec.on.length === 1 && spec.on[0] === "_id";
  // the target's documents by their `on` values (kept current as results come in)
  const index = new Map<string, string>();
  if (!byId) {
    for (const doc of target.docs()) {
      try {
        index.set(onKey(doc, spec.on), idKey(doc._id));
      } catch {
        // a stored document without the `on` fields matches no result
      }
    }
  }
  for (const result of results) {
    const incoming = byId ? withId(result) : normalize(result);
    const key = byId ? idKey(incoming._id) : index.get(onKey(incoming, spec.on));
    const existing = key === undefined ? undefined : target.get(key);
    if (existing !== undefined && key !== undefined) {
      const next = matchedResult(spec, existing, incoming, target.coll);
      if (next !== undefined) target.set(key, next, spec.whenMatched === "replace");
      continue;
    }
    if (spec.whenNotMatched === "discard") continue;
    if (spec.whenNotMatched === "fail") {
      throw mongoError(
        "$merge could not find a matching document in the target collection for at least one document in the source collection",
      );
    }
    const doc = withId(incoming);
    const newKey = idKey(doc._id);
    if (target.get(newKey) !== undefined) throw duplicateKey(target.coll, doc._id);
    target.set(newKey, doc);
    if (!byId) index.set(onKey(doc, spec.on), newKey);
  }
}

/**
 * Writes a pipeline's results as its `$out` or `$merge` stage says, in one commit of the target.
 * @param target - the target collection (same database)
 * @param output - the parsed stage ({@link parseOutputStage})
 * @param results - the documents the pipeline before it produced
 * @throws ServerError 400 `MongoDBError` for a duplicate `_id`, a `$merge` `on` field missing, null or an array, `whenMatched: "fail"` or `whenNotMatched: "fail"` meeting a document, or an `_id` a `whenMatched` mode would change (then nothing is written)
 */
export function writeOutput(target: DocCollection, output: OutputSpec, results: Doc[]): void {
  let mutations: Mutation[];
  if (output.stage === "$out") mutations = outMutations(target, results);
  else {
    const state = new Target(target);
    writeMerge(state, output, results);
    mutations = state.mutations();
  }
  if (mutations.length > 0) target.commit(mutations);
}
