/**
 * Rewrites an App Services collection schema for Ajv (schemaKeywords.ts) and takes out its change
 * validation expressions. In every sub-schema: `type` becomes the matching `bsonType` (so `object`
 * does not match an ObjectId, and `number` matches a Decimal128); the draft-4 boolean
 * `exclusiveMinimum`/`exclusiveMaximum` the App Services docs use become numbers; the range
 * keywords are also given to `bsonRange` (for Int64 and Decimal128 values); `uniqueItems` becomes
 * `bsonUniqueItems` and `pattern` becomes `bsonPattern`. A `validate` expression is taken where a
 * written value can be named: the document, a field under `properties`, each item of an array
 * (`items`), each value of a dictionary (`additionalProperties`); anywhere else (under `anyOf`, …)
 * it is refused.
 * @packageDocumentation
 */
import { isPlainObject } from "../data/bsonValues.js";
import { RuleConfigError } from "./config.js";
import { patternRegExp, type RangeBounds } from "./schemaKeywords.js";

/** One step of the path to a validated value: a field, each item of an array, or each other value of a dictionary. */
export type PathStep = { key: string } | { each: "item" } | { each: "value"; except: readonly string[]; exceptPatterns: readonly RegExp[] };

/** A change validation expression as written, and where it applies. */
export interface RawChangeValidation {
  path: PathStep[];
  source: unknown;
  label: string;
}

/** JSON Schema's `type` names as BSON types (MongoDB has no `integer`: it is read as `long`). */
const JSON_TYPES: Record<string, string> = {
  object: "object",
  array: "array",
  number: "number",
  boolean: "bool",
  string: "string",
  null: "null",
  integer: "long",
};

/** Keywords whose value is one sub-schema, a map of them, or a list of them (no `validate` below them). */
const OTHER_SUBSCHEMAS = ["additionalItems", "not", "if", "then", "else", "contains", "propertyNames"];
const SUBSCHEMA_MAPS = ["patternProperties", "definitions", "$defs", "dependencies"];
const SUBSCHEMA_LISTS = ["allOf", "anyOf", "oneOf"];

function label(path: PathStep[]): string {
  if (path.length === 0) return "the document";
  return path.map((step) => ("key" in step ? step.key : step.each === "item" ? "[]" : "{}")).join(".");
}

function rangeOf(node: Record<string, unknown>): RangeBounds | undefined {
  const bounds: RangeBounds = {};
  for (const key of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"] as const) {
    const value = node[key];
    if (typeof value === "number") bounds[key] = value;
  }
  return Object.keys(bounds).length === 0 ? undefined : bounds;
}

/** The draft-4 booleans: `{minimum: 13, exclusiveMinimum: true}` means `exclusiveMinimum: 13`. */
function draft4Bounds(node: Record<string, unknown>): void {
  for (const [flag, bound] of [
    ["exclusiveMinimum", "minimum"],
    ["exclusiveMaximum", "maximum"],
  ] as const) {
    if (typeof node[flag] !== "boolean") continue;
    if (node[flag] === true && typeof node[bound] === "number") {
      node[flag] = node[bound];
      delete node[bound];
    } else {
      delete node[flag];
    }
  }
}

/**
 * Rewrites one sub-schema and those below it.
 * @param schema - the sub-schema
 * @param path - where its values are, or null where a `validate` cannot be placed
 * @param where - the file, for messages
 * @param out - receives the change validations
 * @throws RuleConfigError for a `validate` where no value can be named
 */
export function prepareSchema(schema: unknown, path: PathStep[] | null, where: string, out: RawChangeValidation[]): unknown {
  if (!isPlainObject(schema)) return schema;
  const node: Record<string, unknown> = { ...schema };
  if (node["validate"] !== undefined) {
    if (path === null) throw new RuleConfigError(`${where}: a validate expression under anyOf, not, patternProperties, … is not supported`);
    out.push({ path, source: node["validate"], label: `${where}, validate of ${label(path)}` });
    delete node["validate"];
  }
  if (node["type"] !== undefined && node["bsonType"] === undefined) {
    const declared: unknown[] = Array.isArray(node["type"]) ? (node["type"] as unknown[]) : [node["type"]];
    const types = declared.map((t): unknown => (typeof t === "string" ? (JSON_TYPES[t] ?? t) : t));
    node["bsonType"] = types.length === 1 ? types[0] : types;
    delete node["type"];
  }
  draft4Bounds(node);
  const range = rangeOf(node);
  if (range !== undefined) node["bsonRange"] = range;
  if (node["uniqueItems"] !== undefined) {
    if (node["uniqueItems"] === true) node["bsonUniqueItems"] = true;
    delete node["uniqueItems"];
  }
  if (typeof node["pattern"] === "string") {
    node["bsonPattern"] = node["pattern"];
    delete node["pattern"];
  }
  const properties = node["properties"];
  if (isPlainObject(properties)) {
    node["properties"] = Object.fromEntries(
      Object.entries(properties).map(([key, sub]) => [key, prepareSchema(sub, path === null ? null : [...path, { key }], where, out)]),
    );
  }
  const items = node["items"];
  if (Array.isArray(items)) node["items"] = items.map((sub) => prepareSchema(sub, null, where, out));
  else if (items !== undefined) node["items"] = prepareSchema(items, path === null ? null : [...path, { each: "item" }], where, out);
  const extra = node["additionalProperties"];
  if (isPlainObject(extra)) {
    // the keys properties and patternProperties name are not additional
    const except = isPlainObject(properties) ? Object.keys(properties) : [];
    const patterns = isPlainObject(node["patternProperties"]) ? Object.keys(node["patternProperties"]) : [];
    const exceptPatterns = patterns.map((pattern) => {
      try {
        return patternRegExp(pattern);
      } catch (err) {
        throw new RuleConfigError(`${where}: patternProperties: ${(err as Error).message}`);
      }
    });
    node["additionalProperties"] = prepareSchema(
      extra,
      path === null ? null : [...path, { each: "value", except, exceptPatterns }],
      where,
      out,
    );
  }
  for (const key of OTHER_SUBSCHEMAS) if (node[key] !== undefined) node[key] = prepareSchema(node[key], null, where, out);
  for (const key of SUBSCHEMA_MAPS) {
    const map = node[key];
    if (isPlainObject(map))
      node[key] = Object.fromEntries(Object.entries(map).map(([k, sub]) => [k, prepareSchema(sub, null, where, out)]));
  }
  for (const key of SUBSCHEMA_LISTS) {
    const list = node[key];
    if (Array.isArray(list)) node[key] = list.map((sub) => prepareSchema(sub, null, where, out));
  }
  return node;
}
