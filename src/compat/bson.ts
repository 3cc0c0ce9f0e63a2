/**
 * Accepts BSON values made by another copy or version of the `bson` package (an app's own bson
 * 4, 5 or 6; realm-web's 4.7): this package's bson refuses to serialize them ("Unsupported BSON
 * version"), so they are rebuilt as this copy's classes, recognised by their `_bsontype` tag
 * rather than by `instanceof`, through their own canonical Extended JSON.
 * @packageDocumentation
 */
import { BSONValue, EJSON } from "bson";
import { RealmTabsError } from "../protocol/errors.js";

interface ForeignBsonValue {
  _bsontype: string;
  toExtendedJSON?: (options?: { relaxed?: boolean; legacy?: boolean }) => unknown;
}

/** Whether `value` is a BSON value of another bson copy (tagged with `_bsontype`, not one of ours). */
export function isForeignBson(value: unknown): value is ForeignBsonValue {
  return (
    typeof value === "object" &&
    value !== null &&
    !(value instanceof BSONValue) &&
    typeof (value as { _bsontype?: unknown })._bsontype === "string"
  );
}

/**
 * The canonical Extended JSON of a foreign value, with foreign values nested in it (a DBRef's
 * `$id`, a Code's scope) turned into Extended JSON too.
 * @throws {RealmTabsError} `invalid-argument` if a value cannot describe itself as Extended JSON
 */
function ejsonTree(value: unknown): unknown {
  if (isForeignBson(value)) {
    if (typeof value.toExtendedJSON !== "function") {
      throw new RealmTabsError("invalid-argument", `a ${value._bsontype} value of an unknown bson version cannot be encoded`, {
        retryable: false,
      });
    }
    let ejson: unknown;
    try {
      ejson = value.toExtendedJSON({ relaxed: false, legacy: false });
    } catch (cause) {
      const message = `a ${value._bsontype} value of another bson version cannot be encoded: ${String(cause)}`;
      throw new RealmTabsError("invalid-argument", message, { cause, retryable: false });
    }
    return ejsonTree(ejson);
  }
  if (Array.isArray(value)) return value.map(ejsonTree);
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ejsonTree(v)]));
  }
  return value;
}

/**
 * This bson copy's equivalent of a foreign BSON value.
 * @throws {RealmTabsError} `invalid-argument` if the value cannot describe itself as Extended JSON
 */
export function localBson(value: ForeignBsonValue): unknown {
  return EJSON.deserialize(ejsonTree(value) as Record<string, unknown>, { relaxed: false });
}
