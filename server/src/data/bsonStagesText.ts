/**
 * What the stages of bsonStages.ts share when they check a specification as MongoDB parses it:
 * the checks of an IDL-parsed specification (idl_parser.cpp: unknown, missing and wrongly typed
 * fields); values in messages are written by bsonText.ts.
 * @packageDocumentation
 */
import { bsonTypeName } from "./bsonNumbers.js";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";

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
