/**
 * How an endpoint answers with its function's return value: as standard JSON or as canonical EJSON,
 * chosen by the request's `Accept` header (`application/json` or `application/ejson`), else by the
 * endpoint's `return_type`. The JSON form of each BSON type is the one the App Services docs list
 * ("Data Formats"): an ObjectId is its hex string, a Date its ISO string, a Decimal128 its string,
 * Int32, Int64 and Double are numbers, a Binary is `{Subtype, Data}` (base64), a regular expression
 * `{Pattern, Options}`, a Timestamp `{T, I}`, MinKey and MaxKey `{}`.
 * @packageDocumentation
 */
import { randomBytes } from "node:crypto";
import { defineOwn } from "../data/bsonValues.js";
import { Binary, BSONRegExp, BSONSymbol, Code, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from "bson";
import { canonicalEjson } from "../data/canonicalEjson.js";

/** A response format. */
export type ReturnFormat = "JSON" | "EJSON";

/** The content type of each format. */
export const CONTENT_TYPES: Record<ReturnFormat, string> = { JSON: "application/json", EJSON: "application/ejson" };

/**
 * The format a request asks for: the first of `application/json` and `application/ejson` its
 * `Accept` header names, else the endpoint's default.
 * @param accept - the `Accept` header
 * @param fallback - the endpoint's `return_type`
 */
export function chooseFormat(accept: string | undefined, fallback: ReturnFormat): ReturnFormat {
  for (const part of (accept ?? "").split(",")) {
    const type = part.split(";")[0]?.trim().toLowerCase();
    if (type === "application/json") return "JSON";
    if (type === "application/ejson") return "EJSON";
  }
  return fallback;
}

function binaryJson(value: Binary): { Subtype: number; Data: string } {
  return { Subtype: value.sub_type, Data: value.toString("base64") };
}

/** Writes an Int64 that a JS number cannot hold exactly; `toStandardJson`'s default rounds it. */
type ExactInteger = (digits: string) => unknown;

const MAX_SAFE = Long.fromNumber(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = Long.fromNumber(Number.MIN_SAFE_INTEGER);

/**
 * A value in App Services' standard JSON form (see the module's description).
 * @param value - a function's return value (BSON values included)
 * @param exact - what an Int64 beyond 2^53 becomes (default: the nearest number)
 * @returns a value `JSON.stringify` writes as App Services would
 */
export function toStandardJson(value: unknown, exact: ExactInteger = Number): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== "object") return typeof value === "bigint" ? exact(value.toString()) : value;
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : toStandardJson(item, exact)));
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof ObjectId) return value.toHexString();
  if (value instanceof Decimal128) return value.toString();
  // a Timestamp is a Long too
  if (value instanceof Timestamp) return { T: value.t, I: value.i };
  if (value instanceof Long) {
    return value.lessThanOrEqual(MAX_SAFE) && value.greaterThanOrEqual(MIN_SAFE) ? value.toNumber() : exact(value.toString());
  }
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (value instanceof Binary) return binaryJson(value);
  if (value instanceof BSONRegExp) return { Pattern: value.pattern, Options: value.options };
  if (value instanceof RegExp) return { Pattern: value.source, Options: value.flags };
  if (value instanceof MinKey || value instanceof MaxKey) return {};
  if (value instanceof BSONSymbol) return value.valueOf();
  if (value instanceof Code) return value.code;
  if (value instanceof Uint8Array) return binaryJson(new Binary(value));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) defineOwn(out, key, toStandardJson(item, exact));
  }
  return out;
}

/**
 * The text of a return value in a format. An Int64 beyond 2^53 is written with all its digits in
 * JSON too (a JSON number has no size limit; JavaScript clients round it when they parse it).
 * @param value - the return value
 * @param format - JSON or EJSON (canonical)
 * @throws Error if the value cannot be written (a cycle)
 */
export function renderValue(value: unknown, format: ReturnFormat): string {
  if (format === "EJSON") return canonicalEjson(value);
  // exact integers travel as marked strings (a NUL and a nonce), whose quoted text is then replaced by the digits
  const nonce = randomBytes(6).toString("hex");
  const text = JSON.stringify(toStandardJson(value, (digits) => `\u0000${nonce}:${digits}`));
  if (!text.includes(`"\\u0000${nonce}:`)) return text;
  return text.replace(new RegExp(`"\\\\u0000${nonce}:(-?\\d+)"`, "g"), "$1");
}
