/**
 * The canonical EJSON text of a value, as the server sends results, change events and endpoint
 * replies. A JavaScript number that is a whole number beyond 2^53 is a double here (an Int64 that
 * large is kept as a `Long`), but bson writes it as `$numberLong`: the type changed, and 2^63
 * itself came out as `{"$numberLong": "9223372036854775808"}`, outside the Int64 range, which
 * bson and realm-web read back as a negative number. Such numbers are written as `$numberDouble`.
 * @packageDocumentation
 */
import { Double, EJSON } from "bson";
import { defineOwn, isPlainObject } from "./bsonValues.js";

const isUnsafeWhole = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v);

/** `value` with every whole number beyond 2^53 as a `Double`; what holds none is returned as it is, not copied. */
function withDoubles(value: unknown): unknown {
  if (typeof value === "number") return isUnsafeWhole(value) ? new Double(value) : value;
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const fixed = withDoubles(item);
      if (fixed === item) continue;
      copy ??= value.slice();
      copy[i] = fixed;
    }
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = value[key];
    const fixed = withDoubles(item);
    if (fixed === item) continue;
    if (!copy) {
      copy = {};
      for (const k of Object.keys(value)) defineOwn(copy, k, value[k]);
    }
    defineOwn(copy, key, fixed);
  }
  return copy ?? value;
}

/**
 * A value as canonical EJSON text (`undefined` as null).
 * @param value - a result, an event, a reply
 * @returns the text
 * @throws RangeError for a cyclic value (the copy's walk overflows the stack; function results are
 *   checked for cycles before they get here)
 */
export function canonicalEjson(value: unknown): string {
  return EJSON.stringify(withDoubles(value === undefined ? null : value), { relaxed: false });
}
