/**
 * Canonical Extended JSON written without bson: the runtime only ever writes plain values (numbers,
 * strings, booleans, null, Dates, arrays and objects of those) and passes BSON values through as the
 * EJSON text they arrived in, so it needs no BSON classes. The output is byte for byte what
 * realm-web 2.0.1 (bson 4.7) sends for the same values: an integer in int32 range as `$numberInt`,
 * one in int64 range as `$numberLong`, any other number as `$numberDouble`, a Date as
 * `{"$date":{"$numberLong":…}}`, `undefined` as `null`.
 * @packageDocumentation
 */
import { RealmTabsError } from "../../src/protocol/errors.js";

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const INT64_MIN = -(2 ** 63);
const INT64_MAX = 2 ** 63;
/** Nesting deeper than this is refused rather than risking the stack. */
const MAX_DEPTH = 1_000;

/**
 * The keys that make an object an Extended JSON value (`{"$oid": …}`, `{"$date": …}`) when EJSON
 * text is parsed, as bson's parser recognises them.
 */
const TYPE_KEYS = new Set([
  "$oid",
  "$numberInt",
  "$numberLong",
  "$numberDouble",
  "$numberDecimal",
  "$date",
  "$binary",
  "$uuid",
  "$regularExpression",
  "$regex",
  "$timestamp",
  "$symbol",
  "$code",
  "$minKey",
  "$maxKey",
  "$dbPointer",
  "$ref",
  "$undefined",
]);

/** Why a value cannot be written; the callers turn it into their own error. */
export class EJSONWriteError extends Error {}

/** Canonical EJSON of a number, as bson 4.7's serializer writes it. */
function numberEJSON(n: number): string {
  if (Math.floor(n) === n) {
    if (n >= INT32_MIN && n <= INT32_MAX) return `{"$numberInt":"${String(n)}"}`;
    if (n >= INT64_MIN && n <= INT64_MAX) return `{"$numberLong":"${String(n)}"}`;
  }
  return `{"$numberDouble":"${String(n)}"}`;
}

/** Whether a parsed JSON object is an Extended JSON value rather than a document. */
export function isEJSONValue(value: object): boolean {
  return Object.keys(value).some((k) => TYPE_KEYS.has(k));
}

interface WriteMode {
  /** Objects with an Extended JSON type key are written as they are (EJSON text that was parsed as JSON). */
  typedObjects: "verbatim" | "document";
}

function write(value: unknown, mode: WriteMode, path: object[]): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return numberEJSON(value);
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return "null";
    case "object":
      break;
    default:
      throw new EJSONWriteError(`a ${typeof value} is not plain data`);
  }
  if (value === null) return "null";
  if (path.includes(value)) throw new EJSONWriteError("the value holds a cycle");
  if (path.length >= MAX_DEPTH) throw new EJSONWriteError(`the value is nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    path.push(value);
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) items.push(write((value as unknown[])[i], mode, path));
    path.pop();
    return `[${items.join(",")}]`;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Date.prototype) return `{"$date":{"$numberLong":"${String((value as Date).getTime())}"}}`;
  if ((proto !== Object.prototype && proto !== null) || "_bsontype" in value) {
    throw new EJSONWriteError("only plain objects, arrays and Dates can be written (BSON values cross as EJSON text)");
  }
  if (mode.typedObjects === "verbatim" && isEJSONValue(value)) return JSON.stringify(value);
  path.push(value);
  const members: string[] = [];
  for (const [k, v] of Object.entries(value)) members.push(`${JSON.stringify(k)}:${write(v, mode, path)}`);
  path.pop();
  return `{${members.join(",")}}`;
}

/**
 * Canonical EJSON of plain structured-clone data (function arguments sent as values): the same
 * text bson's `EJSON.stringify(value, { relaxed: false })` writes for it.
 * @throws {EJSONWriteError} for a value that is not plain data (a Map, a typed array, a structured
 * clone of a BSON value, a bigint), a cycle, or nesting deeper than 1,000 levels
 */
export function writeCanonical(value: unknown): string {
  return write(value, { typedObjects: "document" }, []);
}

/**
 * Canonical EJSON of a parsed JSON or Extended JSON value (a change event, a token's `user_data`,
 * a server answer): plain numbers get their canonical wrappers, Extended JSON values
 * (`{"$oid": …}`) are kept as they were written.
 * @throws {EJSONWriteError} for nesting deeper than 1,000 levels
 */
export function canonicalFromJSON(parsed: unknown): string {
  return write(parsed, { typedObjects: "verbatim" }, []);
}

/**
 * Canonical EJSON of EJSON text, without decoding its BSON values.
 * @throws {RealmTabsError} `invalid-argument` (not retryable) if `text` is not JSON
 */
export function canonicalText(text: string, what: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new RealmTabsError("invalid-argument", `${what} is not EJSON`, { cause, retryable: false });
  }
  try {
    return canonicalFromJSON(parsed);
  } catch (cause) {
    throw new RealmTabsError("invalid-argument", `${what} cannot be written as EJSON: ${String(cause)}`, { cause, retryable: false });
  }
}
