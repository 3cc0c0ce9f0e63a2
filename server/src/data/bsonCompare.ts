/**
 * MongoDB's comparison of BSON values, for the BSON types mingo does not know. mingo compares two
 * values of one class through their strings (so `Decimal128("9.5")` came after `Decimal128("10")`)
 * and sorts a class it does not know after every other type (so a Decimal128 or an Int64 never
 * equalled, nor compared with, a plain number). Here every number — a double, an Int64
 * (`Long`), a Decimal128, the `Int32`/`Double` wrappers — compares by its exact value with every
 * other number (bsonNumbers.ts), and values of different types follow MongoDB's order of types
 * ("Comparison/Sort Order"): MinKey, null (and a missing field), numbers, strings and symbols,
 * objects, arrays, binary data, ObjectId, booleans, dates, timestamps, regular expressions, code,
 * MaxKey.
 * @packageDocumentation
 */
import { isEqual as mingoIsEqual } from "mingo/util";
import { bsonType, compareNumbers, isNumeric } from "./bsonNumbers.js";
import { isPlainObject } from "./bsonValues.js";

/** MongoDB's rank of a value's type in comparisons and sorts. */
function typeRank(v: unknown): number {
  if (v === null || v === undefined) return 2;
  switch (typeof v) {
    case "number":
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
    case "DBRef":
      return 5;
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
 * MongoDB's equality of values, as `$eq`, `$in`, `$all` and `$addToSet` use it: numbers of every
 * BSON type equal by value (`10`, `Long(10)` and `Decimal128("10.0")`), also inside documents and
 * arrays; documents equal only with the same fields in the same order (mingo's equality ignores
 * the order, MongoDB's does not).
 * @param a - a value
 * @param b - a value
 */
export function bsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isNumeric(a) && isNumeric(b)) return compareNumbers(a, b) === 0;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => bsonEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    const others = Object.keys(b);
    return keys.length === others.length && keys.every((k, i) => others[i] === k && bsonEqual(a[k], b[k]));
  }
  return mingoIsEqual(a, b);
}
