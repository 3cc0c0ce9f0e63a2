/**
 * The rule file formats (`<db>/<collection>/rules.json`, `default_rule.json`), validated with zod,
 * and their compiled form.
 * @packageDocumentation
 */
import { z } from "zod";
import type { Doc } from "../data/bsonValues.js";
import { RuleExpression, type ExpressionSource } from "./expression.js";
import { expressionProblems, type ExpressionPlace } from "./validate.js";

const expression = z.union([z.boolean(), z.record(z.string(), z.unknown())]);

/** A field rule as written. */
export interface FieldRuleInput {
  read?: ExpressionSource | undefined;
  write?: ExpressionSource | undefined;
  fields?: Record<string, FieldRuleInput> | undefined;
}

const fieldRule: z.ZodType<FieldRuleInput> = z.lazy(() =>
  z.object({ read: expression.optional(), write: expression.optional(), fields: z.record(z.string(), fieldRule).optional() }),
);

const readWrite = z.object({ read: expression.optional(), write: expression.optional() });

/** A role as written in rules.json or default_rule.json. */
export const roleSchema = z.object({
  name: z.string().min(1).max(100),
  apply_when: expression.default({}),
  document_filters: readWrite.optional(),
  read: expression.optional(),
  write: expression.optional(),
  insert: expression.optional(),
  delete: expression.optional(),
  search: expression.optional(),
  fields: z.record(z.string(), fieldRule).default({}),
  additional_fields: readWrite.default({}),
});

/** A query filter as written. */
export const filterSchema = z.object({
  name: z.string().min(1).max(100),
  apply_when: expression.default({}),
  query: z.record(z.string(), z.unknown()).default({}),
  projection: z.record(z.string(), z.unknown()).optional(),
  /** Some App Services examples spell it `project`. */
  project: z.record(z.string(), z.unknown()).optional(),
});

/** `rules.json` (with `database`/`collection`) or `default_rule.json` (without). */
export const ruleFileSchema = z.object({
  database: z.string().min(1).optional(),
  collection: z.string().min(1).optional(),
  roles: z.array(roleSchema).default([]),
  filters: z.array(filterSchema).default([]),
});

/** A rule file as written (fields with defaults may be left out). */
export type RuleFileInput = z.input<typeof ruleFileSchema>;
/** A parsed rule file. */
export type RuleFile = z.infer<typeof ruleFileSchema>;

/** A compiled field rule. */
export interface CompiledField {
  read: RuleExpression | undefined;
  write: RuleExpression | undefined;
  fields: Map<string, CompiledField>;
}

/** A compiled role. */
export interface CompiledRole {
  name: string;
  applyWhen: RuleExpression;
  documentFilters: { read: RuleExpression | undefined; write: RuleExpression | undefined };
  read: RuleExpression | undefined;
  write: RuleExpression | undefined;
  insert: RuleExpression;
  delete: RuleExpression;
  search: RuleExpression;
  fields: Map<string, CompiledField>;
  additionalFields: { read: RuleExpression | undefined; write: RuleExpression | undefined };
}

/** A compiled query filter. */
export interface CompiledFilter {
  name: string;
  applyWhen: RuleExpression;
  query: Doc;
  projection: Doc | undefined;
}

/** The roles and filters that govern one namespace. */
export interface CompiledRuleSet {
  roles: CompiledRole[];
  filters: CompiledFilter[];
  /** No write is permitted, whatever the roles say. */
  readOnly?: boolean;
}

/** Thrown when a rule file is invalid; the message names the file and the rule. */
export class RuleConfigError extends Error {
  /** @param message - what is wrong, and where */
  constructor(message: string) {
    super(message);
    this.name = "RuleConfigError";
  }
}

const DOCUMENT: ExpressionPlace = { document: true };

function compileExpression(source: ExpressionSource, where: string, place: ExpressionPlace, problems: string[]): RuleExpression {
  for (const p of expressionProblems(source, place)) problems.push(`${where}: ${p}`);
  return new RuleExpression(source, where);
}

function optional(source: ExpressionSource | undefined, where: string, problems: string[]): RuleExpression | undefined {
  return source === undefined ? undefined : compileExpression(source, where, DOCUMENT, problems);
}

function compileFields(fields: Record<string, FieldRuleInput>, where: string, problems: string[]): Map<string, CompiledField> {
  const out = new Map<string, CompiledField>();
  for (const [name, rule] of Object.entries(fields)) {
    const at = `${where}.${name}`;
    out.set(name, {
      read: optional(rule.read, `${at}.read`, problems),
      write: optional(rule.write, `${at}.write`, problems),
      fields: compileFields(rule.fields ?? {}, `${at}.fields`, problems),
    });
  }
  return out;
}

function compileRole(role: RuleFile["roles"][number], where: string, problems: string[]): CompiledRole {
  const at = `${where}, role "${role.name}"`;
  return {
    name: role.name,
    applyWhen: compileExpression(role.apply_when, `${at}, apply_when`, DOCUMENT, problems),
    documentFilters: {
      read: optional(role.document_filters?.read, `${at}, document_filters.read`, problems),
      write: optional(role.document_filters?.write, `${at}, document_filters.write`, problems),
    },
    read: optional(role.read, `${at}, read`, problems),
    write: optional(role.write, `${at}, write`, problems),
    insert: compileExpression(role.insert ?? true, `${at}, insert`, DOCUMENT, problems),
    delete: compileExpression(role.delete ?? true, `${at}, delete`, DOCUMENT, problems),
    search: compileExpression(role.search ?? true, `${at}, search`, DOCUMENT, problems),
    fields: compileFields(role.fields, `${at}, fields`, problems),
    additionalFields: {
      read: optional(role.additional_fields.read, `${at}, additional_fields.read`, problems),
      write: optional(role.additional_fields.write, `${at}, additional_fields.write`, problems),
    },
  };
}

function compileFilter(filter: RuleFile["filters"][number], where: string, problems: string[]): CompiledFilter {
  const at = `${where}, filter "${filter.name}"`;
  const projection = filter.projection ?? filter.project;
  for (const p of expressionProblems(filter.query, { document: true })) {
    if (p.includes("%%")) problems.push(`${at}, query: ${p}`);
  }
  return {
    name: filter.name,
    applyWhen: compileExpression(filter.apply_when, `${at}, apply_when`, { document: false }, problems),
    query: filter.query,
    projection: projection === undefined || Object.keys(projection).length === 0 ? undefined : projection,
  };
}

/**
 * Validates and compiles a rule file.
 * @param raw - the parsed JSON
 * @param where - the file, for messages (e.g. `data_sources/mongodb-atlas/demo/todos/rules.json`)
 * @returns the compiled roles and filters
 * @throws RuleConfigError naming the file, role and field of every problem
 */
export function compileRuleFile(
  raw: unknown,
  where: string,
): CompiledRuleSet & { database?: string | undefined; collection?: string | undefined } {
  const parsed = ruleFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new RuleConfigError(`${where}: ${issues}`);
  }
  const problems: string[] = [];
  const roles = parsed.data.roles.map((r) => compileRole(r, where, problems));
  const filters = parsed.data.filters.map((f) => compileFilter(f, where, problems));
  if (problems.length > 0) throw new RuleConfigError(problems.join("; "));
  return { roles, filters, database: parsed.data.database, collection: parsed.data.collection };
}

/**
 * A copy of a rule set whose roles read as before but may not write (used for the custom user data
 * collection when only default rules cover it).
 * @param set - compiled rules
 */
export function readOnlyRuleSet(set: CompiledRuleSet): CompiledRuleSet {
  return { ...set, readOnly: true };
}
