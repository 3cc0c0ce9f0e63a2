/**
 * Values as MongoDB's messages show them, `BSONElement::toString` (bsonelement.cpp): a double
 * through `StringBuilder::appendDoubleNice` (`%.16g` with `.0` added when the text has no `.`, `E`
 * or `N`: `1.5`, `-1.0`, `1e+30.0`, `nan.0`), Int32/Int64/Decimal128 as their digits, a string in
 * quotes, documents and arrays as `{ a: 1 }` and `[ 1, 2 ]`, `new Date(ms)`, `ObjectId('…')`,
 * `/pattern/flags`, `Timestamp(t, i)`, BinData. One module for every message that quotes a value
 * (query arguments, stage and accumulator specifications).
 * @packageDocumentation
 */
import { bsonType, bsonTypeName } from "./bsonNumbers.js";
import { isPlainObject } from "./bsonValues.js";
import { valueText } from "./bsonStringsValues.js";

/** The longest text shown of one value (MongoDB shows it whole; a request could make it huge). */
const MAX_TEXT = 1000;
/** How deep documents and arrays are shown (BSONObj::maxToStringRecursionDepth). */
const MAX_DEPTH = 100;

/**
 * A double as C's `%.16g` writes it, with `.0` added as `appendDoubleNice` does.
 * @param d - the double
 */
export function doubleNice(d: number): string {
  let text: string;
  if (Number.isNaN(d)) text = "nan";
  else if (!Number.isFinite(d)) text = d < 0 ? "-inf" : "inf";
  else if (d === 0) text = Object.is(d, -0) ? "-0" : "0";
  else {
    const [mantissa = "", exp = "0"] = d.toExponential(15).split("e");
    const exponent = Number(exp);
    const trim = (s: string): string => (s.includes(".") ? s.replace(/\.?0+$/, "") : s);
    text =
      exponent < -4 || exponent >= 16
        ? `${trim(mantissa)}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`
        : trim(d.toFixed(15 - exponent));
  }
  return /[.EN]/.test(text) ? text : `${text}.0`;
}

const hex = (bytes: Uint8Array, upper: boolean): string => {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
  return upper ? text.toUpperCase() : text;
};

/**
 * The bytes of a BinData value (a bson `Binary`, or a plain byte array), or undefined for anything else.
 * @param v - anything
 */
export function binaryBytes(v: unknown): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (bsonType(v) !== "Binary") return undefined;
  const bin = v as { buffer: Uint8Array; position: number };
  return bin.buffer.subarray(0, bin.position);
}

function binaryText(v: unknown, bytes: Uint8Array): string {
  const subType = (v as { sub_type?: number }).sub_type ?? 0;
  if (subType === 4 && bytes.length === 16) {
    const h = hex(bytes, false);
    return `UUID("${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}")`;
  }
  return bytes.length > 80 ? `BinData(${subType}, ${hex(bytes.subarray(0, 70), true)}...)` : `BinData(${subType}, ${hex(bytes, true)})`;
}

function valueShown(v: unknown, depth: number): string {
  if (depth > MAX_DEPTH) return "...";
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number") return bsonTypeName(v) === "double" ? doubleNice(v) : String(v);
  if (typeof v === "string") return `"${v}"`;
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v instanceof RegExp) return `/${v.source}/${v.flags}`;
  if (Array.isArray(v)) return v.length === 0 ? "[]" : `[ ${v.map((x) => valueShown(x, depth + 1)).join(", ")} ]`;
  if (isPlainObject(v)) {
    const entries = Object.entries(v);
    return entries.length === 0 ? "{}" : `{ ${entries.map(([k, x]) => `${k}: ${valueShown(x, depth + 1)}`).join(", ")} }`;
  }
  const bytes = binaryBytes(v);
  if (bytes !== undefined) return binaryText(v, bytes);
  switch (bsonType(v)) {
    case "Double":
      return doubleNice((v as { valueOf(): number }).valueOf());
    case "Int32":
    case "Long":
    case "Decimal128":
      return (v as { toString(): string }).toString();
    case "ObjectId":
      return `ObjectId('${(v as { toHexString(): string }).toHexString()}')`;
    case "BSONRegExp": {
      const re = v as { pattern: string; options: string };
      return `/${re.pattern}/${re.options}`;
    }
    case "Timestamp": {
      const ts = v as { t: number; i: number };
      return `Timestamp(${ts.t}, ${ts.i})`;
    }
    case "MinKey":
    case "MaxKey":
      return bsonType(v) ?? "";
    default:
      return valueText(v);
  }
}

/**
 * A value as MongoDB's messages show it (cut after {@link MAX_TEXT} characters).
 * @param v - the value
 */
export function bsonText(v: unknown): string {
  const text = valueShown(v, 0);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}...` : text;
}

/**
 * An element as MongoDB's messages show it: `name: value` (cut after {@link MAX_TEXT} characters).
 * @param name - the element's field name
 * @param v - its value
 */
export function elementText(name: string, v: unknown): string {
  const text = `${name}: ${valueShown(v, 0)}`;
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}...` : text;
}
