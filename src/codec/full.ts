/**
 * The EJSON codec with bson: loaded by the tab only when a value needs it (see lazy.ts), never
 * before the first call. Arguments go out as canonical EJSON (as realm-web sends them); results
 * come back relaxed, so numbers are numbers and ObjectId, Date, Decimal128 keep their classes.
 * @packageDocumentation
 */
import { EJSON } from "bson";
import { RealmTabsError } from "../protocol/errors.js";
import { isForeignBson, localBson } from "../compat/bson.js";
import { withoutUndefinedKeys } from "./lazy.js";

export { EJSON, ObjectId } from "bson";

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Copies `value`, rebuilding BSON values of other bson copies or versions as this copy's (see
 * compat/bson.ts); `undefined` values stay (EJSON writes them as `null`, as realm-web's bson does).
 * @throws {RealmTabsError} `invalid-argument` for a BSON value of an unknown bson version
 */
export function localCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(localCopy);
  if (isForeignBson(value)) return localBson(value);
  if (!isPlainObject(value)) return value;
  // fromEntries defines each key as the object's own (an assignment to a "__proto__" key, which
  // JSON.parse makes own, would set the copy's prototype instead, and the field would be lost)
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, localCopy(v)]));
}

/**
 * Canonical EJSON of `value` (`undefined` as `null` at any depth), without mutating it.
 * @param what - names the value in the error message
 * @throws {RealmTabsError} `invalid-argument` if it cannot be encoded (a cycle, a BSON value of an unknown version, …)
 */
export function encodeCanonical(value: unknown, what = "the value"): string {
  try {
    return EJSON.stringify(localCopy(value), { relaxed: false });
  } catch (cause) {
    if (cause instanceof RealmTabsError) throw cause;
    throw new RealmTabsError("invalid-argument", `${what} cannot be encoded as EJSON: ${String(cause)}`, { cause, retryable: false });
  }
}

/**
 * Encodes function arguments as canonical EJSON as realm-web sends them (see
 * {@link withoutUndefinedKeys}), without mutating the caller's objects.
 * @param what - names the arguments in the error message
 * @throws {RealmTabsError} `invalid-argument` if an argument cannot be encoded (a function, a cycle, …)
 */
export function encodeArgs(args: readonly unknown[], what = "function arguments"): string {
  return encodeCanonical(withoutUndefinedKeys(args), what);
}

/**
 * Decodes relaxed or canonical EJSON (numbers become `number`, BSON types keep their class).
 * @throws {RealmTabsError} `internal` if `text` is not EJSON
 */
export function decodeResult(text: string): unknown {
  try {
    return EJSON.parse(text, { relaxed: true });
  } catch (cause) {
    throw new RealmTabsError("internal", "the session runtime returned a result that is not EJSON", { cause, retryable: false });
  }
}

// reaches every module the start and the runtime connection need too, so that they share
// their chunks (see laterShared.ts)
export * as sharedWithAttachment from "../attachment.js";
