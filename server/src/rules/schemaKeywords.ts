/**
 * The Ajv instance that checks collection schemas, with the keywords BSON values need: `bsonType`;
 * `bsonRange` (the range keywords for Int64 and Decimal128 values, which Ajv's own range keywords
 * skip as non-numbers); `bsonUniqueItems` (in place of `uniqueItems`: compares items by their
 * canonical Extended JSON, in linear time); and `bsonPattern` (in place of `pattern`: a regular
 * expression as MongoDB writes it, without JavaScript's Unicode mode, with a leading inline flag
 * group such as `(?i)` read as flags). schemaPrepare.ts rewrites a schema into these keywords.
 * @packageDocumentation
 */
import { Ajv, type ErrorObject } from "ajv";
import { Binary, BSONRegExp, Decimal128, Double, EJSON, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from "bson";
import { isPlainObject } from "../data/bsonValues.js";

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

const isDouble = (v: unknown): boolean => typeof v === "number" || v instanceof Double;
const isLong = (v: unknown): boolean => (typeof v === "number" && Number.isInteger(v)) || (v instanceof Long && !(v instanceof Timestamp));
const isDecimal = (v: unknown): boolean => v instanceof Decimal128 || typeof v === "number";

/** The BSON types of `bsonType`, each with what matches it (the numeric ones accept a JS number that fits). */
export const BSON_TYPES: Readonly<Record<string, (value: unknown) => boolean>> = {
  double: isDouble,
  // Development Mode writes Realm's float properties as `float`
  float: isDouble,
  string: (v) => typeof v === "string",
  object: (v) => isPlainObject(v),
  array: (v) => Array.isArray(v),
  binData: (v) => v instanceof Binary,
  uuid: (v) => v instanceof Binary && v.sub_type === Binary.SUBTYPE_UUID,
  objectId: (v) => v instanceof ObjectId,
  bool: (v) => typeof v === "boolean",
  date: (v) => v instanceof Date,
  null: (v) => v === null,
  regex: (v) => v instanceof RegExp || v instanceof BSONRegExp,
  int: (v) => (typeof v === "number" && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX) || v instanceof Int32,
  // a Timestamp is a Long too
  timestamp: (v) => v instanceof Timestamp,
  long: isLong,
  decimal: isDecimal,
  number: (v) => isDouble(v) || isLong(v) || isDecimal(v),
  minKey: (v) => v instanceof MinKey,
  maxKey: (v) => v instanceof MaxKey,
  mixed: () => true,
};

/** The range keywords `bsonRange` carries. */
export interface RangeBounds {
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
}

function names(schema: unknown): string[] {
  return (Array.isArray(schema) ? schema : [schema]).filter((t): t is string => typeof t === "string");
}

type Validator = ((schema: unknown, data: unknown) => boolean) & { errors?: Partial<ErrorObject>[] };

/** A keyword's validate function, which reports its message as Ajv expects. */
function keyword<S>(name: string, test: (schema: S, data: unknown) => string | undefined): Validator {
  const validate: Validator = (schema, data) => {
    const problem = test(schema as S, data);
    validate.errors = problem === undefined ? [] : [{ keyword: name, message: problem, params: {} }];
    return problem === undefined;
  };
  return validate;
}

/**
 * -1, 0 or 1: a Long or Decimal128 against a bound (a Long exactly; a Decimal128 as the nearest
 * double), or NaN when they cannot be compared (a Decimal128 NaN), which fails every range check.
 */
function compare(value: Long | Decimal128, bound: number): number {
  if (value instanceof Long && Number.isInteger(bound)) {
    const v = BigInt(value.toString());
    const b = BigInt(bound);
    return v < b ? -1 : v > b ? 1 : 0;
  }
  const v = Number(value.toString());
  return v < bound ? -1 : v > bound ? 1 : v === bound ? 0 : Number.NaN;
}

function rangeProblem(bounds: RangeBounds, data: unknown): string | undefined {
  if (!(data instanceof Long || data instanceof Decimal128) || data instanceof Timestamp) return undefined;
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = bounds;
  if (minimum !== undefined && !(compare(data, minimum) >= 0)) return `must be >= ${minimum}`;
  if (maximum !== undefined && !(compare(data, maximum) <= 0)) return `must be <= ${maximum}`;
  if (exclusiveMinimum !== undefined && !(compare(data, exclusiveMinimum) > 0)) return `must be > ${exclusiveMinimum}`;
  if (exclusiveMaximum !== undefined && !(compare(data, exclusiveMaximum) < 0)) return `must be < ${exclusiveMaximum}`;
  if (multipleOf !== undefined) {
    const ok =
      data instanceof Long && Number.isInteger(multipleOf)
        ? BigInt(data.toString()) % BigInt(multipleOf) === 0n
        : Number.isInteger(Number(data.toString()) / multipleOf);
    if (!ok) return `must be multiple of ${multipleOf}`;
  }
  return undefined;
}

function uniqueProblem(unique: boolean, data: unknown): string | undefined {
  if (!unique || !Array.isArray(data)) return undefined;
  const seen = new Map<string, number>();
  for (const [i, item] of data.entries()) {
    const key = EJSON.stringify({ v: item as unknown }, { relaxed: false });
    const first = seen.get(key);
    if (first !== undefined) return `must NOT have duplicate items (items ## ${first} and ${i} are identical)`;
    seen.set(key, i);
  }
  return undefined;
}

/**
 * A pattern as MongoDB writes it, as a JavaScript regular expression.
 * @param pattern - the pattern (a leading `(?imsx)` group becomes flags; `x` is not supported)
 * @throws SyntaxError for a pattern JavaScript cannot read
 */
export function patternRegExp(pattern: string): RegExp {
  const inline = /^\(\?([imsx]+)\)/.exec(pattern);
  if (inline?.[1]?.includes("x") === true) throw new SyntaxError(`pattern ${JSON.stringify(pattern)}: the x flag is not supported`);
  return inline === null ? new RegExp(pattern) : new RegExp(pattern.slice(inline[0].length), inline[1]);
}

/** A new Ajv with the BSON keywords (one per schema: two schemas may carry the same `$id`). */
export function createAjv(): Ajv {
  // strict off: App Services schemas carry keywords of their own (`title`, Device Sync's);
  // unicodeRegExp off: patternProperties' keys are MongoDB patterns, not Unicode-mode ones
  const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: true, unicodeRegExp: false });
  ajv.addKeyword({
    keyword: "bsonType",
    schemaType: ["string", "array"],
    errors: true,
    // compiled where the keyword is (not in `default` or `enum` data), so an unknown name stops the start
    compile: (schema: string | string[]) => {
      const unknown = names(schema).filter((name) => BSON_TYPES[name] === undefined);
      if (unknown.length > 0) throw new Error(`unknown bsonType ${unknown.map((n) => JSON.stringify(n)).join(", ")}`);
      const tests = names(schema).map((name) => BSON_TYPES[name] ?? (() => false));
      const message = `must be of BSON type ${names(schema).join(" or ")}`;
      const validate = (data: unknown): boolean => {
        const ok = tests.some((test) => test(data));
        validate.errors = ok ? [] : [{ keyword: "bsonType", message, params: {} }];
        return ok;
      };
      validate.errors = [] as Partial<ErrorObject>[];
      return validate;
    },
  });
  ajv.addKeyword({ keyword: "bsonRange", schemaType: "object", errors: true, validate: keyword("bsonRange", rangeProblem) });
  ajv.addKeyword({ keyword: "bsonUniqueItems", schemaType: "boolean", errors: true, validate: keyword("bsonUniqueItems", uniqueProblem) });
  ajv.addKeyword({
    keyword: "bsonPattern",
    schemaType: "string",
    errors: true,
    compile: (pattern: string) => {
      const regExp = patternRegExp(pattern);
      const validate = (data: unknown): boolean => {
        const ok = typeof data !== "string" || regExp.test(data);
        validate.errors = ok ? [] : [{ keyword: "pattern", message: `must match pattern "${pattern}"`, params: {} }];
        return ok;
      };
      validate.errors = [] as Partial<ErrorObject>[];
      return validate;
    },
  });
  return ajv;
}
