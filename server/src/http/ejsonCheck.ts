/**
 * Checks the Extended JSON type wrappers of a parsed request before bson reads them. bson 7's
 * `EJSON.deserialize` takes some malformed wrappers and yields a silently wrong value:
 * `{"$date": "not a date"}` an invalid Date (stored as 1970), `{"$numberInt": "99999999999"}` a
 * truncated number, `{"$numberLong": "99999999999999999999"}` a wrapped one, `{"$numberDouble":
 * "abc"}` NaN, bad base64 in `$binary` an empty binary. Each wrapper is checked against the
 * Extended JSON v2 specification (canonical and relaxed forms), so such a value answers 400 and is
 * never stored. The walk is iterative (any nesting).
 * @packageDocumentation
 */

const INT = /^-?\d+$/;
const DOUBLE = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX_SUBTYPE = /^[0-9a-fA-F]{1,2}$/;
const OBJECT_ID = /^[0-9a-fA-F]{24}$/;
const INT32 = [-(2n ** 31n), 2n ** 31n - 1n] as const;
const INT64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;
/** The most milliseconds from the epoch a JavaScript Date holds. */
const MAX_DATE_MS = 8.64e15;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const shown = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
};

function integerIn(text: unknown, [min, max]: readonly [bigint, bigint]): boolean {
  if (typeof text !== "string" || !INT.test(text) || text.length > 21) return false;
  const n = BigInt(text);
  return n >= min && n <= max;
}

function validDate(value: unknown): boolean {
  if (typeof value === "string") return !Number.isNaN(Date.parse(value));
  // relaxed readers (a watch's baas_request) take milliseconds as a plain number
  if (typeof value === "number") return Number.isInteger(value) && Math.abs(value) <= MAX_DATE_MS;
  if (isRecord(value) && Object.keys(value).length === 1 && integerIn(value.$numberLong, INT64)) {
    return Math.abs(Number(value.$numberLong)) <= MAX_DATE_MS;
  }
  return false;
}

function validBinary(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.base64 === "string" &&
    BASE64.test(value.base64) &&
    typeof value.subType === "string" &&
    HEX_SUBTYPE.test(value.subType)
  );
}

function validTimestamp(value: unknown): boolean {
  const part = (n: unknown) => typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
  return isRecord(value) && part(value.t) && part(value.i);
}

/** Each single-key wrapper's check of its value. */
const WRAPPERS: Record<string, (value: unknown) => boolean> = {
  $oid: (v) => typeof v === "string" && OBJECT_ID.test(v),
  $date: validDate,
  $numberInt: (v) => integerIn(v, INT32),
  $numberLong: (v) => integerIn(v, INT64),
  $numberDouble: (v) =>
    typeof v === "string" && (v === "Infinity" || v === "-Infinity" || v === "NaN" || (DOUBLE.test(v) && Number.isFinite(Number(v)))),
  $numberDecimal: (v) => typeof v === "string",
  $binary: validBinary,
  $timestamp: validTimestamp,
  $regularExpression: (v) => isRecord(v) && typeof v.pattern === "string" && typeof v.options === "string",
  $symbol: (v) => typeof v === "string",
  $code: (v) => typeof v === "string",
  $minKey: (v) => v === 1,
  $maxKey: (v) => v === 1,
};

/**
 * Calls `visit` on every object of a parsed JSON value (arrays walked through), parents before
 * their children, iteratively (any nesting). `visit` may change the object it gets; it returns
 * `"skip"` to leave that object's children out, `"stop"` to end the walk.
 */
function eachObject(json: unknown, visit: (value: Record<string, unknown>) => "skip" | "stop" | undefined): void {
  const stack: unknown[] = [json];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === "object" && item !== null) stack.push(item);
      continue;
    }
    if (!isRecord(value)) continue;
    const next = visit(value);
    if (next === "stop") return;
    if (next === "skip") continue;
    for (const child of Object.values(value)) if (typeof child === "object" && child !== null) stack.push(child);
  }
}

/**
 * The first malformed Extended JSON wrapper in a parsed JSON value, described, or undefined.
 * @param json - the value `JSON.parse` gave
 */
export function malformedWrapper(json: unknown): string | undefined {
  let found: string | undefined;
  eachObject(json, (value) => {
    // bson reads an object as a wrapper when it has a wrapper's key (not null), whatever else it holds
    let wrapper = false;
    for (const [key, child] of Object.entries(value)) {
      if (child === null || child === undefined || !Object.hasOwn(WRAPPERS, key)) continue;
      if (!WRAPPERS[key]?.(child)) {
        found = `invalid ${key} value ${shown(child)}`;
        return "stop";
      }
      wrapper = true;
    }
    return wrapper ? "skip" : undefined;
  });
  return found;
}

/**
 * Keeps a `$regex` query operator that shares its object with other operators (`{"$regex": "^a",
 * "$ne": "ab"}`) as an operator: bson's `EJSON.deserialize` reads any object with a string `$regex`
 * as the legacy regular expression wrapper and drops the rest of it, so a filter lost its other
 * conditions. Such a `$regex` (with its `$options`, when a string) becomes the canonical
 * `$regularExpression` wrapper, which bson reads as the operator's value and keeps the object. The
 * legacy wrapper itself (`$regex` with at most `$options`) is left as it is. Rewrites in place, at
 * any nesting.
 * @param json - the value `JSON.parse` gave
 */
export function keepRegexOperators(json: unknown): void {
  eachObject(json, (value) => {
    if (typeof value.$regex !== "string" || Object.keys(value).every((k) => k === "$regex" || k === "$options")) return undefined;
    const options = typeof value.$options === "string" ? value.$options : "";
    if (typeof value.$options === "string") delete value.$options;
    value.$regex = { $regularExpression: { pattern: value.$regex, options } };
    return undefined;
  });
}
