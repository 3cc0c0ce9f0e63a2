/**
 * Collection schemas (`data_sources/<name>/<db>/<collection>/schema.json`), enforced on the writes
 * of application users as App Services enforces them: every document a request writes must match
 * its collection's schema, or the request fails with `SchemaValidationFailedWrite` and changes
 * nothing. The system user is not checked. Schemas are JSON Schema with MongoDB's `bsonType`
 * keyword, validated by Ajv. The numeric BSON types accept a JS number that fits (the server keeps
 * Int32, Int64 within 2^53 and Double values as numbers): `int` an integer within 32 bits, `long`
 * an integer, `double` any number, `decimal` a Decimal128 or a number, `number` any of them.
 * Change validation expressions (`validate`, of the document or of a field under `properties`) must
 * hold too: rule expressions over `%%this`/`%%prev` (the field after and before the write) and
 * `%%root`/`%%prevRoot` (the document), besides the request's `%%user`, `%%values`, ….
 * @packageDocumentation
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { Binary, BSONRegExp, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from "bson";
import { ServerError } from "../contracts.js";
import { isPlainObject, type Doc } from "../data/bsonValues.js";
import { RuleConfigError } from "./config.js";
import type { ExpansionContext } from "./expansions.js";
import { RuleExpression, type ExpressionSource } from "./expression.js";
import { expressionProblems } from "./validate.js";

/** A schema file as read from an app directory. */
export interface SchemaFileEntry {
  /** The file, for messages. */
  where: string;
  /** Its parsed JSON. */
  raw: unknown;
  database: string;
  collection: string;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The BSON types of `bsonType`, each with what matches it. */
const BSON_TYPES: Record<string, (value: unknown) => boolean> = {
  double: (v) => typeof v === "number" || v instanceof Double,
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
  long: (v) => (typeof v === "number" && Number.isInteger(v)) || (v instanceof Long && !(v instanceof Timestamp)),
  decimal: (v) => v instanceof Decimal128 || typeof v === "number",
  minKey: (v) => v instanceof MinKey,
  maxKey: (v) => v instanceof MaxKey,
  mixed: () => true,
};
BSON_TYPES["number"] = (v) => BSON_TYPES["double"]?.(v) === true || BSON_TYPES["long"]?.(v) === true || BSON_TYPES["decimal"]?.(v) === true;

function typeNames(schema: unknown): string[] {
  return (Array.isArray(schema) ? schema : [schema]).filter((t): t is string => typeof t === "string");
}

function createAjv(): Ajv {
  // strict off: App Services schemas carry keywords of their own (`title` aside, e.g. Device Sync's)
  const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: true });
  ajv.addKeyword({
    keyword: "bsonType",
    schemaType: ["string", "array"],
    errors: true,
    validate: function bsonType(this: unknown, schema: unknown, data: unknown): boolean {
      const ok = typeNames(schema).some((name) => BSON_TYPES[name]?.(data) === true);
      if (!ok) {
        (bsonType as { errors?: Partial<ErrorObject>[] }).errors = [
          { keyword: "bsonType", message: `must be of BSON type ${typeNames(schema).join(" or ")}`, params: { bsonType: schema } },
        ];
      }
      return ok;
    },
  });
  return ajv;
}

/** A change validation expression and the field it belongs to (empty: the document). */
interface ChangeValidation {
  path: string[];
  expression: RuleExpression;
}

function valueAt(doc: Doc | null | undefined, path: string[]): unknown {
  let value: unknown = doc ?? undefined;
  for (const key of path) value = isPlainObject(value) ? value[key] : undefined;
  return value;
}

/** One collection's compiled schema. */
export class CollectionSchema {
  /**
   * @param namespace - `db.collection`, for messages
   * @param validate - the compiled validator (undefined: the schema has only change validations)
   * @param changes - the change validation expressions
   */
  constructor(
    readonly namespace: string,
    private readonly validate: ValidateFunction | undefined,
    private readonly changes: readonly ChangeValidation[] = [],
  ) {}

  private failed(detail: string): ServerError {
    return new ServerError(
      400,
      "SchemaValidationFailedWrite",
      `failed to validate the write to ${this.namespace} against its schema: ${detail}`,
    );
  }

  /**
   * Checks a document a request is about to write against the schema's structure.
   * @param doc - the document as it would be stored
   * @throws ServerError 400 `SchemaValidationFailedWrite` naming the first field that does not match
   */
  check(doc: Doc): void {
    if (this.validate === undefined || this.validate(doc)) return;
    const first = this.validate.errors?.[0];
    const path = first?.instancePath ?? "";
    throw this.failed(`${path === "" ? "the document" : path.slice(1).replace(/\//g, ".")} ${first?.message ?? "does not match"}`);
  }

  /**
   * Checks a write: the document after it against the structure, and the change from the document
   * before it against the change validation expressions.
   * @param before - the stored document (null for an insert)
   * @param after - the document as it would be stored
   * @param ctx - the request's expansions
   * @throws ServerError 400 `SchemaValidationFailedWrite`; whatever a `%function` in an expression throws
   */
  async checkWrite(before: Doc | null, after: Doc, ctx: ExpansionContext): Promise<void> {
    this.check(after);
    for (const { path, expression } of this.changes) {
      const scope = { root: after, prevRoot: before ?? undefined, this: valueAt(after, path), prev: valueAt(before, path) };
      if (!(await expression.evaluate(ctx, scope))) {
        throw this.failed(`the validate expression of ${path.length === 0 ? "the document" : path.join(".")} does not hold`);
      }
    }
  }
}

/**
 * Takes the change validation expressions out of a schema (of the document and of fields under
 * `properties`, however deep), compiled.
 * @returns the schema without them
 * @throws RuleConfigError for an invalid expression
 */
function takeChangeValidations(schema: unknown, path: string[], where: string, out: ChangeValidation[]): unknown {
  if (!isPlainObject(schema)) return schema;
  const { validate, ...rest } = schema;
  if (validate !== undefined) {
    const label = `${where}, validate of ${path.length === 0 ? "the document" : path.join(".")}`;
    const problems = expressionProblems(validate, { document: true });
    if (problems.length > 0) throw new RuleConfigError(`${label}: ${problems.join("; ")}`);
    out.push({ path, expression: new RuleExpression(validate as ExpressionSource, label) });
  }
  const properties = rest["properties"];
  if (isPlainObject(properties)) {
    rest["properties"] = Object.fromEntries(
      Object.entries(properties).map(([key, sub]) => [key, takeChangeValidations(sub, [...path, key], where, out)]),
    );
  }
  return rest;
}

/** Every name `bsonType` uses in a schema, anywhere in it. */
function bsonTypeNames(raw: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(raw)) for (const item of raw) bsonTypeNames(item, out);
  else if (typeof raw === "object" && raw !== null) {
    for (const [key, value] of Object.entries(raw)) {
      if (key === "bsonType") for (const name of typeNames(value)) out.add(name);
      else bsonTypeNames(value, out);
    }
  }
  return out;
}

/**
 * Compiles a collection's schema.
 * @param entry - the schema file
 * @returns the schema, or undefined for an empty one (`{}`: an export writes it for a collection without a schema)
 * @throws RuleConfigError naming the file for a schema Ajv refuses, an unknown BSON type or an invalid `validate` expression
 */
export function compileSchema(entry: SchemaFileEntry): CollectionSchema | undefined {
  const { raw, where } = entry;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new RuleConfigError(`${where}: a schema is a JSON object`);
  const changes: ChangeValidation[] = [];
  const schema = takeChangeValidations(raw, [], where, changes) as Record<string, unknown>;
  if (Object.keys(schema).length === 0 && changes.length === 0) return undefined;
  const unknown = [...bsonTypeNames(schema, new Set())].filter((name) => BSON_TYPES[name] === undefined);
  if (unknown.length > 0) throw new RuleConfigError(`${where}: unknown bsonType ${unknown.map((n) => JSON.stringify(n)).join(", ")}`);
  try {
    // an Ajv of its own: two schemas may carry the same `$id`
    const validate = Object.keys(schema).length === 0 ? undefined : createAjv().compile(schema);
    return new CollectionSchema(`${entry.database}.${entry.collection}`, validate, changes);
  } catch (err) {
    throw new RuleConfigError(`${where}: invalid schema: ${(err as Error).message}`);
  }
}
