/**
 * Numbers of every BSON type by their exact values, as MongoDB compares them: a double (by its
 * binary value: the double 9.99 is not the Decimal128 9.99), an Int64 (`Long`, exactly beyond
 * 2^53), a Decimal128, and the `Int32`/`Double` wrappers. mingo compares only JavaScript numbers.
 * @packageDocumentation
 */
/** A number as MongoDB compares it: NaN, an infinity, or the exact value `±coef × 10^exp`. */
type Exact = { kind: "nan" } | { kind: "inf"; neg: boolean } | { kind: "finite"; neg: boolean; coef: bigint; exp: number };

/**
 * The `_bsontype` of a bson value (`"Decimal128"`, `"Long"`, …), or undefined for anything else.
 * @param v - anything
 */
export const bsonType = (v: unknown): string | undefined =>
  typeof v === "object" && v !== null ? ((v as { _bsontype?: unknown })._bsontype as string | undefined) : undefined;

/** MongoDB's names of the BSON types (its typeName), by bson's `_bsontype`. */
const TYPE_NAMES: Record<string, string> = {
  ObjectId: "objectId",
  Binary: "binData",
  BSONRegExp: "regex",
  Decimal128: "decimal",
  Long: "long",
  Int32: "int",
  Double: "double",
  Timestamp: "timestamp",
  MinKey: "minKey",
  MaxKey: "maxKey",
  Code: "javascript",
  BSONSymbol: "symbol",
};

/**
 * A value's BSON type as MongoDB names it in messages (`int`, `long`, `double`, `decimal`,
 * `string`, `object`, `array`, `objectId`, `date`, …). A JS number is an `int` when it is a whole
 * number in 32 bits, a `long` when a larger safe integer (the store keeps whole numbers so), else a
 * `double`.
 * @param v - a value
 */
export function bsonTypeName(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "missing";
  if (Array.isArray(v)) return "array";
  if (v instanceof Date) return "date";
  if (v instanceof RegExp) return "regex";
  if (typeof v === "number") {
    if (Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 && !Object.is(v, -0)) return "int";
    return Number.isSafeInteger(v) && !Object.is(v, -0) ? "long" : "double";
  }
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  const type = bsonType(v);
  return type === undefined ? "object" : (TYPE_NAMES[type] ?? type.toLowerCase());
}

/**
 * A number of any BSON type as a JS number (an Int64 beyond 2^53 or a Decimal128 rounded), for
 * checks of small values such as `1`/`-1` or a slice length; undefined for anything else.
 * @param v - anything
 */
export function roughNumber(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  const type = bsonType(v);
  return type === "Long" || type === "Decimal128" ? Number(String(v)) : undefined;
}

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

/**
 * True for the numbers mingo does not compare by value: an Int64, a Decimal128, a wrapper.
 * @param v - anything
 */
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

/** Exact values and doubles of BSON number objects, each worked out once (a sort meets a value many times). */
const exactCache = new WeakMap<object, Exact>();
const roughCache = new WeakMap<object, number>();

/** The exact value of any number (see {@link isNumeric}). */
function exactOf(v: unknown): Exact {
  if (typeof v !== "object" || v === null) return exactOfValue(v);
  let exact = exactCache.get(v);
  if (exact === undefined) {
    exact = exactOfValue(v);
    exactCache.set(v, exact);
  }
  return exact;
}

function exactOfValue(v: unknown): Exact {
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
  if (typeof v === "number") return v;
  const o = v as object;
  let rough = roughCache.get(o);
  if (rough === undefined) {
    rough = Number(String(v));
    roughCache.set(o, rough);
  }
  return rough;
}

/**
 * True for a NaN of any BSON number type.
 * @param v - a number (see {@link isNumeric})
 */
export function isNaNNumber(v: unknown): boolean {
  return Number.isNaN(roughly(v));
}

/**
 * A string equal for two numbers exactly when they are equal by value, whatever their BSON types
 * (`10`, `Long(10)` and `Decimal128("10.00")` give `"10"`; the double 9.5 and `Decimal128("9.5")`
 * give `"95e-1"`): a key for hashing numbers, as `$in` does.
 * @param v - a number (see {@link isNumeric})
 */
export function numberKey(v: unknown): string {
  if (typeof v === "number" && Number.isSafeInteger(v)) return Object.is(v, -0) ? "0" : String(v);
  const e = exactOf(v);
  if (e.kind === "nan") return "NaN";
  if (e.kind === "inf") return e.neg ? "-Infinity" : "Infinity";
  if (e.coef === 0n) return "0";
  let { coef, exp } = e;
  while (exp < 0 && coef % 10n === 0n) {
    coef /= 10n;
    exp += 1;
  }
  const sign = e.neg ? "-" : "";
  if (exp < 0) return `${sign}${coef}e${exp}`;
  // a whole number: its digits (exponents are at most 6144, so this stays small)
  return `${sign}${coef * 10n ** BigInt(exp)}`;
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

/**
 * A cheap key, equal for two numbers exactly when they are equal by value: a plain double's text,
 * the same text for an Int64 or a Decimal128 whose value is exactly that double, and the exact
 * {@link numberKey} otherwise (`10`, `Decimal128("10.00")`: `"10"`; `Long("9007199254740993")`:
 * `"!9007199254740993"`).
 * @param v - a number (see {@link isNumeric})
 */
export function numberHashKey(v: unknown): string {
  if (typeof v === "number") return Object.is(v, -0) ? "0" : String(v);
  const o = v as object;
  let key = hashKeyCache.get(o);
  if (key === undefined) {
    const double = roughly(v);
    const exact = numberKey(v);
    key = numberKey(double) === exact ? String(double) : `!${exact}`;
    hashKeyCache.set(o, key);
  }
  return key;
}

const hashKeyCache = new WeakMap<object, string>();
