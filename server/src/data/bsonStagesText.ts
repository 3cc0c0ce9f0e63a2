/**
 * What the stages of bsonStages.ts share when they check a specification as MongoDB parses it:
 * the checks of an IDL-parsed specification (idl_parser.cpp: unknown, missing and wrongly typed
 * fields) and a value as MongoDB writes it in messages (BSONElement::toString).
 * @packageDocumentation
 */
import { bsonType, bsonTypeName } from "./bsonNumbers.js";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";

/** A double as MongoDB's StringBuilder::appendDoubleNice writes it: `%.16g`, with `.0` added when that shows no point, `E` or `N`. */
function doubleNice(x: number): string {
  let text: string;
  if (Number.isNaN(x)) text = "nan";
  else if (!Number.isFinite(x)) text = x < 0 ? "-inf" : "inf";
  else if (x === 0) text = Object.is(x, -0) ? "-0" : "0";
  else {
    const [mantissa = "", exp = "0"] = x.toExponential(15).split("e");
    const exponent = Number(exp);
    const trim = (s: string): string => (s.includes(".") ? s.replace(/\.?0+$/, "") : s);
    text =
      exponent < -4 || exponent >= 16
        ? `${trim(mantissa)}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`
        : trim(x.toFixed(Math.max(0, 15 - exponent)));
  }
  return /[.EN]/.test(text) ? text : `${text}.0`;
}

/**
 * A value as MongoDB's BSONElement::toString writes it in messages: `"x"`, `{ a: 1 }`, `[ 1, 2 ]`,
 * `{}`, a double as `%.16g` (`1.5`, `2.0`, `nan.0`), a whole JavaScript number as an integer.
 * @param v - a value of a specification
 */
export function elementText(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return v.length === 0 ? "[]" : `[ ${v.map(elementText).join(", ")} ]`;
  if (isPlainObject(v)) {
    const entries = Object.entries(v);
    return entries.length === 0 ? "{}" : `{ ${entries.map(([k, x]) => `${k}: ${elementText(x)}`).join(", ")} }`;
  }
  if (typeof v === "string") return `"${v}"`;
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number") return bsonTypeName(v) === "double" ? doubleNice(v) : String(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v instanceof RegExp) return `/${v.source}/${v.flags}`;
  switch (bsonType(v)) {
    case "Double":
      return doubleNice((v as { value: number }).value);
    case "ObjectId":
      return `ObjectId('${(v as { toHexString(): string }).toHexString()}')`;
    case "Timestamp": {
      const ts = v as { t: number; i: number };
      return `Timestamp(${ts.t}, ${ts.i})`;
    }
    case "MinKey":
    case "MaxKey":
      return bsonType(v) ?? "";
    default:
      // Int32, Long and Decimal128 write their digits; other types are not met in these messages
      return (v as { toString(): string }).toString();
  }
}

/** The BSON types an IDL field takes (MongoDB's names; `any` takes every value). */
export type IdlType = "string" | "object" | "bool" | "array<string>" | "numeric" | "object|string" | "any";

/**
 * The types a message names for each {@link IdlType} (idl_parser.cpp writes a list as
 * `'[a, b']`; the order for `numeric` is the one a third-party probe of mongod quotes, not read
 * in MongoDB's IDL).
 */
const EXPECTED: Record<Exclude<IdlType, "any">, string> = {
  string: "type 'string'",
  object: "type 'object'",
  bool: "type 'bool'",
  "array<string>": "type 'array'",
  numeric: "types '[int, decimal, double, long']",
  "object|string": "types '[object, string']",
};

function typeFits(type: IdlType, v: unknown): boolean {
  switch (type) {
    case "any":
      return true;
    case "string":
      return typeof v === "string";
    case "object":
      return isPlainObject(v);
    case "bool":
      return typeof v === "boolean";
    case "array<string>":
      return Array.isArray(v);
    case "numeric":
      return ["int", "long", "double", "decimal"].includes(bsonTypeName(v));
    case "object|string":
      return isPlainObject(v) || typeof v === "string";
  }
}

/**
 * Reads a specification as MongoDB's IDL parser does (a strict struct): each field in order must
 * be one the struct names and of its type (null counts as absent for all but `any`), then the
 * required ones must be there.
 * @param path - the specification's place in messages (`$densify`, `$densify.range`)
 * @param spec - the specification
 * @param fields - the struct's fields, a `!` after the type marking a required one
 * @returns the fields present
 * @throws ServerError 400 `MongoDBError` "BSON field '…' is an unknown field." (40415), "… is the wrong type …" (TypeMismatch), "… is missing but a required field" (40414)
 */
export function idlFields(path: string, spec: Doc, fields: Record<string, `${IdlType}${"" | "!"}`>): Doc {
  const out: Doc = {};
  for (const [name, value] of Object.entries(spec)) {
    const declared = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (declared === undefined) throw mongoError(`BSON field '${path}.${name}' is an unknown field.`);
    const type = declared.replace("!", "") as IdlType;
    if (type !== "any" && value === null) continue;
    if (!typeFits(type, value)) {
      throw mongoError(
        `BSON field '${path}.${name}' is the wrong type '${bsonTypeName(value)}', expected ${EXPECTED[type as Exclude<IdlType, "any">]}`,
      );
    }
    if (type === "array<string>") {
      (value as unknown[]).forEach((item, i) => {
        if (typeof item !== "string")
          throw mongoError(`BSON field '${path}.${name}.${i}' is the wrong type '${bsonTypeName(item)}', expected type 'string'`);
      });
    }
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  for (const [name, declared] of Object.entries(fields)) {
    if (declared.endsWith("!") && !Object.hasOwn(out, name))
      throw mongoError(`BSON field '${path}.${name}' is missing but a required field`);
  }
  return out;
}
