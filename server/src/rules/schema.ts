/**
 * Collection schemas (`data_sources/<name>/<db>/<collection>/schema.json`), enforced on the writes
 * of application users as App Services enforces them: every document a request writes must match
 * its collection's schema, or the request fails with `SchemaValidationFailedWrite` and changes
 * nothing. The system user is not checked. Schemas are JSON Schema with MongoDB's `bsonType`
 * keyword, validated by Ajv (schemaPrepare.ts and schemaKeywords.ts adapt them to BSON values).
 * Change validation expressions (`validate`, of the document, of a field under `properties`, of
 * each item of an array or value of a dictionary) must hold too: rule expressions over
 * `%%this`/`%%prev` (the value after and before the write; a field's expression only where the field
 * is) and `%%root`/`%%prevRoot` (the document), besides the request's `%%user`, `%%values`, ….
 * @packageDocumentation
 */
import type { ValidateFunction } from "ajv";
import { ServerError } from "../contracts.js";
import { isPlainObject, type Doc } from "../data/bsonValues.js";
import { RuleConfigError } from "./config.js";
import type { ExpansionContext } from "./expansions.js";
import { RuleExpression, type ExpressionSource } from "./expression.js";
import { createAjv } from "./schemaKeywords.js";
import { prepareSchema, type PathStep, type RawChangeValidation } from "./schemaPrepare.js";
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

/** A change validation expression and where it applies. */
interface ChangeValidation {
  path: PathStep[];
  expression: RuleExpression;
}

/** A value a validation applies to: its place (for messages), and its value after and before the write. */
interface Subject {
  at: string;
  after: unknown;
  before: unknown;
  /** True if the value exists after or before the write. */
  present: boolean;
}

/** The values a path names in the document after a write, each with the one at the same place before. */
function subjects(path: readonly PathStep[], after: unknown, before: unknown, at: string[] = []): Subject[] {
  const [step, ...rest] = path;
  if (step === undefined) return [{ at: at.join("."), after, before, present: after !== undefined || before !== undefined }];
  if ("key" in step) return subjects(rest, own(after, step.key), own(before, step.key), [...at, step.key]);
  if (step.each === "item") {
    if (!Array.isArray(after)) return [];
    return after.flatMap((item, i) =>
      subjects(rest, item, Array.isArray(before) ? (before as unknown[])[i] : undefined, [...at, String(i)]),
    );
  }
  if (!isPlainObject(after)) return [];
  return Object.keys(after)
    .filter((key) => !step.except.includes(key) && !step.exceptPatterns.some((pattern) => pattern.test(key)))
    .flatMap((key) => subjects(rest, after[key], own(before, key), [...at, key]));
}

/** A plain object's own property (never one it inherits, such as `toString`). */
function own(value: unknown, key: string): unknown {
  return isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
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
    /** The schema names a property like an inherited member (`constructor`): check own fields only. */
    private readonly ownOnly = false,
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
    if (this.validate === undefined || this.validate(this.ownOnly ? ownFields(doc) : doc)) return;
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
      for (const subject of subjects(path, after, before ?? undefined)) {
        // a field's expression applies where the field is, before or after the write
        if (path.length > 0 && !subject.present) continue;
        const scope = { root: after, prevRoot: before ?? undefined, this: subject.after, prev: subject.before };
        if (!(await expression.evaluate(ctx, scope))) {
          throw this.failed(`the validate expression of ${subject.at === "" ? "the document" : subject.at} does not hold`);
        }
      }
    }
  }
}

/**
 * A copy of a document whose objects inherit nothing: the validator reads a property by name, so a
 * schema property named `constructor` or `toString` would find Object.prototype's member in a
 * document without it (and fail its type, or pass `required`). Only for such schemas: `enum` and
 * `const` compare objects by their constructor too.
 */
function ownFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ownFields);
  if (!isPlainObject(value)) return value;
  const out = Object.create(null) as Doc;
  for (const [key, item] of Object.entries(value)) out[key] = ownFields(item);
  return out;
}

const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** True if a schema names, anywhere, a property or required field like an inherited member. */
function namesInherited(schema: unknown): boolean {
  const pending: unknown[] = [schema];
  for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
    if (Array.isArray(value)) pending.push(...(value as unknown[]));
    else if (isPlainObject(value)) {
      const required = value["required"];
      if (Array.isArray(required) && required.some((k) => typeof k === "string" && INHERITED.has(k))) return true;
      const properties = value["properties"];
      if (isPlainObject(properties) && Object.keys(properties).some((k) => INHERITED.has(k))) return true;
      pending.push(...Object.values(value));
    }
  }
  return false;
}

function compiled(raw: RawChangeValidation): ChangeValidation {
  const problems = expressionProblems(raw.source, { document: true });
  if (problems.length > 0) throw new RuleConfigError(`${raw.label}: ${problems.join("; ")}`);
  return { path: raw.path, expression: new RuleExpression(raw.source as ExpressionSource, raw.label) };
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
  const raws: RawChangeValidation[] = [];
  const schema = prepareSchema(raw, [], where, raws) as Record<string, unknown>;
  const changes = raws.map(compiled);
  if (Object.keys(schema).length === 0 && changes.length === 0) return undefined;
  try {
    const validate = Object.keys(schema).length === 0 ? undefined : createAjv().compile(schema);
    return new CollectionSchema(`${entry.database}.${entry.collection}`, validate, changes, namesInherited(raw));
  } catch (err) {
    throw new RuleConfigError(`${where}: invalid schema: ${(err as Error).message}`);
  }
}
