/**
 * Renders values returned by functions and MongoDB in shell notation, so BSON types stay visible:
 * `ObjectId("…")`, `Date("…")`, `Decimal128("…")`, `Long("…")`.
 * @packageDocumentation
 */

interface BsonLike {
  _bsontype: string;
  toString(): string;
  toHexString?: () => string;
}

function isBson(value: object): value is BsonLike {
  return typeof (value as { _bsontype?: unknown })._bsontype === "string";
}

function bsonText(value: BsonLike): string {
  switch (value._bsontype) {
    case "ObjectId":
      return `ObjectId("${value.toHexString ? value.toHexString() : value.toString()}")`;
    case "Double":
    case "Int32":
      return `${value._bsontype}(${value.toString()})`;
    default:
      return `${value._bsontype}("${value.toString()}")`;
  }
}

/** The value in shell notation, indented by `indent` levels. */
export function showValue(value: unknown, indent = 0): string {
  const pad = "  ".repeat(indent + 1);
  const end = "  ".repeat(indent);
  if (value === undefined) return "undefined";
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- only functions and symbols, which JSON cannot show, reach String()
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? String(value);
  if (value instanceof Date) return `Date("${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()}")`;
  if (isBson(value)) return bsonText(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => pad + showValue(v, indent + 1)).join(",\n")}\n${end}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${pad}${k}: ${showValue(v, indent + 1)}`).join(",\n")}\n${end}}`;
}
