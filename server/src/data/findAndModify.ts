/**
 * `findOneAndUpdate`, `findOneAndReplace` and `findOneAndDelete`.
 * @packageDocumentation
 */
import type { ArgsOf } from "./args.js";
import { idKey, normalize, type Doc } from "./bsonValues.js";
import type { DocRegistry } from "./collection.js";
import { checkUpdate, updateKind, type UpdateSpec } from "./applyUpdate.js";
import { mongoError } from "./errors.js";
import { project } from "./projection.js";
import { selectDocs } from "./readMethods.js";
import { updateMutation, upsertInsert } from "./writeMethods.js";

interface ModifyArgs {
  database: string;
  collection: string;
  filter?: Doc;
  update: UpdateSpec;
  sort?: Doc;
  projection?: Doc;
  upsert?: boolean;
  returnNewDocument?: boolean;
}

function one(doc: Doc | null | undefined, projection: Doc | undefined, filter?: Doc): Doc | null {
  return doc ? (project([doc], projection, filter)[0] ?? null) : null;
}

function findAndModify(reg: DocRegistry, a: ModifyArgs): Doc | null {
  // MongoDB parses the update before it looks for a document
  checkUpdate(a.update, undefined);
  const coll = reg.get(a.database, a.collection);
  const before = selectDocs(coll.docs(), a.filter, { sort: a.sort, limit: 1 })[0];
  if (!before) {
    if (!a.upsert) return null;
    const inserted = upsertInsert(coll, a.filter ?? {}, a.update);
    return a.returnNewDocument ? one(inserted, a.projection) : null;
  }
  const mutation = updateMutation(before, a.update, { query: normalize(a.filter) });
  if (mutation) coll.commit([mutation]);
  // a positional projection (`"items.$": 1`) picks its element on the document the filter matched
  return a.returnNewDocument ? one(mutation?.after ?? before, a.projection) : one(before, a.projection, a.filter);
}

/**
 * `findOneAndUpdate`: updates the first match in `sort` order.
 * @param reg - the collections
 * @param a - `{database, collection, filter, update, sort, projection, upsert, returnNewDocument}`
 * @returns the pre-image (or the post-image with `returnNewDocument`), projected; null if none
 * @throws ServerError `MongoDBError` for invalid updates
 */
export function findOneAndUpdate(reg: DocRegistry, a: ArgsOf<"findOneAndUpdate">): Doc | null {
  return findAndModify(reg, a);
}

/**
 * `findOneAndDelete`: removes the first match in `sort` order.
 * @param reg - the collections
 * @param a - `{database, collection, filter, sort, projection}`
 * @returns the removed document, projected, or null
 * @throws ServerError `MongoDBError` for an invalid filter
 */
export function findOneAndDelete(reg: DocRegistry, a: ArgsOf<"findOneAndDelete">): Doc | null {
  const coll = reg.get(a.database, a.collection);
  const before = selectDocs(coll.docs(), a.filter, { sort: a.sort, limit: 1 })[0];
  if (!before) return null;
  coll.commit([{ kind: "delete", key: idKey(before._id), before, after: null }]);
  return one(before, a.projection, a.filter);
}

/**
 * `findOneAndReplace`: replaces the first match in `sort` order. Without `update` it acts as
 * `findOneAndDelete`, because realm-web 2.0.1 sends `findOneAndDelete` under this name.
 * @param reg - the collections
 * @param a - `{database, collection, filter, update, sort, projection, upsert, returnNewDocument}`
 * @returns like {@link findOneAndUpdate}
 * @throws ServerError `MongoDBError` if `update` contains operators
 */
export function findOneAndReplace(reg: DocRegistry, a: ArgsOf<"findOneAndReplace">): Doc | null {
  const { update, ...rest } = a;
  if (update === undefined) return findOneAndDelete(reg, rest);
  if (updateKind(update) !== "replacement") throw mongoError("replacement document must not contain update operators");
  return findAndModify(reg, { ...rest, update });
}
