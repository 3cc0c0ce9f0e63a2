/**
 * MongoDB's comparison of BSON values, for the BSON types mingo does not know. mingo compares two
 * values of one class through their strings (so `Decimal128("9.5")` came after `Decimal128("10")`)
 * and sorts a class it does not know after every other type (so a Decimal128 or an Int64 never
 * equalled, nor compared with, a plain number). Here every number — a double, an Int64
 * (`Long`), a Decimal128, the `Int32`/`Double` wrappers — compares by its exact value with every
 * other number (a double by its binary value, as MongoDB: the double 9.99 is not the Decimal128
 * 9.99), and values of different types follow MongoDB's order of types
 * ("Comparison/Sort Order"): MinKey, null (and a missing field), numbers, strings and symbols,
 * objects, arrays, binary data, ObjectId, booleans, dates, timestamps, regular expressions, code,
 * MaxKey.
 * @packageDocumentation
 */
import { isEqual as mingoIsEqual } from "mingo/util";

/** A number as MongoDB compares it: NaN, an infinity, or the exact value `±coef × 10^exp`. */
type Exact = { kind: "nan" } | { kind: "inf"; neg: boolean } | { kind: "finite"; neg: boolean; coef: bigint; exp: number };

const bsonType = (v: unknown): string | undefined =>
  typeof v === "object" && v !== null ? ((v as { _bsontype?: unknown })._bsontype as string | undefined) : undefined;

/**
 * True for a number of any BSON type: a JavaScript number, an Int64 (`Long`), a Decimal128, or an
 * `Int32`/`Double` wrapper (a Timestamp, although bson builds it on Long, is not a number).
 * @param v - anything
 */
export function isNumeric(v: unknown): boolean {
  if (typeof v === "number") return true;
  const t = bsonType(v);
  return t === "Long" || t === "Decimal128" || t === "Int32" || t === "Double";
}

/** True for the numbers mingo does not compare by value: an Int64, a Decimal128, a wrapper. */
export function isBsonNumber(v: unknown): boolean {
  return typeof v !== "number" && isNumeric(v);
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d*))?(?:E([+-]?\d+))?$/;
const view = new DataView(new ArrayBuffer(8));

/** The exact value of a double: its bits, as `mantissa × 2^e`, written as `coef × 10^exp`. */
function exactOfDouble(x: number): Exact {
  if (Number.isNaN(x)) return { kind: "nan" };
  if (!Number.isFinite(x)) return { kind: "inf", neg: x < 0 };
  if (Number.isSafeInteger(x)) return { kind: "finite", neg: x < 0, coef: BigInt(Math.abs(x)), exp: 0 };
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const e = (biased === 0 ? 1 : biased) - 1075;
  const neg = x < 0;
  // mantissa / 2^k = mantissa × 5^k / 10^k
  return e >= 0
    ? { kind: "finite", neg, coef: mantissa << BigInt(e), exp: 0 }
    : { kind: "finite", neg, coef: mantissa * 5n ** BigInt(-e), exp: e };
}

/** The exact value of any number (see {@link isNumeric}). */
function exactOf(v: unknown): Exact {
  if (typeof v === "number") return exactOfDouble(v);
  const t = bsonType(v);
  if (t === "Int32" || t === "Double") return exactOfDouble((v as { valueOf(): number }).valueOf());
  const text = String(v);
  if (t === "Long") {
    const neg = text.startsWith("-");
    return { kind: "finite", neg, coef: BigInt(neg ? text.slice(1) : text), exp: 0 };
  }
  if (text === "NaN") return { kind: "nan" };
  if (text === "Infinity" || text === "-Infinity") return { kind: "inf", neg: text.startsWith("-") };
  const m = DECIMAL.exec(text);
  if (!m) return { kind: "nan" };
  const fraction = m[3] ?? "";
  return { kind: "finite", neg: m[1] === "-", coef: BigInt((m[2] ?? "0") + fraction), exp: Number(m[4] ?? 0) - fraction.length };
}

/** A double that rounds the number (rounding keeps order: a < b implies round(a) <= round(b)). */
function roughly(v: unknown): number {
  return typeof v === "number" ? v : Number(String(v));
}

function sign(e: Exact): number {
  if (e.kind === "inf") return e.neg ? -1 : 1;
  if (e.kind === "finite") return e.coef === 0n ? 0 : e.neg ? -1 : 1;
  return 0;
}

/** -1, 0 or 1 for two exact values, NaN lowest (MongoDB's sort order of numbers). */
function compareExact(a: Exact, b: Exact): number {
  if (a.kind === "nan" || b.kind === "nan") return a.kind === b.kind ? 0 : a.kind === "nan" ? -1 : 1;
  const sa = sign(a);
  const sb = sign(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (a.kind === "inf" || b.kind === "inf") return a.kind === b.kind ? 0 : (a.kind === "inf" ? 1 : -1) * sa;
  if (sa === 0) return 0;
  // magnitudes: first the position of the leading digit, then the digits aligned
  const lead = (e: typeof a) => e.coef.toString().length + e.exp;
  const la = lead(a);
  const lb = lead(b);
  let magnitude: number;
  if (la !== lb) magnitude = la < lb ? -1 : 1;
  else {
    const bb = b;
    const ca = a.exp > bb.exp ? a.coef * 10n ** BigInt(a.exp - bb.exp) : a.coef;
    const cb = bb.exp > a.exp ? bb.coef * 10n ** BigInt(bb.exp - a.exp) : bb.coef;
    magnitude = ca === cb ? 0 : ca < cb ? -1 : 1;
  }
  return magnitude * sa;
}

/**
 * -1, 0 or 1: two numbers of any BSON types by their exact values (NaN equals NaN and is below
 * every other number; -0 equals 0).
 * @param a - a number (see {@link isNumeric})
 * @param b - a number
 */
export function compareNumbers(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) === Number.isNaN(b) ? 0 : Number.isNaN(a) ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const ra = roughly(a);
  const rb = roughly(b);
  if (!Number.isNaN(ra) && !Number.isNaN(rb) && ra !== rb) return ra < rb ? -1 : 1;
  return compareExact(exactOf(a), exactOf(b));
}

/** MongoDB's rank of a value's type in comparisons and sorts. */
function typeRank(v: unknown): number {
  if (v === null || v === undefined) return 2;
  switch (typeof v) {
    case "number":
    case "bigint":
      return 3;
    case "string":
      return 4;
    case "boolean":
      return 9;
    case "object":
      break;
    default:
      return 14;
  }
  if (Array.isArray(v)) return 6;
  if (v instanceof Date) return 10;
  if (v instanceof RegExp) return 12;
  if (ArrayBuffer.isView(v)) return 7;
  switch (bsonType(v)) {
    case undefined:
      return 5;
    case "MinKey":
      return 1;
    case "Long":
    case "Decimal128":
    case "Int32":
    case "Double":
      return 3;
    case "BSONSymbol":
      return 4;
    case "Binary":
      return 7;
    case "ObjectId":
      return 8;
    case "Timestamp":
      return 11;
    case "BSONRegExp":
      return 12;
    case "Code":
      return 13;
    case "MaxKey":
      return 15;
    default:
      return 14;
  }
}

const order = <T>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);

function bytesOf(v: object): Uint8Array {
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  const bin = v as { buffer: Uint8Array; position: number };
  return bin.buffer.subarray(0, bin.position);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return order(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return order(a[i] ?? 0, b[i] ?? 0);
  return 0;
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const [na, nb] = [ka[i] as string, kb[i] as string];
    const c = typeRank(a[na]) - typeRank(b[nb]) || order(na, nb) || compareBson(a[na], b[nb]);
    if (c !== 0) return Math.sign(c);
  }
  return order(ka.length, kb.length);
}

/**
 * -1, 0 or 1: MongoDB's order of two BSON values of any types (a missing value, `undefined`,
 * equals null). Arrays compare element by element, documents field by field (type, then name,
 * then value).
 * @param a - a value
 * @param b - a value
 */
export function compareBson(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a === b) return 0;
  switch (ra) {
    case 3:
      return compareNumbers(a, b);
    case 4:
      return order(String(a), String(b));
    case 5:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
    case 6: {
      const [xa, xb] = [a as unknown[], b as unknown[]];
      for (let i = 0; i < Math.min(xa.length, xb.length); i++) {
        const c = compareBson(xa[i], xb[i]);
        if (c !== 0) return c;
      }
      return order(xa.length, xb.length);
    }
    case 7: {
      const [ba, bb] = [bytesOf(a as object), bytesOf(b as object)];
      if (ba.length !== bb.length) return order(ba.length, bb.length);
      const sub = (v: unknown) => (ArrayBuffer.isView(v) ? 0 : (v as { sub_type: number }).sub_type);
      return order(sub(a), sub(b)) || compareBytes(ba, bb);
    }
    case 8:
      return order(String(a), String(b));
    case 9:
      return order(Number(a), Number(b));
    case 10:
      return order((a as Date).getTime(), (b as Date).getTime());
    case 11: {
      const [ta, tb] = [a as { t: number; i: number }, b as { t: number; i: number }];
      return order(ta.t, tb.t) || order(ta.i, tb.i);
    }
    case 12: {
      const parts = (v: unknown): [string, string] =>
        v instanceof RegExp ? [v.source, v.flags] : [(v as { pattern: string }).pattern, (v as { options: string }).options];
      const [pa, pb] = [parts(a), parts(b)];
      return order(pa[0], pb[0]) || order(pa[1], pb[1]);
    }
    case 13:
      return order(String((a as { code: unknown }).code), String((b as { code: unknown }).code));
    default:
      return 0;
  }
}

/**
 * mingo's equality (documents equal whatever their fields' order) with numbers of every BSON
 * type equal by value: `10`, `Long(10)` and `Decimal128("10.0")` are equal, also inside documents
 * and arrays.
 * @param a - a value
 * @param b - a value
 */
export function bsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isNumeric(a) && isNumeric(b)) return compareNumbers(a, b) === 0;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => bsonEqual(v, b[i]));
  if (isDocument(a) && isDocument(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && bsonEqual(a[k], b[k]));
  }
  return mingoIsEqual(a, b);
}

function isDocument(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === "object" && v !== null && !Array.isArray(v) && bsonType(v) === undefined && Object.getPrototypeOf(v) === Object.prototype
  );
}
