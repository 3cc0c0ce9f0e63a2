/**
 * EJSON in the tab without bson until a value needs it. bson is about half of the tab's code, and
 * most calls carry only plain data: plain arguments cross to the runtime as structured-clone data
 * (the runtime writes the canonical EJSON), and results whose only Extended JSON markers are
 * `$numberInt` and `$numberDouble` decode with `JSON.parse`. Anything else (an ObjectId, a Long, a
 * value of another bson copy) loads the full codec (full.ts, with bson) once, on first use.
 * @packageDocumentation
 */
import { RealmTabsError } from "../protocol/errors.js";
import { loadOnDemand } from "../protocol/deadline.js";

/** The full codec module. */
export type FullCodec = typeof import("./full.js");

let full: FullCodec | null = null;
let loading: Promise<FullCodec> | null = null;

/**
 * Loads the full codec (and bson) once.
 * @throws {RealmTabsError} `network` or `timeout` (as the rejection) if its chunk cannot be fetched in time; a later call tries again
 */
export function loadFullCodec(): Promise<FullCodec> {
  loading ??= loadOnDemand(() => import("./full.js"), "the EJSON codec").then(
    (m) => (full = m),
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** The full codec if it is loaded, else null. */
export function loadedFullCodec(): FullCodec | null {
  return full;
}

/** Nesting deeper than this is left to the full codec (which also reports cycles). */
const MAX_DEPTH = 64;

/**
 * Whether `value` is plain data the runtime can encode after a structured clone, with the same
 * canonical EJSON the full codec would write here: null, booleans, numbers, strings, `undefined`,
 * Dates, arrays and plain objects of those. Anything else (BSON values of any copy, bigint, class
 * instances, functions) is not.
 */
export function isPlainData(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "number":
    case "undefined":
      return true;
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const v of value as unknown[]) if (!isPlainData(v, depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Date.prototype) return true;
  if (proto !== Object.prototype && proto !== null) return false;
  if ("_bsontype" in value) return false;
  for (const v of Object.values(value)) if (!isPlainData(v, depth + 1)) return false;
  return true;
}

/**
 * Function arguments as realm-web 2.0.1 sends them (its `cleanArgs`), without touching the caller's
 * objects: each argument that is a plain object loses its own keys whose value is `undefined`; an
 * `undefined` anywhere deeper is sent as `null`. So `find({ owner: undefined })` sends the query
 * `{"owner": null}` (documents without an owner), never `{}` (every document).
 */
export function withoutUndefinedKeys(args: readonly unknown[]): unknown[] {
  return args.map((arg) => {
    if (typeof arg !== "object" || arg === null || Array.isArray(arg)) return arg;
    const proto = Object.getPrototypeOf(arg) as unknown;
    if (proto !== Object.prototype && proto !== null) return arg;
    return Object.fromEntries(Object.entries(arg).filter(([, v]) => v !== undefined));
  });
}

/** Whether plain data holds only strings, booleans, null, `undefined`, arrays and objects: its canonical EJSON is its JSON (with `undefined` as `null`). */
function isJsonOnly(value: unknown): boolean {
  if (value == null || typeof value === "string" || typeof value === "boolean") return true;
  if (Array.isArray(value)) return (value as unknown[]).every(isJsonOnly);
  if (typeof value !== "object" || value instanceof Date) return false;
  return Object.values(value).every(isJsonOnly);
}

/**
 * Canonical EJSON of `value`, `undefined` written as `null` at any depth (as realm-web writes a
 * request body, and an argument's nested values): `JSON.stringify` when it holds no number, Date or
 * BSON value (credentials, email/password bodies), else the full codec.
 * @param what - names the value in the error message
 * @throws {RealmTabsError} `invalid-argument` if it cannot be encoded
 */
export async function encodeCanonical(value: unknown, what: string): Promise<string> {
  if (isPlainData(value) && isJsonOnly(value)) return JSON.stringify(value, (_key, v: unknown) => (v === undefined ? null : v));
  return (await loadFullCodec()).encodeCanonical(value, what);
}

/**
 * Function arguments as they cross to the runtime (see {@link withoutUndefinedKeys}): plain data as
 * a structured-clone array (the runtime encodes it, `undefined` as `null`), anything else as
 * canonical EJSON written here with the full codec.
 * @throws {RealmTabsError} `invalid-argument` if an argument cannot be encoded
 */
export async function encodeArgsForRuntime(args: unknown[]): Promise<unknown[] | string> {
  if (isPlainData(args)) return withoutUndefinedKeys(args);
  return (await loadFullCodec()).encodeArgs(args);
}

/** An Extended JSON key other than the two number wrappers `JSON.parse` can decode here. */
const OTHER_MARKER = /"\$(?!numberInt"|numberDouble")/;
const INT32 = /^-?\d{1,10}$/;
const DOUBLE = /^(-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|-?Infinity|NaN)$/;

class NeedsFullCodec extends Error {}

/**
 * Loads the full codec first if any user of `snapshot` has custom data holding BSON values, so
 * the snapshot is applied with that data decoded. Resolves at once (no extra tick) otherwise; a
 * codec that cannot be loaded is reported by the mirror, not here.
 */
export function codecFor(snapshot: { users: readonly { customDataEJSON: string }[] }): Promise<void> | null {
  if (full || !snapshot.users.some((u) => OTHER_MARKER.test(u.customDataEJSON))) return null;
  return loadFullCodec().then(
    () => undefined,
    () => undefined,
  );
}

function numberWrapper(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  const int = record.$numberInt;
  const double = record.$numberDouble;
  if (int === undefined && double === undefined) return value;
  if (Object.keys(record).length !== 1) throw new NeedsFullCodec();
  if (typeof int === "string" && INT32.test(int)) {
    const n = Number(int);
    if (n >= -2147483648 && n <= 2147483647) return n;
  }
  if (typeof double === "string" && DOUBLE.test(double)) return Number(double);
  throw new NeedsFullCodec();
}

/**
 * Decodes relaxed EJSON here when its only markers are `$numberInt` and `$numberDouble` (the value
 * is then what the full codec would return).
 * @returns `{ value }`, or null when the full codec is needed (other markers, or a malformed wrapper)
 * @throws {SyntaxError} if `text` is not JSON
 */
export function decodeWithoutBson(text: string): { value: unknown } | null {
  if (OTHER_MARKER.test(text)) return null;
  try {
    return { value: JSON.parse(text, numberWrapper) as unknown };
  } catch (error) {
    if (error instanceof NeedsFullCodec) return null;
    throw error;
  }
}

/**
 * Decodes a result of the runtime (relaxed or canonical EJSON, as text or UTF-8 bytes): numbers become `number`, BSON
 * types keep their class (loading the full codec when one is present).
 * @throws {RealmTabsError} `internal` if the runtime sent something that is not EJSON
 */
export async function decodeFromRuntime(result: string | ArrayBuffer): Promise<unknown> {
  const text = textOfResult(result);
  let fast: { value: unknown } | null;
  try {
    fast = decodeWithoutBson(text);
  } catch (cause) {
    throw new RealmTabsError("internal", "the session runtime returned a result that is not EJSON", { cause, retryable: false });
  }
  if (fast) return fast.value;
  return (await loadFullCodec()).decodeResult(text);
}

/**
 * Decodes relaxed EJSON at once if it can be (plain data, or the full codec is loaded).
 * @returns `{ value }`, or null when the full codec is needed and not loaded yet (it starts loading)
 * @throws {Error} if `text` is not EJSON
 */
export function decodeNow(text: string): { value: unknown } | null {
  const fast = decodeWithoutBson(text);
  if (fast) return fast;
  if (full) return { value: full.EJSON.parse(text, { relaxed: true }) };
  void loadFullCodec().catch(() => {});
  return null;
}

const utf8 = new TextDecoder();

/**
 * A function result as the runtime sent it, as text: a large one arrives as its UTF-8 bytes (a
 * transferred `ArrayBuffer`), read here once.
 */
export function textOfResult(result: string | ArrayBuffer): string {
  return typeof result === "string" ? result : utf8.decode(result);
}
